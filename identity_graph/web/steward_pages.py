"""The steward's pages: the review queue (filters, paging, names), one pair as two persons with the effect of each
decision said before it is saved, undo of every decision and split, and a person's records drawn as a graph with
a split form."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from identity_graph.errors import InputError
from identity_graph.limits import MAX_ID
from identity_graph.masking import mask_graph, mask_records, mask_review_items
from identity_graph.model import Verdict
from identity_graph.service import audit
from identity_graph.service.contract import IdPath
from identity_graph.service.deps import SettingsDep, StoreDep
from identity_graph.service.graph import person_graph
from identity_graph.service.stewarding import (
    Preview,
    can_undo,
    decide,
    decision_preview,
    find_action,
    pair_view,
    split,
    to_preview,
    undo,
    undo_by_action,
)
from identity_graph.steward.effect import ScopeTooLarge
from identity_graph.steward.preview import effect_of
from identity_graph.steward.queue import KIND_LABELS, build_queue
from identity_graph.steward.queue_page import QueueFilter, queue_page
from identity_graph.store.protocol import GraphStore
from identity_graph.web.deps import DecideUser, FormDep, ReviewUser, form_ids, form_text
from identity_graph.web.render import render
from identity_graph.web.svg import graph_drawing

router = APIRouter(include_in_schema=False)

#: Queue items listed on one queue page.
QUEUE_PAGE = 50


def _redirect(url: str) -> RedirectResponse:
    """A see-other redirect after a post."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def _done_flash(store: GraphStore, action_id: int | None, undone: bool = False) -> dict[str, object] | None:
    """What an action did (or what its undo did), for the flash at the top of the next page."""
    if action_id is None:
        return None
    action = store.steward_action(action_id)
    if action is None:
        return None
    if undone:
        revived = sorted(set(action.before.values()) - set(action.after.values()))
        effect = effect_of(store, action.after, action.before, revived)
    else:
        effect = effect_of(store, action.before, action.after)
    offer = not undone and action.undone_at is None and can_undo(store, action)
    return {"action": action, "lines": effect.lines(), "undone": undone, "offer_undo": offer}


def _decision_flash(store: GraphStore, judgement_id: int | None) -> dict[str, object] | None:
    """The flash of a just-saved decision (by its judgement id), when it was saved as an undoable action."""
    if judgement_id is None:
        return None
    action = store.steward_action_of_judgement(judgement_id)
    return _done_flash(store, action.id) if action is not None else None


def _float(text: str | None) -> float | None:
    """A number typed in a filter box, None when blank."""
    if text is None or not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError("the least impact must be a number, such as 5") from None
    if not 0 <= value <= 1000:
        raise InputError("the least impact must be between 0 and 1000")
    return value


@router.get("/review", response_class=HTMLResponse)
def queue_page_view(
    request: Request,
    caller: ReviewUser,
    store: StoreDep,
    settings: SettingsDep,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    source: Annotated[str | None, Query(max_length=200)] = None,
    impact: Annotated[str | None, Query(max_length=20)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    undo: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    done: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """The review queue, highest impact first: both sides' names, the total, filters and pages."""
    filters = QueueFilter(kind or None, source or None, _float(impact))
    page = queue_page(store, settings.steward, filters, offset=offset, limit=QUEUE_PAGE)
    page.items = mask_review_items(page.items, caller)
    flash = _done_flash(store, done) or _decision_flash(store, undo)
    return render(
        request,
        "queue.html",
        page=page,
        items=page.items,
        kinds=KIND_LABELS,
        impact=impact or "",
        undo=None if flash else undo,
        flash=flash,
        page_size=QUEUE_PAGE,
    )


@router.get("/review/{left}/{right}", response_class=HTMLResponse)
def pair_page(
    request: Request,
    left: IdPath,
    right: IdPath,
    caller: ReviewUser,
    store: StoreDep,
    settings: SettingsDep,
    undo: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    done: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    undone: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Both persons side by side, the pair's evidence, and what each decision would do before it is saved."""
    view = pair_view(store, settings, caller, left, right)
    flash = _done_flash(store, done) or _decision_flash(store, undo) or _done_flash(store, undone, undone=True)
    return render(request, "pair.html", view=view, undo=None if flash else undo, flash=flash)


def fingerprint(preview: Preview) -> str:
    """A short digest of a preview's moves: a confirmation holds only for the effect that was shown."""
    text = ";".join(f"{m.record_id}:{m.from_person}>{m.to_person}" for m in preview.moves)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@router.post("/review/{left}/{right}/decide", response_class=HTMLResponse)
def decide_pair(
    request: Request,
    left: IdPath,
    right: IdPath,
    form: FormDep,
    caller: DecideUser,
    store: StoreDep,
    settings: SettingsDep,
) -> Response:
    """Store the decision and go on to the next pair (with what it did and an undo); a decision that does more
    than join or part the two persons is first shown for confirmation ("this will also ...")."""
    try:
        verdict = Verdict(form_text(form, "verdict"))
    except ValueError:
        raise InputError("choose same, different or unsure") from None
    reason = form_text(form, "reason") or None
    try:
        preview: Preview | None = decision_preview(store, settings, left, right, verdict)
    except ScopeTooLarge:  # too large to preview: saved at once, and the next page says what it did
        preview = None
    if preview is not None and preview.also and form_text(form, "confirm") != fingerprint(preview):
        return render(
            request,
            "decide_confirm.html",
            left=min(left, right),
            right=max(left, right),
            verdict=verdict.value,
            reason=reason or "",
            preview=preview,
            confirm=fingerprint(preview),
        )
    done = decide(store, settings, caller, left, right, verdict, reason)
    nxt = build_queue(store, settings.steward, limit=1)
    if nxt:
        return _redirect(f"/review/{nxt[0].left}/{nxt[0].right}?undo={done.id}")
    return _redirect(f"/review?undo={done.id}")


@router.post("/review/undo/{judgement_id}")
def undo_decision(
    judgement_id: IdPath, form: FormDep, caller: DecideUser, store: StoreDep, settings: SettingsDep
) -> Response:
    """Undo the decision's action (kept, marked superseded) and show its pair again."""
    j = undo(store, settings, caller, judgement_id)
    return _redirect(f"/review/{j.left}/{j.right}")


@router.post("/review/actions/{action_id}/undo", response_class=HTMLResponse)
def undo_action_page(
    request: Request, action_id: IdPath, form: FormDep, caller: DecideUser, store: StoreDep
) -> Response:
    """Undo a decision, split or unmerge exactly: a decision's pair is shown again, a split says what came back."""
    action = find_action(store, action_id)
    done = undo_by_action(store, caller, action)
    if action.kind == "decision":
        pair = _decision_pair(store, action.judgement_ids, sorted(action.after))
        if pair is not None:
            return _redirect(f"/review/{pair[0]}/{pair[1]}?undone={action_id}")
    persons = sorted(set(action.before.values()))
    return render(request, "split_done.html", result=None, effect=done.effect, action_id=action_id, persons=persons)


def _decision_pair(store: GraphStore, judgement_ids: tuple[int, ...], scope: list[int]) -> tuple[int, int] | None:
    """The pair a decision action was about."""
    found = [j for j in store.judgements(scope, active_only=False) if j.id in set(judgement_ids)]
    return (found[0].left, found[0].right) if found else None


@router.get("/persons/{person_id}/graph", response_class=HTMLResponse)
def graph_page(request: Request, person_id: IdPath, caller: ReviewUser, store: StoreDep) -> Response:
    """The person's records, identifiers and links drawn as a graph, with records to select for a split."""
    graph = mask_graph(person_graph(store, person_id), caller)
    if graph.person_id != person_id:
        return _redirect(f"/persons/{graph.person_id}/graph")
    records = mask_records(store.get_records([n.record_id for n in graph.nodes if n.record_id is not None]), caller)
    audit.record(store, caller, "graph.read", audit.person_target(graph.person_id))
    return render(request, "graph.html", graph=graph, drawing=graph_drawing(graph), records=records)


@router.post("/persons/{person_id}/split", response_class=HTMLResponse)
def split_page(
    request: Request, person_id: IdPath, form: FormDep, caller: DecideUser, store: StoreDep, settings: SettingsDep
) -> Response:
    """Move the selected records to a person of their own (their interactions go with them); say what moved and
    offer an undo."""
    chosen = form_ids(form, "records")
    if not chosen:
        raise InputError("select the records that are a different person")
    reason = form_text(form, "reason") or None
    before = store.assignments(store.person_record_ids([person_id]).get(person_id, []))
    result, action_id = split(store, settings, caller, person_id, [chosen], reason)
    effect = to_preview(effect_of(store, before, store.assignments(sorted(before))), "split")
    action = store.steward_action(action_id)
    offer = action is not None and can_undo(store, action)
    return render(
        request, "split_done.html", result=result, effect=effect, action_id=action_id, offer_undo=offer, persons=[]
    )
