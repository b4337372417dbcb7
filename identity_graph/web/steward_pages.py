"""The steward's pages: the review queue, one pair field by field with one-key decisions and undo, and a person's
records drawn as a graph with a split form."""

from __future__ import annotations

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
from identity_graph.service.stewarding import decide, pair_view, steward_name, undo
from identity_graph.steward.queue import build_queue
from identity_graph.steward.split import split_person
from identity_graph.web.deps import DecideUser, FormDep, ReviewUser, form_ids, form_text
from identity_graph.web.render import render
from identity_graph.web.svg import graph_drawing

router = APIRouter(include_in_schema=False)

#: Queue items listed on the queue page.
QUEUE_PAGE = 50


def _redirect(url: str) -> RedirectResponse:
    """A see-other redirect after a post."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


@router.get("/review", response_class=HTMLResponse)
def queue_page(
    request: Request,
    caller: ReviewUser,
    store: StoreDep,
    settings: SettingsDep,
    undo: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """The review queue, highest impact first."""
    items = mask_review_items(build_queue(store, settings.steward, limit=QUEUE_PAGE), caller)
    return render(request, "queue.html", items=items, undo=undo, page_size=QUEUE_PAGE)


@router.get("/review/{left}/{right}", response_class=HTMLResponse)
def pair_page(
    request: Request,
    left: IdPath,
    right: IdPath,
    caller: ReviewUser,
    store: StoreDep,
    settings: SettingsDep,
    undo: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Both sides field by field, evidence and weights, and the s / d / u buttons."""
    view = pair_view(store, settings, caller, left, right)
    return render(request, "pair.html", view=view, undo=undo)


@router.post("/review/{left}/{right}/decide")
def decide_pair(
    left: IdPath, right: IdPath, form: FormDep, caller: DecideUser, store: StoreDep, settings: SettingsDep
) -> Response:
    """Store the decision and go on to the next pair in the queue (with an undo offer)."""
    try:
        verdict = Verdict(form_text(form, "verdict"))
    except ValueError:
        raise InputError("choose same, different or unsure") from None
    reason = form_text(form, "reason") or None
    j = decide(store, settings, caller, left, right, verdict, reason)
    nxt = build_queue(store, settings.steward, limit=1)
    if nxt:
        return _redirect(f"/review/{nxt[0].left}/{nxt[0].right}?undo={j.id}")
    return _redirect(f"/review?undo={j.id}")


@router.post("/review/undo/{judgement_id}")
def undo_decision(
    judgement_id: IdPath, form: FormDep, caller: DecideUser, store: StoreDep, settings: SettingsDep
) -> Response:
    """Withdraw a decision (kept, marked superseded) and show its pair again."""
    j = undo(store, settings, caller, judgement_id)
    return _redirect(f"/review/{j.left}/{j.right}")


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
def split(
    request: Request, person_id: IdPath, form: FormDep, caller: DecideUser, store: StoreDep, settings: SettingsDep
) -> Response:
    """Move the selected records to a person of their own (their interactions go with them)."""
    chosen = form_ids(form, "records")
    if not chosen:
        raise InputError("select the records that are a different person")
    reason = form_text(form, "reason") or None
    result = split_person(store, person_id, [chosen], steward_name(caller), settings.steward, reason=reason)
    audit.record(
        store, caller, "person.split", audit.person_target(person_id), audit.ids_detail(persons=result.persons)
    )
    return render(request, "split_done.html", result=result)
