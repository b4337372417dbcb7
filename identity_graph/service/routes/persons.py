"""`/api/v1/persons`: a profile, its timeline, why a record is linked, and erasure."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from identity_graph.erasure import erase_person
from identity_graph.header import ProfileHeader, profile_header
from identity_graph.limits import MAX_SINCE_CHARS
from identity_graph.masking import SOCIAL_CHANNELS, SOCIAL_ROLE, mask_profile
from identity_graph.model import Channel, MatchEdge, Profile, TimelineItem
from identity_graph.profile import build_profile
from identity_graph.service import audit
from identity_graph.service.contract import COMMON_ERRORS, IdPath, PageQuery, errors
from identity_graph.service.deps import EraseCaller, ReadCaller, SettingsDep, StoreDep
from identity_graph.service.queries import MAX_PAGE, timeline_query
from identity_graph.store.protocol import TimelineQuery
from identity_graph.why import why_view

router = APIRouter(prefix="/persons", tags=["persons"], responses=COMMON_ERRORS)

Channels = Annotated[list[Channel], Query(description="only these channels (repeat the parameter)")]
Day = Annotated[str | None, Query(max_length=MAX_SINCE_CHARS, description="YYYY-MM-DD")]
Page = PageQuery
Limit = Annotated[int | None, Query(ge=1, le=MAX_PAGE, description="items per page")]


class TimelinePage(BaseModel):
    """One page of a person's timeline."""

    person_id: int
    total: int
    page: int
    items: list[TimelineItem]


class WhyLinked(BaseModel):
    """Why one record belongs to its person: a sentence and the stored match edges behind it."""

    person_id: int
    record_id: int
    why: str
    edges: list[MatchEdge]


class Erased(BaseModel):
    """What erasing a person removed."""

    person_id: int
    records: int
    counts: dict[str, int]


@router.get(
    "/{person_id}",
    response_model=Profile,
    summary="A person's profile with a timeline page",
    responses=errors(404, 410),
)
def get_profile(
    person_id: IdPath,
    caller: ReadCaller,
    store: StoreDep,
    settings: SettingsDep,
    channel: Channels = [],  # noqa: B006 (FastAPI copies defaults)
    since: Day = None,
    until: Day = None,
    page: Page = 1,
    limit: Limit = None,
) -> Profile:
    """Golden fields with provenance, identifiers, records and a filtered timeline page."""
    query = timeline_query(settings, channel, since, until, page, limit)
    profile = build_profile(store, person_id, settings, query)
    audit.record(store, caller, "profile.read", audit.person_target(profile.person_id))
    return mask_profile(profile, caller)


@router.get(
    "/{person_id}/header",
    response_model=ProfileHeader,
    summary="What an agent reads first: name, phones, emails, handles, last contact, the open matter",
    responses=errors(404, 410),
)
def get_header(person_id: IdPath, caller: ReadCaller, store: StoreDep, settings: SettingsDep) -> ProfileHeader:
    """The profile page's header: phones in the home region's national format, the last contact on each channel
    and the newest inbound call, email or post not yet answered (the social role: its view only)."""
    profile = mask_profile(build_profile(store, person_id, settings, TimelineQuery(limit=1)), caller)
    audit.record(store, caller, "profile.read", audit.person_target(profile.person_id), "header")
    seen = [Channel(c) for c in SOCIAL_CHANNELS] if caller.role.value == SOCIAL_ROLE else list(Channel)
    return profile_header(store, profile, settings.matching.default_region, seen)


@router.get(
    "/{person_id}/timeline",
    response_model=TimelinePage,
    summary="A page of a person's timeline",
    responses=errors(404, 410),
)
def get_timeline(
    person_id: IdPath,
    caller: ReadCaller,
    store: StoreDep,
    settings: SettingsDep,
    channel: Channels = [],  # noqa: B006
    since: Day = None,
    until: Day = None,
    page: Page = 1,
    limit: Limit = None,
) -> TimelinePage:
    """Interactions newest first, each saying which record put it there and why that record is linked."""
    query = timeline_query(settings, channel, since, until, page, limit)
    profile = mask_profile(build_profile(store, person_id, settings, query), caller)  # the social team's view
    audit.record(store, caller, "timeline.read", audit.person_target(profile.person_id), f"page={page}")
    return TimelinePage(
        person_id=profile.person_id, total=profile.timeline_total, page=page, items=list(profile.timeline)
    )


@router.get(
    "/{person_id}/records/{record_id}/why",
    response_model=WhyLinked,
    summary="Why a record is linked",
    responses=errors(404, 410),
)
def get_why(person_id: IdPath, record_id: IdPath, caller: ReadCaller, store: StoreDep) -> WhyLinked:
    """The reason a record belongs to the person, with the stored edges and their evidence (the social role sees
    its social account records only, and of their evidence names and handles only)."""
    view = why_view(store, person_id, record_id, caller)  # the social team's view for the social role
    audit.record(store, caller, "why.read", audit.person_target(view.person_id), f"record={record_id}")
    return WhyLinked(person_id=view.person_id, record_id=record_id, why=view.why, edges=view.edges)


@router.delete(
    "/{person_id}", response_model=Erased, summary="Erase a person everywhere", responses=errors(404, 409, 410)
)
def delete_person(person_id: IdPath, caller: EraseCaller, store: StoreDep, settings: SettingsDep) -> Erased:
    """Remove the person's records, identifiers, interactions and judgements; tombstone their source items."""
    result = erase_person(store, person_id, settings)
    audit.record(
        store, caller, "person.erase", audit.person_target(result.person_id), f"records={len(result.record_ids)}"
    )
    return Erased(person_id=result.person_id, records=len(result.record_ids), counts=result.counts.as_dict())
