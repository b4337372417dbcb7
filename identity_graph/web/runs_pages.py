"""The load history page (stewards and admins): what each load did, newest first, with its notes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from identity_graph.service import audit
from identity_graph.service.deps import StoreDep
from identity_graph.web.deps import ReviewUser
from identity_graph.web.render import render

router = APIRouter(include_in_schema=False)

#: Loads shown on the page (the newest).
LOADS_PAGE = 100


@router.get("/loads", response_class=HTMLResponse)
def loads_page(request: Request, caller: ReviewUser, store: StoreDep) -> Response:
    """The newest loads: when, source and format, loaded / updated / unchanged / quarantined, and notes."""
    runs = store.ingest_runs(LOADS_PAGE)
    audit.record(store, caller, "runs.read", "", audit.ids_detail(rows=len(runs)))
    return render(request, "loads.html", runs=runs)
