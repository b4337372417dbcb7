"""`/api/v1/review`, splits, unmerges, the person graph and the change feed: the steward's endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from identity_graph.limits import MAX_ID, MAX_SINCE_CHARS, checked_since
from identity_graph.masking import mask_graph, mask_review_items
from identity_graph.model import ChangeEvent, Judgement, Verdict
from identity_graph.service import audit
from identity_graph.service.contract import COMMON_ERRORS, IdPath, RequestBody, errors
from identity_graph.service.deps import DecideCaller, ReviewCaller, SettingsDep, StoreDep
from identity_graph.service.graph import PersonGraph, person_graph
from identity_graph.service.stewarding import PairView, decide, pair_view, steward_name, undo
from identity_graph.steward.queue import ReviewItem, build_queue
from identity_graph.steward.split import split_person, unmerge_record

router = APIRouter(tags=["review"], responses=COMMON_ERRORS)

#: Most queue items one request returns, and how many when not asked.
MAX_QUEUE = 500
DEFAULT_QUEUE = 50
#: Most change-feed events one request returns, and how many when not asked.
MAX_EVENTS = 10_000
DEFAULT_EVENTS = 1000
#: Most groups, and most records in all groups, one split may name.
MAX_SPLIT_IDS = 10_000


#: A record id in a request body.
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


class DecisionIn(RequestBody):
    """A steward's decision about two records."""

    left: RecordId
    right: RecordId
    verdict: Verdict
    reason: str | None = Field(None, max_length=1000)


class SplitIn(RequestBody):
    """Groups of the person's records that are different people (records not named form one more group)."""

    groups: list[list[RecordId]] = Field(min_length=1, max_length=MAX_SPLIT_IDS)
    reason: str | None = Field(None, max_length=1000)


class ReasonIn(RequestBody):
    """An optional reason."""

    reason: str | None = Field(None, max_length=1000)


class SplitOut(BaseModel):
    """The persons a split left."""

    old_person: int
    persons: list[int]
    groups: list[list[int]]


@router.get("/review", response_model=list[ReviewItem], summary="The review queue, highest impact first")
def get_queue(
    caller: ReviewCaller,
    store: StoreDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=MAX_QUEUE)] = DEFAULT_QUEUE,
) -> list[ReviewItem]:
    """Undecided review-band pairs and chain-guard reports, ranked by impact."""
    return mask_review_items(build_queue(store, settings.steward, limit=limit), caller)


@router.get(
    "/review/{left}/{right}", response_model=PairView, summary="One pair, field by field", responses=errors(404)
)
def get_pair(left: IdPath, right: IdPath, caller: ReviewCaller, store: StoreDep, settings: SettingsDep) -> PairView:
    """Both sides field by field, with evidence, weights and earlier decisions."""
    return pair_view(store, settings, caller, left, right)


@router.post(
    "/review/decisions", response_model=Judgement, status_code=201, summary="Decide a pair", responses=errors(404, 409)
)
def post_decision(body: DecisionIn, caller: DecideCaller, store: StoreDep, settings: SettingsDep) -> Judgement:
    """Store same / different / unsure, in effect at once; an earlier decision is superseded, never removed."""
    return decide(store, settings, caller, body.left, body.right, body.verdict, body.reason)


@router.post(
    "/review/decisions/{judgement_id}/undo",
    response_model=Judgement,
    summary="Undo a decision",
    responses=errors(404, 409),
)
def undo_decision(judgement_id: IdPath, caller: DecideCaller, store: StoreDep, settings: SettingsDep) -> Judgement:
    """Withdraw a decision: it is kept, marked superseded, and the pair returns to the queue."""
    return undo(store, settings, caller, judgement_id)


@router.post(
    "/persons/{person_id}/split", response_model=SplitOut, summary="Split a person", responses=errors(404, 409, 410)
)
def post_split(
    person_id: IdPath, body: SplitIn, caller: DecideCaller, store: StoreDep, settings: SettingsDep
) -> SplitOut:
    """Split into the chosen groups of records; their interactions move with them."""
    result = split_person(store, person_id, body.groups, steward_name(caller), settings.steward, reason=body.reason)
    audit.record(
        store, caller, "person.split", audit.person_target(person_id), audit.ids_detail(persons=result.persons)
    )
    return SplitOut(old_person=result.old_person, persons=result.persons, groups=result.groups)


@router.post(
    "/records/{record_id}/unmerge",
    response_model=SplitOut,
    summary="Take one record out of its person",
    responses=errors(404, 409),
)
def post_unmerge(
    record_id: IdPath, body: ReasonIn, caller: DecideCaller, store: StoreDep, settings: SettingsDep
) -> SplitOut:
    """The record leaves its person for a person of its own."""
    result = unmerge_record(store, record_id, steward_name(caller), settings.steward, reason=body.reason)
    audit.record(store, caller, "record.unmerge", audit.person_target(result.old_person), f"record={record_id}")
    return SplitOut(old_person=result.old_person, persons=result.persons, groups=result.groups)


@router.get(
    "/persons/{person_id}/graph",
    response_model=PersonGraph,
    summary="A person's records as a graph",
    responses=errors(404, 410),
)
def get_graph(person_id: IdPath, caller: ReviewCaller, store: StoreDep) -> PersonGraph:
    """Records, identifiers and links with a layout, coloured by status in the web UI."""
    graph = person_graph(store, person_id)
    audit.record(store, caller, "graph.read", audit.person_target(graph.person_id))
    return mask_graph(graph, caller)


@router.get("/changes", response_model=list[ChangeEvent], summary="The change feed")
def get_changes(
    caller: ReviewCaller,
    store: StoreDep,
    since: Annotated[
        str | None, Query(max_length=MAX_SINCE_CHARS, description="an event id, a time, or a span like 2h")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_EVENTS)] = DEFAULT_EVENTS,
) -> list[ChangeEvent]:
    """Person created / merged / split / erased and record attached / detached events, oldest first."""
    start = checked_since(since)
    return store.events(since_id=start.event_id, since=start.time, limit=limit)
