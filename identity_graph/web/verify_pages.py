"""The verify page (`/verify`): "is this email, number, link or offer ours?" for agents, on its own or posted from
the box on a customer's profile (then it also says whether that customer was sent the campaign)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from identity_graph.campaigns.clock import campaign_now
from identity_graph.campaigns.verify import LOOKALIKE_SCRIPT
from identity_graph.campaigns.verify_store import verify_in_store
from identity_graph.limits import MAX_ID
from identity_graph.service import audit
from identity_graph.service.auth import Caller, Permission
from identity_graph.service.deps import SettingsDep, StoreDep, read_quota
from identity_graph.service.read_quota import admit_read
from identity_graph.service.routes.verify import sees_touches
from identity_graph.web.deps import FormDep, ReadLimited, WebNeed
from identity_graph.web.render import render

router = APIRouter(include_in_schema=False)

VerifyUser = Annotated[Caller, Depends(WebNeed(Permission.VERIFY, counts=False))]
#: Answer -> the CSS class of its colour (green, amber, red, grey).
ANSWER_CLASSES = {"ours_live": "ok", "ours_not_live": "warn", "lookalike": "danger", "not_ours": "neutral"}


def _person(form: FormData) -> int | None:
    """The customer on screen the form names (None when absent or not an id)."""
    value = form.get("person_id")
    if isinstance(value, str) and value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID:
        return int(value)
    return None


@router.get("/verify", response_class=HTMLResponse)
def verify_form(request: Request, caller: VerifyUser) -> Response:
    """The box: paste what the caller has."""
    return render(request, "verify.html", text="", checked=None, person_id=None)


@router.post("/verify", response_class=HTMLResponse)
def verify_page(
    request: Request, form: FormDep, caller: VerifyUser, store: StoreDep, settings: SettingsDep
) -> Response:
    """The verdict: the answer in colour, the sentence, the evidence, the campaign's guidance, and with a customer
    on screen whether they were sent it."""
    raw = form.get("text")
    text = raw if isinstance(raw, str) else ""
    person = _person(form) if sees_touches(caller) else None
    if not text.strip():
        return render(request, "verify.html", text="", checked=None, person_id=person, blank=True)
    if person is not None:
        quota = read_quota(request)
        wait = admit_read(quota, store, caller)
        if wait is not None:
            raise ReadLimited(wait, quota.per_minute)
    checked = verify_in_store(
        store, text, region=settings.matching.default_region, person_id=person, now=campaign_now(settings)
    )
    target = audit.person_target(checked.customer.person_id) if checked.customer else ""
    audit.record(store, caller, "verify", target, audit.ids_detail(answer=checked.answer.value))
    return render(
        request,
        "verify.html",
        text=text,
        checked=checked,
        person_id=person,
        tone=ANSWER_CLASSES[checked.answer.value],
        lookalike_script=LOOKALIKE_SCRIPT,
    )
