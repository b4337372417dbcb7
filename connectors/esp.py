"""`esp-csv`: a marketing platform's send log (Mailchimp, SendGrid, Braze exports) mapped by --mapping.

Each row is one CAMPAIGN interaction keyed by its event id; the recipient is one CAMPAIGN_RECIPIENT record per
address (lower-cased) and source. A recipient record is emitted when its address is first seen in a load and
again when a later row brings a new name for it, so rows without a name never blank a known one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from connectors.base import ROW_ERRORS, Connector, ConnectorOptions, row_reason
from connectors.csvrows import CsvDialect, MappedRow, mapped_rows, read_header
from connectors.dates import parse_datetime, zone
from connectors.mapping import Mapping, check_mapping, resolve_columns
from identity_graph.errors import ConfigError
from identity_graph.model import (
    Channel,
    Direction,
    IdentifierClaim,
    IdentifierKind,
    Interaction,
    Participation,
    Record,
    RecordKind,
    RecordRef,
    Role,
    SourceItem,
)

ESP_FIELDS = frozenset(
    {
        "id",
        "email",
        "first_name",
        "last_name",
        "full_name",
        "campaign_id",
        "campaign_name",
        "sent_at",
        "from_address",
        "subject",
        "event",
    }
)
ESP_REQUIRED = ("id", "email", "sent_at")
#: Event words as platforms write them -> our event names.
EVENT_WORDS = {
    "sent": "sent", "send": "sent", "processed": "sent", "delivered": "delivered", "delivery": "delivered",
    "open": "open", "opened": "open", "click": "click", "clicked": "click", "bounce": "bounce",
    "bounced": "bounce", "hard_bounce": "bounce", "soft_bounce": "bounce", "dropped": "bounce",
    "unsubscribe": "unsubscribe", "unsubscribed": "unsubscribe", "spamreport": "complaint",
    "complaint": "complaint", "spam": "complaint",
}  # fmt: skip
#: Events that are the customer's action (inbound); the rest are our sends (outbound).
CUSTOMER_EVENTS = frozenset({"open", "click", "unsubscribe", "complaint"})
#: Recipients remembered per load to avoid re-emitting an unchanged record (bounded memory).
RECIPIENT_CACHE_SIZE = 100_000


class EspCsvConnector(Connector):
    """A send log CSV with a header row and a mapping."""

    format: ClassVar[str] = "esp-csv"
    description: ClassVar[str] = "an email marketing send log CSV, mapped by --mapping"
    needs_mapping: ClassVar[bool] = True

    def __init__(self, options: ConnectorOptions) -> None:
        super().__init__(options)
        if options.mapping is None:
            raise ConfigError("format esp-csv needs --mapping FILE")
        check_mapping(options.mapping, ESP_FIELDS, self.format, required=ESP_REQUIRED)
        self.mapping: Mapping = options.mapping
        self.dialect = CsvDialect.from_mapping(self.mapping)
        self.tz = zone(self.mapping.option("timezone"))
        self.date_format = self.mapping.option("date_format")
        self._names: OrderedDict[str, tuple[str | None, str | None, str | None]] = OrderedDict()

    def check(self, paths: Sequence[Path]) -> None:
        """Every file's header must hold the mapped columns."""
        super().check(paths)
        for path in paths:
            resolve_columns(self.mapping, read_header(path, self.dialect), str(path))

    def read_file(self, path: Path) -> Iterator[SourceItem]:
        """The recipient record (when new or renamed) and the interaction of every row."""
        for row in mapped_rows(path, self.counter, self.dialect, self._locate):
            if not isinstance(row, MappedRow):
                yield row
                continue
            try:
                items = self._items(row)
            except ROW_ERRORS as exc:
                yield self.reject(path, row.line, row_reason(exc), row.raw)
                continue
            yield from items

    def _locate(self, header: list[str], path: Path) -> dict[str, tuple[int, ...]]:
        """Where each mapped field is in this file's header."""
        return resolve_columns(self.mapping, header, str(path))

    def _recipient(self, address: str, names: tuple[str | None, str | None, str | None]) -> Record | None:
        """The recipient's record when it is new in this load or brings a new name; else None."""
        known = self._names.get(address)
        if known is not None:
            merged = tuple(new or old for new, old in zip(names, known, strict=True))
            self._names.move_to_end(address)
            if merged == known:
                return None
        else:
            merged = names
        first, last, full = merged
        self._names[address] = (first, last, full)
        if len(self._names) > RECIPIENT_CACHE_SIZE:
            self._names.popitem(last=False)
        return Record(
            source=self.source,
            source_id=address,
            kind=RecordKind.CAMPAIGN_RECIPIENT,
            first_name=first,
            last_name=last,
            full_name=full,
            identifiers=(IdentifierClaim(kind=IdentifierKind.EMAIL, raw=address, field="email"),),
        )

    def _items(self, row: MappedRow) -> list[SourceItem]:
        """One row's items."""
        get = row.get
        event_id, address = get("id"), get("email").lower()
        if not event_id:
            raise ValueError("empty event id")
        if not address:
            raise ValueError("empty recipient")
        occurred = parse_datetime(get("sent_at"), self.date_format, self.tz)
        word = get("event").lower() or "sent"
        event = EVENT_WORDS.get(word, word)
        attributes = row.unmapped()
        attributes.update({k: v for k in ("campaign_id", "campaign_name", "from_address") if (v := get(k))})
        attributes["event"] = event
        items: list[SourceItem] = []
        participants: tuple[Participation, ...] = ()
        if not self.own.is_own_email(address):
            names = (get("first_name") or None, get("last_name") or None, get("full_name") or None)
            record = self._recipient(address, names)
            if record is not None:
                items.append(record)
            ref = RecordRef(source=self.source, source_id=address)
            participants = (Participation(record=ref, role=Role.RECIPIENT),)
        campaign = get("campaign_name") or get("campaign_id") or "campaign"
        items.append(
            Interaction(
                source=self.source,
                source_id=event_id,
                channel=Channel.CAMPAIGN,
                occurred_at=occurred,
                direction=Direction.INBOUND if event in CUSTOMER_EVENTS else Direction.OUTBOUND,
                subject=get("subject") or None,
                summary=f"{campaign}: {event}",
                thread_key=get("campaign_id") or None,
                participants=participants,
                attributes=attributes,
            )
        )
        return items
