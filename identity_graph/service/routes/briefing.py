"""`GET /api/v1/briefing`: the lead's briefing (campaigns live or starting soon, volume sent, guidance, spike watch).

The briefing holds campaign facts and counts, never a customer's data, so every role that reads the campaign
registry may have it (agent, social, steward, admin, marketing). Reads are audited by count only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from identity_graph.campaigns.briefing import BRIEFING_HORIZON_DAYS, MAX_HORIZON_DAYS, Briefing, build_briefing
from identity_graph.campaigns.clock import campaign_now
from identity_graph.service import audit
from identity_graph.service.auth import Caller, Permission
from identity_graph.service.contract import COMMON_ERRORS
from identity_graph.service.deps import Need, SettingsDep, StoreDep

router = APIRouter(tags=["campaigns"], responses=COMMON_ERRORS)

CampaignsCaller = Annotated[Caller, Depends(Need(Permission.CAMPAIGNS))]


def as_utc(at: datetime | None) -> datetime:
    """The moment asked for (a time without a zone is UTC), or now."""
    if at is None:
        return datetime.now(UTC)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


@router.get("/briefing", response_model=Briefing, summary="The lead's briefing")
def get_briefing(
    caller: CampaignsCaller,
    store: StoreDep,
    settings: SettingsDep,
    at: Annotated[datetime | None, Query(description="the moment to brief for, ISO 8601 [default: now]")] = None,
    horizon_days: Annotated[
        int, Query(ge=0, le=MAX_HORIZON_DAYS, description="include campaigns starting within this many days")
    ] = BRIEFING_HORIZON_DAYS,
) -> Briefing:
    """Campaigns live at `at` or starting within `horizon_days`: volume sent so far, guidance, and the spike watch
    (related contacts per hour against the usual rate, with the waves it flagged)."""
    moment = as_utc(at) if at is not None else campaign_now(settings)
    briefing = build_briefing(store, moment, settings.matching.default_region, horizon_days)
    detail = audit.ids_detail(campaigns=len(briefing.items), waves=len(briefing.waves))
    audit.record(store, caller, "briefing.read", "", detail)
    return briefing
