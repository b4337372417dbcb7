"""`GET /api/v1/whois`: who a handle or profile URL is (known, likely, not a customer, unknown), how sure, and why.

The same answer as the who-is page (`identity_graph/whois.py`). A steward links a likely customer over the API
with `POST /api/v1/review/decisions` (`left` = the answer's `account_id`, `right` = the candidate's `record_id`,
`verdict` = `same`), the decision the page's link button stores."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from identity_graph.service import audit
from identity_graph.service.contract import COMMON_ERRORS
from identity_graph.service.deps import SettingsDep, StoreDep, WhoisCaller
from identity_graph.whois import WhoIs, whois

router = APIRouter(tags=["whois"], responses=COMMON_ERRORS)


@router.get("/whois", response_model=WhoIs, summary="Who is this handle?")
def who_is(
    caller: WhoisCaller,
    store: StoreDep,
    settings: SettingsDep,
    handle: Annotated[str, Query(min_length=1, max_length=500, description="a handle or profile URL")],
) -> WhoIs:
    """Known customer, likely customer (candidates with confidence and evidence), not a customer, or unknown."""
    answer = whois(store, handle, settings)
    persons = [c.person_id for c in answer.candidates]
    audit.record(store, caller, "whois", "", audit.ids_detail(status=answer.status.value, candidates=persons))
    return answer
