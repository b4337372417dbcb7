"""`/api/v1/review`, splits, unmerges, the person graph and the change feed: the steward's endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from identity_graph.limits import MAX_ID, MAX_SINCE_CHARS, checked_since
from identity_graph.masking import mask_graph, mask_review_items
from identity_graph.model import ChangeEvent, Judgement, Verdict
from identity_graph.service import audit
from identity_graph.service.contract import COMMON_ERRORS, IdPath, RequestBody, errors
from identity_graph.service.deps import DecideCaller, ReviewCaller, SettingsDep, StoreDep
from identity_graph.service.graph import PersonGraph, person_graph
from identity_graph.service.stewarding import (
    DecisionOut,
    PairView,
    Preview,
    UndoOut,
    can_undo,
    decide,
    decision_preview,
    find_action,
    pair_target,
    pair_view,
    split,
    split_preview,
    undo,
    undo_by_action,
    undo_preview,
)
from identity_graph.steward.queue import ReviewItem
from identity_graph.steward.queue_page import QueueFilter, queue_page

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
    """The persons a split left, and the action that undoes it."""

    old_person: int
    persons: list[int]
    groups: list[list[int]]
    action_id: int | None = None


class ActionOut(BaseModel):
    """One steward action: what it was, whether it can still be undone, and what an undo would do."""

    id: int
    kind: str
    actor: str
    at: datetime
    judgement_ids: list[int]
    undone_at: datetime | None
    undone_by: str | None
    can_undo: bool
    undo_preview: Preview | None


@router.get("/review", response_model=list[ReviewItem], summary="The review queue, highest impact first")
def get_queue(
    response: Response,
    caller: ReviewCaller,
    store: StoreDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=MAX_QUEUE)] = DEFAULT_QUEUE,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    kind: Annotated[str | None, Query(max_length=20, description="edge (review band) or guard")] = None,
    source: Annotated[str | None, Query(max_length=200, description="a source either record comes from")] = None,
    min_impact: Annotated[float | None, Query(ge=0, le=1000, description="the least impact")] = None,
) -> list[ReviewItem]:
    """Undecided review-band pairs and chain-guard reports, ranked by impact, with both records' names; the
    header `X-Total-Count` says how many items pass the filters in all."""
    page = queue_page(
        store, settings.steward, QueueFilter(kind or None, source or None, min_impact), offset=offset, limit=limit
    )
    response.headers["X-Total-Count"] = str(page.total)
    return mask_review_items(page.items, caller)


@router.get(
    "/review/actions/{action_id}", response_model=ActionOut, summary="One steward action", responses=errors(404)
)
def get_action(action_id: IdPath, caller: ReviewCaller, store: StoreDep) -> ActionOut:
    """A decision, split or unmerge: whether it can still be undone exactly, and what the undo would do."""
    action = find_action(store, action_id)
    undoable = action.undone_at is None and can_undo(store, action)
    audit.record(store, caller, "action.read", f"action:{action_id}")
    return ActionOut(
        id=action.id or 0,
        kind=action.kind,
        actor=action.actor,
        at=action.at,
        judgement_ids=list(action.judgement_ids),
        undone_at=action.undone_at,
        undone_by=action.undone_by,
        can_undo=undoable,
        undo_preview=undo_preview(store, action) if undoable else None,
    )


@router.get(
    "/review/{left}/{right}", response_model=PairView, summary="One pair, field by field", responses=errors(404)
)
def get_pair(left: IdPath, right: IdPath, caller: ReviewCaller, store: StoreDep, settings: SettingsDep) -> PairView:
    """Both sides field by field, with evidence, weights and earlier decisions."""
    return pair_view(store, settings, caller, left, right)


@router.post(
    "/review/decisions",
    response_model=DecisionOut,
    status_code=201,
    summary="Decide a pair",
    responses=errors(404, 409),
)
def post_decision(body: DecisionIn, caller: DecideCaller, store: StoreDep, settings: SettingsDep) -> DecisionOut:
    """Store same / different / unsure, in effect at once; an earlier decision is superseded, never removed. The
    answer holds the action id that undoes it and what it did."""
    return decide(store, settings, caller, body.left, body.right, body.verdict, body.reason)


@router.post(
    "/review/decisions/preview",
    response_model=Preview,
    summary="What a decision would do, nothing saved",
    responses=errors(404, 409),
)
def post_decision_preview(body: DecisionIn, caller: ReviewCaller, store: StoreDep, settings: SettingsDep) -> Preview:
    """Every effect the decision would have (persons merged, records moved or split off), computed by the same
    clustering the decision runs; nothing is saved. 409 when the persons are linked to more records than a
    preview re-clusters (`steward.preview.PREVIEW_MAX_RECORDS`)."""
    audit.record(store, caller, "decision.preview", pair_target(body.left, body.right), f"verdict={body.verdict.value}")
    return decision_preview(store, settings, body.left, body.right, body.verdict)


@router.post(
    "/review/decisions/{judgement_id}/undo",
    response_model=Judgement,
    summary="Undo a decision",
    responses=errors(404, 409),
)
def undo_decision(judgement_id: IdPath, caller: DecideCaller, store: StoreDep, settings: SettingsDep) -> Judgement:
    """Undo the decision's action: memberships as they were before, the decision kept but no longer counted."""
    return undo(store, settings, caller, judgement_id)


@router.post(
    "/review/actions/{action_id}/undo",
    response_model=UndoOut,
    summary="Undo a decision, split or unmerge",
    responses=errors(404, 409),
)
def post_undo_action(action_id: IdPath, caller: DecideCaller, store: StoreDep) -> UndoOut:
    """Put back exactly the memberships before the action (persons keep their own ids); its decisions stay,
    withdrawn, and no longer count."""
    return undo_by_action(store, caller, find_action(store, action_id))


@router.post(
    "/persons/{person_id}/split/preview",
    response_model=Preview,
    summary="What a split would do, nothing saved",
    responses=errors(404, 409),
)
def post_split_preview(person_id: IdPath, body: SplitIn, caller: ReviewCaller, store: StoreDep) -> Preview:
    """The persons and records a split into these groups would make; nothing is saved."""
    audit.record(store, caller, "person.split.preview", audit.person_target(person_id))
    return split_preview(store, person_id, body.groups)


@router.post(
    "/persons/{person_id}/split", response_model=SplitOut, summary="Split a person", responses=errors(404, 409, 410)
)
def post_split(
    person_id: IdPath, body: SplitIn, caller: DecideCaller, store: StoreDep, settings: SettingsDep
) -> SplitOut:
    """Split into the chosen groups of records; their interactions move with them. Undo with the action id."""
    result, action_id = split(store, settings, caller, person_id, body.groups, body.reason)
    return SplitOut(old_person=result.old_person, persons=result.persons, groups=result.groups, action_id=action_id)


@router.post(
    "/records/{record_id}/unmerge",
    response_model=SplitOut,
    summary="Take one record out of its person",
    responses=errors(404, 409),
)
def post_unmerge(
    record_id: IdPath, body: ReasonIn, caller: DecideCaller, store: StoreDep, settings: SettingsDep
) -> SplitOut:
    """The record leaves its person for a person of its own. Undo with the action id."""
    result, action_id = split(store, settings, caller, 0, [], body.reason, unmerge=record_id)
    return SplitOut(old_person=result.old_person, persons=result.persons, groups=result.groups, action_id=action_id)


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
