"""Campaigns on a person's profile: the ones that reached them lately, and calls that answered one.

A campaign touch is a CAMPAIGN interaction of the person (a send-log row, a Salesforce campaign member); it names
its campaign by the sender's id and name (attributes `campaign_id`, `campaign_name`, or the thread key). It is
joined to the registry by campaign id, then external id (the ESP's or Salesforce's), then name. A call is a
response to a campaign when the number the customer dialled (the call's `dnis` attribute) is one of the
campaign's DNIS or printed numbers and the call came while the campaign was live (or within
`RESPONSE_GRACE` after it ended).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from identity_graph.campaigns.model import Campaign
from identity_graph.campaigns.normalize import e164
from identity_graph.model import Channel, Interaction, Profile, TimelineItem
from identity_graph.store.protocol import GraphStore, TimelineQuery

#: How far back the profile's strip looks for campaigns that reached the person.
RECENT_DAYS = 30
#: Most campaign interactions read for the strip (a person's last month of sends, opens and clicks).
RECENT_TOUCH_LIMIT = 500
#: How long after a campaign ends a call to its number still counts as a response to it.
RESPONSE_GRACE = timedelta(days=14)


@dataclass
class CampaignTouches:
    """One campaign that reached the person: its touches, the last one, what happened (sent, open…; newest first)."""

    campaign: Campaign
    last: datetime
    count: int = 0
    events: list[str] = field(default_factory=list)


class CampaignIndex:
    """The registry indexed for joining: by campaign id, external id, name, and dialled number."""

    def __init__(self, campaigns: Iterable[Campaign]) -> None:
        self.by_key: dict[str, Campaign] = {}
        self.by_number: dict[str, list[Campaign]] = {}
        for c in campaigns:
            for key in (c.campaign_id, *c.external_ids):
                self.by_key.setdefault(key, c)
            self.by_key.setdefault(_name_key(c.name), c)
            for number in (*c.dnis, *c.phone_numbers):
                self.by_number.setdefault(number, []).append(c)

    def of_touch(self, act: Interaction) -> Campaign | None:
        """The registered campaign a campaign interaction names (None when it names none registered)."""
        attrs = act.attributes
        for key in (attrs.get("campaign_id"), act.thread_key, attrs.get("campaign_name")):
            if key and (found := self.by_key.get(key) or self.by_key.get(_name_key(key))):
                return found
        return None

    def answered_by(self, act: Interaction, region: str) -> Campaign | None:
        """The campaign a call answers: its dialled number is the campaign's, while it runs (or just after)."""
        dialled = act.attributes.get("dnis", "") if act.channel is Channel.CALL else ""
        if not dialled:
            return None
        try:
            number = e164(dialled, region)
        except ValueError:
            return None
        live = [c for c in self.by_number.get(number, ()) if _in_reach(c, act.occurred_at)]
        dnis_first = sorted(live, key=lambda c: (number not in c.dnis, -c.starts_at.timestamp()))
        return dnis_first[0] if dnis_first else None


def _name_key(name: str) -> str:
    """A campaign name compared without case or extra spaces."""
    return "name:" + " ".join(name.lower().split())


def _in_reach(campaign: Campaign, at: datetime) -> bool:
    """Whether a call at `at` can answer the campaign: after its start, before its end plus the grace."""
    return campaign.starts_at <= at and (campaign.ends_at is None or at <= campaign.ends_at + RESPONSE_GRACE)


def recent_campaigns(
    store: GraphStore,
    person_id: int,
    now: datetime,
    region: str = "US",
    days: int = RECENT_DAYS,
    index: CampaignIndex | None = None,
) -> list[CampaignTouches]:
    """The registered campaigns that reached a person in the last `days` days (their touches and calls to a
    campaign's number), the most recent first (`index`: the registry, when already read)."""
    index = index or CampaignIndex(store.campaigns())
    if not index.by_key:
        return []
    since = now - timedelta(days=days)
    query = TimelineQuery(limit=RECENT_TOUCH_LIMIT, channels=[Channel.CAMPAIGN, Channel.CALL], since=since, until=now)
    items, _ = store.timeline(person_id, query)
    found: dict[str, CampaignTouches] = {}
    for item in items:
        act = store.get_interaction(item.interaction_id)
        if act is None:
            continue
        campaign = index.of_touch(act) if act.channel is Channel.CAMPAIGN else index.answered_by(act, region)
        if campaign is None:
            continue
        entry = found.setdefault(campaign.campaign_id, CampaignTouches(campaign, act.occurred_at))
        entry.count += 1
        entry.last = max(entry.last, act.occurred_at)
        event = act.attributes.get("event") or ("called" if act.channel is Channel.CALL else "")
        if event and event not in entry.events:
            entry.events.append(event)
    return sorted(found.values(), key=lambda t: t.last, reverse=True)


def campaign_responses(
    store: GraphStore, items: Sequence[TimelineItem], region: str = "US", index: CampaignIndex | None = None
) -> dict[int, Campaign]:
    """interaction id -> the campaign each call among these timeline items answers (calls only; others left out;
    `index`: the registry, when already read)."""
    calls = [i for i in items if i.channel is Channel.CALL]
    if not calls:
        return {}
    index = index or CampaignIndex(store.campaigns())
    if not index.by_number:
        return {}
    out: dict[int, Campaign] = {}
    for item in calls:
        act = store.get_interaction(item.interaction_id)
        campaign = index.answered_by(act, region) if act is not None else None
        if campaign is not None:
            out[item.interaction_id] = campaign
    return out


@dataclass
class CampaignStrip:
    """What the profile shows of campaigns: those that reached the person lately, and which calls answered one."""

    recent: list[CampaignTouches] = field(default_factory=list)
    responses: dict[int, Campaign] = field(default_factory=dict)


def campaign_strip(
    store: GraphStore, profile: Profile, region: str, seen: Sequence[Channel], now: datetime | None = None
) -> CampaignStrip:
    """The profile's campaign strip and timeline responses, within the channels the viewer may see; the last 30
    days count back from `now` (the campaign clock, `campaigns.clock`), the current time when not given."""
    if Channel.CAMPAIGN not in seen and Channel.CALL not in seen:
        return CampaignStrip()
    index = CampaignIndex(store.campaigns())  # the registry, read once for both
    if not index.by_key:
        return CampaignStrip()
    now = now or datetime.now(UTC)
    recent = recent_campaigns(store, profile.person_id, now, region, index=index) if Channel.CAMPAIGN in seen else []
    responses = campaign_responses(store, profile.timeline, region, index) if Channel.CALL in seen else {}
    return CampaignStrip(recent, responses)
