"""`POST /api/v1/verify`: is this email, number, link or offer ours? With a customer, whether they were sent it.

Any role holding `verify` may ask (agent, social, steward, marketing, admin). Naming a customer (`person_id`)
reads their campaign touches, so it also needs `read` and a role that sees campaign items (not the social team's
view, not marketing), and it counts against the token's read limit like any profile read. Audited as a read:
the answer and the person id, never the pasted text.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import Field

from identity_graph.campaigns.clock import campaign_now
from identity_graph.campaigns.verify import MAX_PASTE_CHARS
from identity_graph.campaigns.verify_store import Checked, verify_in_store
from identity_graph.errors import AccessDenied
from identity_graph.limits import MAX_ID
from identity_graph.masking import SOCIAL_CHANNELS, SOCIAL_ROLE
from identity_graph.service import audit
from identity_graph.service.auth import Caller, Permission
from identity_graph.service.contract import COMMON_ERRORS, RequestBody, errors
from identity_graph.service.deps import Need, SettingsDep, StoreDep, read_quota
from identity_graph.service.read_quota import admit_read

router = APIRouter(tags=["verify"], responses=COMMON_ERRORS)

VerifyCaller = Annotated[Caller, Depends(Need(Permission.VERIFY))]


class VerifyIn(RequestBody):
    """What the caller has, pasted as it is; and optionally the customer on screen."""

    text: str = Field(
        min_length=1,
        max_length=MAX_PASTE_CHARS,
        description="an address, a domain, a link, a phone number, a subject, a sentence of the offer, an offer "
        "code, a handle or post URL, or the raw headers of a mail",
    )
    person_id: int | None = Field(None, ge=1, le=MAX_ID, description="the customer on screen (needs `read`)")


def sees_touches(caller: Caller) -> bool:
    """True when the caller may read a customer's campaign touches (read permission, campaign items in view)."""
    in_view = caller.role.value != SOCIAL_ROLE or "campaign" in SOCIAL_CHANNELS
    return caller.can(Permission.READ) and in_view


def admit_person_read(request: Request, caller: Caller) -> None:
    """Count a customer read against the caller's limit (429 with Retry-After when over it)."""
    wait = admit_read(read_quota(request), request.app.state.store, caller)
    if wait is not None:
        per_minute = read_quota(request).per_minute
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"too many reads: at most {per_minute} a minute; retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )


@router.post(
    "/verify", response_model=Checked, summary="Is this ours?", responses=errors(404, 410, 429)
)  # fmt: skip
def verify_paste(
    request: Request, body: VerifyIn, caller: VerifyCaller, store: StoreDep, settings: SettingsDep
) -> Checked:
    """Ours and live, ours but not live now, a look-alike of ours (possible phishing), or not ours; how sure
    (0-100) with a sentence, the evidence, the campaign's guidance, and with `person_id` whether they were sent it."""
    if body.person_id is not None:
        if not sees_touches(caller):
            raise AccessDenied(f"role {caller.role.value} may not read a customer's campaign touches")
        admit_person_read(request, caller)
    checked = verify_in_store(
        store, body.text, region=settings.matching.default_region, person_id=body.person_id,
        now=campaign_now(settings),
    )  # fmt: skip
    target = audit.person_target(checked.customer.person_id) if checked.customer else ""
    if body.person_id is not None and not target:
        target = audit.person_target(body.person_id)
    audit.record(store, caller, "verify", target, audit.ids_detail(answer=checked.answer.value))
    return checked
