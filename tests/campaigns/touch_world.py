"""A person reached by campaigns: send-log touches, a call to a campaign's DNIS, a call to the hotline, and an old
send outside the profile's 30 days; and the registry that names those campaigns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from identity_graph.campaigns.model import Campaign, CampaignChannel, Guidance
from identity_graph.model import Channel, Direction, Interaction, Participation, RecordKind, RecordRef, Role
from identity_graph.persons import apply_clustering
from identity_graph.store import GraphStore
from tests.factories import prepared, record

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def registry(now: datetime = NOW) -> tuple[Campaign, Campaign, Campaign]:
    """The spring mail (live), the flight-change call campaign (ended 3 days ago) and an old winter sale."""
    spring = Campaign(
        campaign_id="spring-rate-2026",
        name="Spring rate review",
        channel=CampaignChannel.EMAIL,
        starts_at=now - 14 * DAY,
        ends_at=now + 16 * DAY,
        sending_domains=("acmebank-offers.com",),
        external_ids=("esp-7781",),
        guidance=Guidance(offer_is="A real rate review from our new domain.", offer_is_not="It never asks for a PIN."),
    )
    flight = Campaign(
        campaign_id="flight-change",
        name="Flight change: call us now",
        channel=CampaignChannel.CALL,
        starts_at=now - 5 * DAY,
        ends_at=now - 3 * DAY,
        dnis=("+18885550142",),
        guidance=Guidance(script="We moved your flight; let us find you a new one."),
    )
    old = Campaign(
        campaign_id="winter-2026",
        name="Winter sale",
        channel=CampaignChannel.EMAIL,
        starts_at=now - 72 * DAY,
        ends_at=now - 43 * DAY,
    )
    return spring, flight, old


@dataclass(frozen=True)
class TouchWorld:
    """The person's id."""

    person: int


def _act(source_id: str, source: str, channel: Channel, at: datetime, attrs: dict[str, str]) -> Interaction:
    """An interaction of one of the person's records."""
    role = Role.RECIPIENT if channel is Channel.CAMPAIGN else Role.CALLER
    party = RecordRef(source=source, source_id="ana@example.com" if source == "esp" else source_id)
    return Interaction(
        source=source,
        source_id=source_id,
        channel=channel,
        occurred_at=at,
        direction=Direction.OUTBOUND if channel is Channel.CAMPAIGN else Direction.INBOUND,
        summary=f"{attrs.get('campaign_name', 'call')}: {attrs.get('event', 'answered')}",
        participants=(Participation(record=party, role=role),),
        attributes=attrs,
    )


def build_touch_world(store: GraphStore, *, register: bool = True, now: datetime = NOW) -> TouchWorld:
    """Load the person's records and interactions (dated around `now`), make them one person, and register the
    campaigns."""
    crm = record("c-1", "Ana", "Lima", email="ana@example.com", phone="(415) 555-0134")
    esp = record("ana@example.com", source="esp", kind=RecordKind.CAMPAIGN_RECIPIENT, email="ana@example.com")
    calls = [
        record(cid, full_name="ANA LIMA", source="pbx", kind=RecordKind.CALL_PARTY, phone="4155550134")
        for cid in ("call-dnis", "call-hotline", "call-late")
    ]
    spring = {"campaign_id": "esp-7781", "campaign_name": "Spring rates (ESP)"}
    acts = [
        _act("ev-1", "esp", Channel.CAMPAIGN, now - 10 * DAY, spring | {"event": "sent"}),
        _act("ev-2", "esp", Channel.CAMPAIGN, now - 9 * DAY, spring | {"event": "open"}),
        _act("ev-0", "esp", Channel.CAMPAIGN, now - 60 * DAY, {"campaign_id": "winter-2026"}),
        _act("call-dnis", "pbx", Channel.CALL, now - 4 * DAY, {"dnis": "(888) 555-0142"}),
        _act("call-hotline", "pbx", Channel.CALL, now - 4 * DAY + timedelta(hours=1), {"dnis": "800-555-0100"}),
        _act("call-late", "pbx", Channel.CALL, now + 46 * DAY, {"dnis": "888 555 0142"}),
    ]
    store.upsert_batch([prepared(r) for r in (crm, esp, *calls)], acts)
    ids = [r.id for r in store.get_records(store.record_ids())]
    apply_clustering(store, [ids], "test")
    if register:
        for campaign in registry(now):
            store.save_campaign(campaign, "cli:test")
    return TouchWorld(person=store.assignments()[ids[0]])
