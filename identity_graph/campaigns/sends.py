"""What the send log says about registered campaigns: how many were sent so far, and to whom (one window read).

The email platform's log arrives as CAMPAIGN interactions (`connectors/esp.py`): one per event, its attributes
holding the platform's `campaign_id` and the `event` (`sent`, `open`, `click`, `bounce`, `unsubscribe`, ...).
A log row belongs to a registered campaign when that platform id is the campaign's own id or one of its
`external_ids`. Only `sent` rows count as volume; their recipients (the persons of their recipient records)
are the people the spike watch listens to after the send.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from identity_graph.campaigns.model import Campaign
from identity_graph.model import Channel
from identity_graph.store.protocol import GraphStore

#: The send-log event that counts as volume sent.
SENT_EVENT = "sent"
#: Sends logged this long before a campaign's registered start still count (a send scheduled a little early).
SEND_GRACE = timedelta(days=1)


@dataclass(slots=True)
class Sends:
    """One campaign's sends so far: how many, and each recipient person's first send."""

    sent: int = 0
    first_sent: dict[int, datetime] = field(default_factory=dict)

    @property
    def recipients(self) -> int:
        """Distinct persons it was sent to."""
        return len(self.first_sent)


def platform_ids(campaign: Campaign) -> frozenset[str]:
    """The ids a send log may give this campaign: its own id and the ids other systems give it."""
    return frozenset({campaign.campaign_id, *campaign.external_ids})


def campaign_sends(store: GraphStore, campaigns: Sequence[Campaign], until: datetime) -> dict[str, Sends]:
    """Sends of each campaign up to `until`, read in one pass over the CAMPAIGN interactions since the earliest
    start (less SEND_GRACE); keyed by campaign id (every campaign present, with zero when nothing was sent)."""
    out = {c.campaign_id: Sends() for c in campaigns}
    if not campaigns:
        return out
    owner: dict[str, list[str]] = {}
    for c in campaigns:
        for pid in platform_ids(c):
            owner.setdefault(pid, []).append(c.campaign_id)
    since = min(c.starts_at for c in campaigns) - SEND_GRACE
    for item in store.interactions_between(since, until, [Channel.CAMPAIGN]):
        x = item.interaction
        if x.attributes.get("event") != SENT_EVENT:
            continue
        for cid in owner.get(x.attributes.get("campaign_id") or x.thread_key or "", ()):
            sends = out[cid]
            sends.sent += 1
            for person in item.person_ids:
                sends.first_sent.setdefault(person, x.occurred_at)
    return out
