"""A small real store for the briefing and spike-watch tests: persons, a send log, calls, mails and posts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from identity_graph.campaigns.model import Campaign, CampaignChannel, FaqItem, Guidance
from identity_graph.model import Channel, Direction, Interaction, Participation, Record, RecordKind, Role
from identity_graph.store import SQLiteStore
from matchers.normalize import normalize_phone
from tests.factories import prepared, record

#: "Now" of the tests: a Monday afternoon.
NOW = datetime(2026, 3, 9, 15, 30, tzinfo=UTC)
#: The "call us now" campaign's own line, as the PBX writes it and in E.164.
DNIS_RAW, DNIS = "8005550142", "+18005550142"
HOTLINE_RAW = "8005550199"


def call_now_campaign(**update: Any) -> Campaign:
    """A "call us now" mail whose calls land on its own DNIS, sent two hours before NOW."""
    base = Campaign(
        campaign_id="flight-change",
        name="Your flight changed",
        channel=CampaignChannel.EMAIL,
        owner="Marketing",
        starts_at=NOW - timedelta(hours=3),
        ends_at=NOW + timedelta(days=5),
        sending_domains=("acmetravel-news.example",),
        dnis=(DNIS,),
        offer_codes=("FLY25",),
        subjects=("Your flight changed: call us now",),
        guidance=Guidance(
            offer_is="A rebooking call for travellers whose flight moved.",
            offer_is_not="Not a refund offer.",
            script="Thank the caller, confirm the booking, offer the two new flights.",
            faq=(FaqItem(question="Is this mail real?", answer="Yes, it came from acmetravel-news.example."),),
        ),
        external_ids=("esp-991",),
    )
    return base.model_copy(update=update)


@dataclass
class World:
    """A store being filled: records by key, items to load, then persons by record source id."""

    store: SQLiteStore
    records: list[Record] = field(default_factory=list)
    items: list[Interaction] = field(default_factory=list)
    persons: dict[str, int] = field(default_factory=dict)
    contacts: dict[str, tuple[str, str]] = field(default_factory=dict)
    _seq: int = 0

    def _id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq}"

    def customer(self, key: str, phone: str, email: str) -> None:
        """A CRM contact (its own person once `resolve` runs)."""
        self.records.append(record(key, key.title(), "Tester", phone=phone, email=email))
        self.contacts[key] = (normalize_phone(phone) or phone, email.lower())

    def send(self, email: str, at: datetime, campaign_id: str = "esp-991", event: str = "sent") -> None:
        """One send-log event to `email` (a recipient record with that address)."""
        rec = Record(source="marketing", source_id=email, kind=RecordKind.CAMPAIGN_RECIPIENT,
                     identifiers=record("x", email=email).identifiers)  # fmt: skip
        if all(r.source_id != email for r in self.records):
            self.records.append(rec)
        self.items.append(
            Interaction(
                source="marketing", source_id=self._id("ev"), channel=Channel.CAMPAIGN, occurred_at=at,
                direction=Direction.OUTBOUND, thread_key=campaign_id,
                participants=(Participation(record=rec.ref, role=Role.RECIPIENT),),
                attributes={"campaign_id": campaign_id, "event": event},
            )
        )  # fmt: skip

    def call(self, at: datetime, dialled: str = HOTLINE_RAW, phone: str = "4155550111", inbound: bool = True) -> None:
        """A call from `phone` to `dialled` (the caller's party record carries the number)."""
        cid = self._id("call")
        party = record(cid, source="calls", kind=RecordKind.CALL_PARTY, phone=phone)
        self.records.append(party)
        attributes = {"dnis": dialled} if inbound else {}
        self.items.append(
            Interaction(
                source="calls", source_id=cid, channel=Channel.CALL, occurred_at=at,
                direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
                participants=(Participation(record=party.ref, role=Role.CALLER if inbound else Role.CALLEE),),
                attributes=attributes,
            )
        )  # fmt: skip

    def mail(self, at: datetime, subject: str, body: str = "", sender: str = "someone@example.org") -> None:
        """An inbound mail from `sender`."""
        mid = self._id("mail")
        party = record(f"{mid}/{sender}", source="mail", kind=RecordKind.EMAIL_PARTY, email=sender)
        self.records.append(party)
        self.items.append(
            Interaction(
                source="mail", source_id=mid, channel=Channel.EMAIL, occurred_at=at, direction=Direction.INBOUND,
                subject=subject, summary=body, participants=(Participation(record=party.ref, role=Role.SENDER),),
            )
        )  # fmt: skip

    def load(self) -> None:
        """Store everything; each customer is one person with every record bearing their phone or email, and any
        other record is a person of its own."""
        self.store.upsert_batch([prepared(r) for r in self.records], self.items)
        stored = [r for batch in self.store.iter_records() for r in batch]
        owners = {v: key for key, values in self.contacts.items() for v in values}
        keys = [
            next((owners[c.identifier.value] for c in r.claimed if c.identifier.value in owners), f"r{r.id}")
            for r in stored
        ]
        distinct = sorted(set(keys))
        self.persons = dict(zip(distinct, self.store.create_persons(len(distinct)), strict=True))
        self.store.set_persons([(r.id, self.persons[k]) for r, k in zip(stored, keys, strict=True)])
