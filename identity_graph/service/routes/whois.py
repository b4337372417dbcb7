"""`GET /api/v1/whois`: who a handle or profile URL likely is, how sure, and why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from identity_graph.lookup import WhoIs, whois
from identity_graph.service import audit
from identity_graph.service.contract import COMMON_ERRORS
from identity_graph.service.deps import SettingsDep, StoreDep, WhoisCaller

router = APIRouter(tags=["whois"], responses=COMMON_ERRORS)


@router.get("/whois", response_model=WhoIs, summary="Who is this handle?")
def who_is(
    caller: WhoisCaller,
    store: StoreDep,
    settings: SettingsDep,
    handle: Annotated[str, Query(min_length=1, max_length=500, description="a handle or profile URL")],
) -> WhoIs:
    """Candidate persons with confidence and evidence, or unknown with what was found."""
    answer = whois(store, handle, settings)
    persons = [c.person_id for c in answer.candidates]
    audit.record(store, caller, "whois", "", audit.ids_detail(status=answer.status, candidates=persons))
    return answer
