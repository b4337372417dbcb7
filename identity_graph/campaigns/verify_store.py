"""Verify against the store's registry, with the customer on screen: the verdict and whether they were sent it.

The pure engine (`verify.py`) knows nothing of stores; this is what the CLI, the API and the web page call.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

from identity_graph.campaigns.verify import Verdict, verify
from identity_graph.campaigns.verify_touches import Touch, received_sentence, was_sent
from identity_graph.gone import live_records
from identity_graph.store.protocol import GraphStore


class Received(BaseModel):
    """Whether the customer on screen was sent the campaign the verdict names, and what happened."""

    person_id: int
    campaign_id: str
    sentence: str
    touches: list[Touch]


class Checked(Verdict):
    """A verdict, and (with a customer on screen) whether they were sent the campaign."""

    customer: Received | None = None


def verify_in_store(
    store: GraphStore, text: str, *, region: str, person_id: int | None = None, now: datetime | None = None
) -> Checked:
    """Verify a paste against the registered campaigns; with a person, say whether they were sent the campaign
    (NotFound / PersonGone for a person id that leads to no live person; InputError for an unusable paste)."""
    live = live_records(store, person_id)[0] if person_id is not None else None
    campaigns = store.campaigns()
    verdict = verify(text, campaigns, now or datetime.now(UTC), region=region)
    checked = Checked(**verdict.model_dump())
    if live is None or verdict.campaign is None:
        return checked
    campaign = next(c for c in campaigns if c.campaign_id == verdict.campaign.campaign_id)
    touches = was_sent(store, live, campaign)
    received = Received(
        person_id=live,
        campaign_id=campaign.campaign_id,
        sentence=received_sentence(campaign, touches),
        touches=touches,
    )
    return checked.model_copy(update={"customer": received})
