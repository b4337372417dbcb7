"""`GET /api/v1/lookup`: persons by phone, email, handle, name or `source:source_id`, ranked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from identity_graph.lookup import LookupKind, PersonHit, classify, lookup
from identity_graph.service import audit
from identity_graph.service.contract import COMMON_ERRORS
from identity_graph.service.deps import LookupCaller, SettingsDep, StoreDep

router = APIRouter(tags=["lookup"], responses=COMMON_ERRORS)


class LookupResult(BaseModel):
    """Persons found for a search text, best first."""

    kind: LookupKind
    hits: list[PersonHit]


# `async` on purpose: a lookup is a few indexed reads (about a millisecond), so it runs on the event loop rather
# than hopping to a worker thread and back for the call and again for the response (20-25% of its CPU time at
# 1,000 lookups/s; benchmarks/bench_http.py). Anything slow belongs in a plain `def` route.
@router.get("/lookup", response_model=LookupResult, summary="Find persons by phone, email, handle, name or source id")
async def lookup_persons(
    caller: LookupCaller,
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=500, description="what the customer gave")],
    kind: Annotated[LookupKind | None, Query(description="force how q is read")] = None,
) -> LookupResult:
    """Persons matching the text, ranked, each with what matched."""
    used = kind or classify(q)
    hits = lookup(store, q, settings, kind=used)[: settings.service.lookup_limit]
    audit.record(store, caller, "lookup", "", audit.ids_detail(kind=used.value, hits=[h.person_id for h in hits]))
    return LookupResult(kind=used, hits=hits)
