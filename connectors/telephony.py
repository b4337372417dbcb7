"""The call-log connectors: `asterisk` (CDR Master.csv, no header) and `calls-csv` (mapped CSV)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, tzinfo
from itertools import islice
from pathlib import Path
from typing import ClassVar

from connectors.base import ROW_ERRORS, Connector, ConnectorOptions, clean, row_reason
from connectors.callerid import NameFrequency, parse_clid
from connectors.calls import CallFacts, call_items, call_numbers, parse_direction, parse_seconds
from connectors.csvrows import CsvDialect, CsvRow, MappedRow, csv_rows, mapped_rows, read_header
from connectors.dates import optional_datetime, parse_datetime, zone
from connectors.mapping import Mapping, check_mapping, resolve_columns
from connectors.ownside import ShareCounter, inferred_notice, phone_key
from identity_graph.errors import ConfigError
from identity_graph.model import Notice, SourceItem

#: Asterisk CDR columns, in Master.csv order.
ASTERISK_COLUMNS = (
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "uniqueid",
    "userfield",
)
#: Optional trailing columns of newer Asterisk versions.
ASTERISK_EXTRA = ("peeraccount", "linkedid", "sequence")
#: Columns shown elsewhere (not repeated in the interaction's attributes).
_ASTERISK_USED = frozenset({"src", "dst", "start", "disposition", "billsec", "uniqueid"})
#: Canonical fields of `calls-csv`.
CALLS_FIELDS = frozenset(
    {
        "id",
        "started_at",
        "ended_at",
        "duration",
        "billsec",
        "from_number",
        "to_number",
        "caller_name",
        "direction",
        "disposition",
        "agent",
        "context",
    }
)
CALLS_REQUIRED = ("id", "started_at", "from_number", "to_number")


class CallConnector(Connector):
    """Shared pre-scan (own numbers, placeholder names) and row handling of call logs."""

    def __init__(self, options: ConnectorOptions) -> None:
        super().__init__(options)
        self.shared_names: frozenset[str] = frozenset()
        self.tz: tzinfo = UTC
        self.date_format: str | None = None
        self.dialect = CsvDialect()

    def facts(self, path: Path) -> Iterator[CallFacts | SourceItem]:
        """Each row as CallFacts, or a Rejected/Notice."""
        raise NotImplementedError

    def prescan(self, paths: Sequence[Path]) -> Iterator[Notice]:
        """Infer our numbers (when none configured) and placeholder caller-ID names from the first calls."""
        settings = self.own.settings
        numbers, names = ShareCounter(), NameFrequency()
        scan = (f for path in paths for f in self.facts(path) if isinstance(f, CallFacts))
        saved = self.counter.done
        for facts in islice(scan, settings.infer_scan_items):
            numbers.add_item(k for k in (phone_key(n, self.own.region) for n in call_numbers(facts)) if k)
            if facts.caller_name and facts.src:
                names.add(facts.caller_name, facts.src)
        self.counter.done = saved
        self.shared_names = names.placeholders()
        if self.own.phones_configured or not settings.infer:
            return
        found = numbers.frequent(settings.infer_min_share, settings.infer_min_items)
        if found:
            self.own.phones.update(found)
            yield inferred_notice(str(paths[0]) if paths else "", "numbers", found, "phone_numbers")

    def read_file(self, path: Path) -> Iterator[SourceItem]:
        """The party record and interaction of every call."""
        for item in self.facts(path):
            if isinstance(item, CallFacts):
                yield from call_items(self.source, item, self.own, self.shared_names)
            else:
                yield item


class AsteriskConnector(CallConnector):
    """Asterisk CDR `Master.csv`: no header, 18 columns (21 with peeraccount, linkedid, sequence)."""

    format: ClassVar[str] = "asterisk"
    description: ClassVar[str] = "Asterisk CDR Master.csv (no header row)"

    def __init__(self, options: ConnectorOptions) -> None:
        super().__init__(options)
        mapping = options.mapping
        if mapping is not None:
            check_mapping(mapping, frozenset(), self.format, required=())
            self.tz = zone(mapping.option("timezone"))
            self.date_format = mapping.option("date_format")
            self.dialect = CsvDialect.from_mapping(mapping)

    def facts(self, path: Path) -> Iterator[CallFacts | SourceItem]:
        """Each CDR row as CallFacts; a wrong column count or bad time is Rejected."""
        for row in csv_rows(path, self.counter, self.dialect):
            if not isinstance(row, CsvRow):
                yield row
                continue
            if row.line == 1 and row.values and row.values[0].strip().lower() == "accountcode":
                continue  # a header someone added
            if len(row.values) not in (len(ASTERISK_COLUMNS), len(ASTERISK_COLUMNS) + len(ASTERISK_EXTRA)):
                yield self.reject(path, row.line, f"expected 18 or 21 columns, found {len(row.values)}", row.raw)
                continue
            try:
                yield self._facts(row.values)
            except ROW_ERRORS as exc:
                yield self.reject(path, row.line, row_reason(exc), row.raw)

    def _facts(self, values: list[str]) -> CallFacts:
        """One row's facts."""
        cdr = dict(zip(ASTERISK_COLUMNS + ASTERISK_EXTRA, values, strict=False))
        call_id = clean(cdr["uniqueid"])
        if call_id is None:
            raise ValueError("empty uniqueid")
        name, clid_number = parse_clid(cdr["clid"])
        started = parse_datetime(cdr["start"], self.date_format, self.tz)
        optional_datetime(cdr["answer"], self.date_format, self.tz)  # validated, kept as text
        return CallFacts(
            call_id=call_id,
            started_at=started,
            src=cdr["src"].strip() or clid_number,
            dst=cdr["dst"].strip(),
            caller_name=name,
            context=cdr["dcontext"].strip(),
            billsec=parse_seconds(cdr["billsec"]),
            disposition=cdr["disposition"].strip(),
            attributes={k: v.strip() for k, v in cdr.items() if k not in _ASTERISK_USED and v.strip()},
        )


class CallsCsvConnector(CallConnector):
    """Any telephony CSV export with a header row, mapped by --mapping (`calls-csv`)."""

    format: ClassVar[str] = "calls-csv"
    description: ClassVar[str] = "a telephony CSV export with a header row, mapped by --mapping"
    needs_mapping: ClassVar[bool] = True

    def __init__(self, options: ConnectorOptions) -> None:
        super().__init__(options)
        if options.mapping is None:
            raise ConfigError("format calls-csv needs --mapping FILE")
        check_mapping(options.mapping, CALLS_FIELDS, self.format, required=CALLS_REQUIRED)
        self.mapping: Mapping = options.mapping
        self.tz = zone(self.mapping.option("timezone"))
        self.date_format = self.mapping.option("date_format")
        self.dialect = CsvDialect.from_mapping(self.mapping)

    def check(self, paths: Sequence[Path]) -> None:
        """Every file's header must hold the mapped columns."""
        super().check(paths)
        for path in paths:
            resolve_columns(self.mapping, read_header(path, self.dialect), str(path))

    def facts(self, path: Path) -> Iterator[CallFacts | SourceItem]:
        """Each row as CallFacts."""
        for row in mapped_rows(path, self.counter, self.dialect, self._locate):
            if not isinstance(row, MappedRow):
                yield row
                continue
            try:
                yield self._facts(row)
            except ROW_ERRORS as exc:
                yield self.reject(path, row.line, row_reason(exc), row.raw)

    def _locate(self, header: list[str], path: Path) -> dict[str, tuple[int, ...]]:
        """Where each mapped field is in this file's header."""
        return resolve_columns(self.mapping, header, str(path))

    def _facts(self, row: MappedRow) -> CallFacts:
        """One row's facts."""
        get = row.get
        call_id = get("id")
        if not call_id:
            raise ValueError("empty id")
        attributes = row.unmapped()
        for name in ("agent", "context", "duration", "ended_at"):
            if value := get(name):
                attributes[name] = value
        optional_datetime(get("ended_at"), self.date_format, self.tz)  # validated
        billsec = parse_seconds(get("billsec")) if get("billsec") else parse_seconds(get("duration"))
        return CallFacts(
            call_id=call_id,
            started_at=parse_datetime(get("started_at"), self.date_format, self.tz),
            src=get("from_number"),
            dst=get("to_number"),
            caller_name=get("caller_name"),
            context=get("context"),
            direction=parse_direction(get("direction")),
            billsec=billsec,
            disposition=get("disposition"),
            attributes=attributes,
        )
