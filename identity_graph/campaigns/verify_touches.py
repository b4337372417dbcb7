"""Was *this customer* sent that campaign, when, and what happened? Read from the person's campaign timeline.

Send logs (`connectors/esp.py`) load one CAMPAIGN interaction per event, carrying `campaign_id` (the ESP's id)
and `event` (sent, delivered, open, click, bounce, unsubscribe, complaint) as attributes and the campaign id as
thread key. A registered campaign owns an event when the event's campaign id is its `campaign_id` or one of its
`external_ids`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from identity_graph.campaigns.model import Campaign
from identity_graph.campaigns.verify_findings import day
from identity_graph.model import Channel
from identity_graph.store.protocol import GraphStore, TimelineQuery

#: Campaign events read per timeline page, and the most read for one answer (newest first).
PAGE_SIZE = 100
MAX_EVENTS_READ = 1000
#: What each event says, after "This customer …" (sent first, in the order they usually happen).
EVENT_WORDS = {
    "sent": "was sent it",
    "delivered": "had it delivered",
    "open": "opened it",
    "click": "clicked a link in it",
    "bounce": "did not get it (it bounced)",
    "unsubscribe": "unsubscribed",
    "complaint": "marked it as spam",
}


class Touch(BaseModel):
    """One event of a campaign for this customer."""

    interaction_id: int
    occurred_at: datetime
    event: str
    subject: str | None = None
    source: str


def _owns(campaign: Campaign, attributes: dict[str, str], thread_key: str | None) -> bool:
    """True when an event's campaign id names this campaign."""
    ids = {campaign.campaign_id, *campaign.external_ids}
    return attributes.get("campaign_id") in ids or (thread_key is not None and thread_key in ids)


def was_sent(store: GraphStore, person_id: int, campaign: Campaign) -> list[Touch]:
    """This person's events of the campaign, oldest first (empty when they were never sent it)."""
    touches: list[Touch] = []
    offset = 0
    while offset < MAX_EVENTS_READ:
        items, total = store.timeline(
            person_id, TimelineQuery(limit=PAGE_SIZE, offset=offset, channels=(Channel.CAMPAIGN,))
        )
        for item in items:
            stored = store.get_interaction(item.interaction_id)
            if stored is None:
                continue
            attributes = {k: str(v) for k, v in stored.attributes.items()}
            if _owns(campaign, attributes, stored.thread_key):
                touches.append(
                    Touch(
                        interaction_id=item.interaction_id,
                        occurred_at=item.occurred_at,
                        event=attributes.get("event", "sent"),
                        subject=item.subject,
                        source=item.source,
                    )
                )
        offset += PAGE_SIZE
        if offset >= total or not items:
            break
    return sorted(touches, key=lambda t: (t.occurred_at, t.interaction_id))


def received_sentence(campaign: Campaign, touches: list[Touch]) -> str:
    """What happened, as one sentence: `This customer was sent Spring savings on 4 May 2026 and opened it on …`."""
    if not touches:
        return f"This customer was not sent {campaign.name}: no send of it is on their timeline."
    first: dict[str, datetime] = {}
    for touch in touches:
        first.setdefault(touch.event, touch.occurred_at)
    sent = first.get("sent", touches[0].occurred_at)
    parts = [f"This customer was sent {campaign.name} on {day(sent)}"]
    order = [e for e in EVENT_WORDS if e != "sent" and e in first]
    order += sorted(e for e in first if e not in EVENT_WORDS)
    for event in order:
        words = EVENT_WORDS.get(event, f"had a '{event}' event")
        parts.append(f"{words} on {day(first[event])}")
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return text + "."
