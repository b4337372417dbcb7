"""The lead's briefing: campaigns live now or starting soon, what was sent so far, the guidance, the spike watch.

A contact-center lead opens it at the start of a shift (`/briefing`, `GET /api/v1/briefing`): every campaign
that is live at the moment asked for, or starts within `horizon_days`, with the volume sent so far and the
people reached (from the send log), what agents should say, and, for live ones, the spike watch
(`campaigns/spikes.py`). Two window reads in all: the campaign sends since the earliest start, and the contacts
of the watch's window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from identity_graph.campaigns.model import Campaign, CampaignStatus
from identity_graph.campaigns.sends import campaign_sends
from identity_graph.campaigns.spikes import SpikeSettings, SpikeWatch, watch
from identity_graph.errors import InputError
from identity_graph.store.protocol import GraphStore

#: Campaigns starting within this many days are in the briefing (the live ones always are).
BRIEFING_HORIZON_DAYS = 7
#: The longest horizon a caller may ask for.
MAX_HORIZON_DAYS = 90
#: The years a briefing may be asked for (a window's arithmetic stays far from the calendar's ends).
EARLIEST_YEAR, LATEST_YEAR = 1970, 9000


class BriefingItem(BaseModel):
    """One campaign in the briefing: live or upcoming, what was sent so far, and its spike watch (live only)."""

    model_config = ConfigDict(frozen=True)

    campaign: Campaign
    status: CampaignStatus
    sent: int = Field(description="sends logged so far (send-log events `sent`)")
    recipients: int = Field(description="distinct persons it was sent to")
    spikes: SpikeWatch | None = Field(None, description="the spike watch (live campaigns only)")


class Briefing(BaseModel):
    """The briefing at one moment."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    horizon_days: int
    items: list[BriefingItem]
    settings: SpikeSettings

    @property
    def waves(self) -> list[BriefingItem]:
        """The items whose spike watch flagged a wave."""
        return [i for i in self.items if i.spikes is not None and i.spikes.flagged]


def in_briefing(campaign: Campaign, at: datetime, horizon_days: int) -> bool:
    """True when the campaign is live at `at` or starts within `horizon_days` after it."""
    status = campaign.status(at)
    if status is CampaignStatus.LIVE:
        return True
    return status is CampaignStatus.UPCOMING and campaign.starts_at <= at + timedelta(days=horizon_days)


def build_briefing(
    store: GraphStore,
    at: datetime,
    region: str,
    horizon_days: int = BRIEFING_HORIZON_DAYS,
    settings: SpikeSettings | None = None,
) -> Briefing:
    """The briefing at `at` (time-zone aware): live campaigns first, then upcoming ones, each by start. A moment
    outside EARLIEST_YEAR..LATEST_YEAR is an InputError."""
    if not EARLIEST_YEAR <= at.year <= LATEST_YEAR:
        day = at.date().isoformat()
        raise InputError(f"a briefing is for a moment between {EARLIEST_YEAR} and {LATEST_YEAR}, not {day}")
    settings = settings or SpikeSettings()
    chosen = [c for c in store.campaigns() if in_briefing(c, at, horizon_days)]
    chosen.sort(key=lambda c: (c.status(at) is not CampaignStatus.LIVE, c.starts_at, c.campaign_id))
    live = [c for c in chosen if c.status(at) is CampaignStatus.LIVE]
    sends = campaign_sends(store, live, at)
    watches = watch(store, live, sends, at, region, settings) if live else {}
    items = [
        BriefingItem(
            campaign=c,
            status=c.status(at),
            sent=sends[c.campaign_id].sent if c.campaign_id in sends else 0,
            recipients=sends[c.campaign_id].recipients if c.campaign_id in sends else 0,
            spikes=watches.get(c.campaign_id),
        )
        for c in chosen
    ]
    return Briefing(at=at, horizon_days=horizon_days, items=items, settings=settings)
