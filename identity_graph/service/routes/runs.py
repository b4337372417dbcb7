"""`GET /api/v1/runs`: the load history, newest first (stewards and admins).

Runs hold counts and notes (quarantine file paths, notices, the kind of error that stopped a load), never the
content of a record, so reading them is audited like any read but names no person.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from identity_graph.service import audit
from identity_graph.service.contract import COMMON_ERRORS
from identity_graph.service.deps import ReviewCaller, StoreDep
from identity_graph.store.runs import DEFAULT_RUNS_LIMIT, IngestRun

router = APIRouter(tags=["ingest"], responses=COMMON_ERRORS)

#: Most loads one request returns.
MAX_RUNS = 1000
#: Longest source name a filter may give (source names are short labels such as crm or pbx).
MAX_SOURCE_CHARS = 200


@router.get("/runs", response_model=list[IngestRun], summary="The load history, newest first")
def get_runs(
    caller: ReviewCaller,
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=MAX_RUNS, description="how many loads, newest first")] = DEFAULT_RUNS_LIMIT,
    source: Annotated[
        str | None, Query(min_length=1, max_length=MAX_SOURCE_CHARS, description="only the loads of this source")
    ] = None,
) -> list[IngestRun]:
    """What each load did: source, format, times, loaded / updated / unchanged / quarantined, and its notes."""
    runs = store.ingest_runs(limit, source)
    audit.record(store, caller, "runs.read", f"source:{source}" if source else "", audit.ids_detail(rows=len(runs)))
    return runs
