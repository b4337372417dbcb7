"""Salesforce `Campaign` and `CampaignMember` exports (Data Loader / report CSVs with the API column names).

`read_campaigns` reads `Campaign.csv` (`Id, Name, Type, Status, StartDate, EndDate, Description, OwnerId, ...`)
into plain rows for the campaign registry (`identity_graph.campaigns.salesforce` turns them into campaigns).

`salesforce-campaign-members` is the connector of `CampaignMember.csv` (`Id, CampaignId, ContactId, LeadId, Email,
Status, FirstRespondedDate, HasResponded, CreatedDate, ...`): each member row is one CAMPAIGN interaction keyed by
the member Id, with one CAMPAIGN_RECIPIENT record per contact or lead, which claims the CRM id `salesforce:<Id>`
(the id the `salesforce` contacts connector declares), so the member's touches join the contact's person.
Campaign names come from a `Campaign.csv` beside the member file, when there is one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from connectors.base import ROW_ERRORS, Connector, ConnectorOptions, row_reason
from connectors.csvrows import CsvDialect, Locate, MappedRow, mapped_rows, read_header
from connectors.dates import parse_datetime
from connectors.mapping import Mapping, resolve_columns
from connectors.textio import ByteCounter
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
    Rejected,
    Role,
    SourceItem,
)

#: The CRM system name in `crm` id claims (the `salesforce` contacts connector's).
SYSTEM = "salesforce"
#: The campaign file looked for beside a member file.
CAMPAIGN_FILE = "Campaign.csv"
CAMPAIGN_MAPPING = Mapping(
    fields={"id": ("Id",), "name": ("Name",), "start": ("StartDate",)},
    path="<Salesforce Campaign>",
)
#: Optional Campaign columns, read when present.
CAMPAIGN_OPTIONAL = {"type": "Type", "status": "Status", "end": "EndDate", "description": "Description"}
CAMPAIGN_OPTIONAL |= {"owner": "OwnerId", "parent": "ParentId"}
MEMBER_MAPPING = Mapping(
    fields={"id": ("Id",), "campaign": ("CampaignId",), "created": ("CreatedDate",)},
    path="<Salesforce CampaignMember>",
)
MEMBER_OPTIONAL = {"contact": "ContactId", "lead": "LeadId", "email": "Email", "status": "Status"}
MEMBER_OPTIONAL |= {"responded": "HasResponded", "responded_at": "FirstRespondedDate"}


@dataclass(frozen=True)
class SalesforceCampaignRow:
    """One row of a Campaign export, as written (dates still text)."""

    path: str
    line: int
    id: str
    name: str
    start: str
    end: str = ""
    type: str = ""
    status: str = ""
    description: str = ""
    owner: str = ""


def _locate(required: Mapping, optional: dict[str, str]) -> Locate:
    """A header locator: the required columns (a ConfigError when missing) and whichever optional ones exist."""

    def locate(header: list[str], path: Path) -> dict[str, tuple[int, ...]]:
        found = resolve_columns(required, header, str(path))
        lowered = {h.strip().lower(): i for i, h in enumerate(header)}
        for name, column in optional.items():
            if column.lower() in lowered:
                found[name] = (lowered[column.lower()],)
        return found

    return locate


def read_campaigns(path: Path) -> Iterator[SalesforceCampaignRow | Rejected]:
    """The rows of a Campaign export; a row without an Id or a Name is Rejected with its line."""
    locate = _locate(CAMPAIGN_MAPPING, CAMPAIGN_OPTIONAL)
    for row in mapped_rows(path, ByteCounter(), CsvDialect(), locate):
        if isinstance(row, Rejected):
            yield row
        elif isinstance(row, MappedRow):
            if not row.get("id") or not row.get("name"):
                yield Rejected(path=str(path), line=row.line, reason="empty Id or Name", raw=row.raw)
                continue
            texts = {k: row.get(k) for k in ("id", "name", "start", *CAMPAIGN_OPTIONAL)}
            texts.pop("parent")
            yield SalesforceCampaignRow(path=str(path), line=row.line, **texts)


def campaign_names(folder: Path) -> dict[str, str]:
    """Salesforce campaign Id -> Name from the `Campaign.csv` in a folder (empty when there is none)."""
    path = folder / CAMPAIGN_FILE
    if not path.is_file():
        return {}
    return {r.id: r.name for r in read_campaigns(path) if isinstance(r, SalesforceCampaignRow)}


def _truthy(text: str) -> bool:
    """Salesforce's checkbox values (`true`, `1`)."""
    return text.strip().lower() in {"true", "1", "yes"}


class SalesforceCampaignMembersConnector(Connector):
    """A Salesforce CampaignMember export: members as CAMPAIGN interactions of their contact or lead."""

    format: ClassVar[str] = "salesforce-campaign-members"
    description: ClassVar[str] = "Salesforce CampaignMember export CSV (campaign touches of contacts and leads)"

    def __init__(self, options: ConnectorOptions) -> None:
        super().__init__(options)
        self._emitted: set[str] = set()
        self._names: dict[str, str] = {}

    def check(self, paths: Sequence[Path]) -> None:
        """Every file's header must hold Id, CampaignId and CreatedDate."""
        super().check(paths)
        for path in paths:
            resolve_columns(MEMBER_MAPPING, read_header(path, CsvDialect()), str(path))

    def read_file(self, path: Path) -> Iterator[SourceItem]:
        """The recipient record (first time seen) and the interaction of every member row."""
        self._names = campaign_names(path.parent)
        locate = _locate(MEMBER_MAPPING, MEMBER_OPTIONAL)
        for row in mapped_rows(path, self.counter, CsvDialect(), locate):
            if not isinstance(row, MappedRow):
                yield row
                continue
            try:
                items = self._items(row)
            except ROW_ERRORS as exc:
                yield self.reject(path, row.line, row_reason(exc), row.raw)
                continue
            yield from items

    def _recipient(self, row: MappedRow) -> Record:
        """The member's contact (or lead) as a CAMPAIGN_RECIPIENT record claiming its CRM id and address."""
        person_id = row.get("contact") or row.get("lead")
        id_field = "ContactId" if row.get("contact") else "LeadId"
        claims = [IdentifierClaim(kind=IdentifierKind.CRM_ID, raw=f"{SYSTEM}:{person_id}", field=id_field)]
        if row.get("email"):
            claims.append(IdentifierClaim(kind=IdentifierKind.EMAIL, raw=row.get("email"), field="Email"))
        return Record(
            source=self.source, source_id=person_id, kind=RecordKind.CAMPAIGN_RECIPIENT, identifiers=tuple(claims)
        )

    def _items(self, row: MappedRow) -> list[SourceItem]:
        """One member row's items; raises ValueError for a row that names no member, campaign or person."""
        member_id, campaign_id = row.get("id"), row.get("campaign")
        person_id = row.get("contact") or row.get("lead")
        if not member_id or not campaign_id:
            raise ValueError("empty Id or CampaignId")
        if not person_id:
            raise ValueError("neither ContactId nor LeadId")
        responded = _truthy(row.get("responded"))
        when = row.get("responded_at") if responded and row.get("responded_at") else row.get("created")
        occurred = parse_datetime(when)
        items: list[SourceItem] = []
        if person_id not in self._emitted:
            items.append(self._recipient(row))
            self._emitted.add(person_id)
        name = self._names.get(campaign_id, campaign_id)
        status = row.get("status") or ("Responded" if responded else "Sent")
        attributes = row.unmapped()
        attributes.update({"campaign_id": campaign_id, "campaign_name": name, "member_status": status})
        attributes["event"] = "responded" if responded else "sent"
        items.append(
            Interaction(
                source=self.source,
                source_id=member_id,
                channel=Channel.CAMPAIGN,
                occurred_at=occurred,
                direction=Direction.INBOUND if responded else Direction.OUTBOUND,
                summary=f"{name}: {status}",
                thread_key=campaign_id,
                participants=(
                    Participation(record=RecordRef(source=self.source, source_id=person_id), role=Role.RECIPIENT),
                ),
                attributes=attributes,
            )
        )
        return items
