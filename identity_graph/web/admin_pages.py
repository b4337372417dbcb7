"""The change feed page (stewards) and the admin page: tokens (create, revoke) and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from identity_graph.service import audit
from identity_graph.service.auth import Caller, Permission, create_token, parse_role, revoke
from identity_graph.service.contract import IdPath
from identity_graph.service.deps import SettingsDep, StoreDep
from identity_graph.web.deps import FormDep, ReviewUser, WebNeed, form_text
from identity_graph.web.render import render

router = APIRouter(include_in_schema=False)

#: Change-feed events shown on the page (the newest).
FEED_PAGE = 200

AdminUser = Annotated[Caller, Depends(WebNeed(Permission.ADMIN))]


@router.get("/changes", response_class=HTMLResponse)
def changes_page(request: Request, caller: ReviewUser, store: StoreDep) -> Response:
    """The newest change-feed events: persons created, merged, split, erased; records attached and detached."""
    last = store.last_event_id()
    events = list(reversed(store.events(since_id=max(0, last - FEED_PAGE), limit=FEED_PAGE)))
    return render(request, "changes.html", events=events)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, caller: AdminUser, store: StoreDep, settings: SettingsDep) -> Response:
    """Tokens with their roles, a form to create one, and the newest audit entries."""
    entries = store.audit_entries(settings.service.audit_page_size)
    return render(request, "admin.html", tokens=store.list_tokens(), entries=entries, secret=None, made=None)


@router.post("/admin/tokens", response_class=HTMLResponse)
def create_token_page(
    request: Request, form: FormDep, caller: AdminUser, store: StoreDep, settings: SettingsDep
) -> Response:
    """Create a token and show its secret this once."""
    role = parse_role(form_text(form, "role"))
    secret, made = create_token(store, role, form_text(form, "name") or role.value)
    audit.record(store, caller, "token.create", f"token:{made.id}", f"role={made.role}")
    entries = store.audit_entries(settings.service.audit_page_size)
    return render(request, "admin.html", tokens=store.list_tokens(), entries=entries, secret=secret, made=made)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token_page(token_id: IdPath, form: FormDep, caller: AdminUser, store: StoreDep) -> Response:
    """Revoke a token at once."""
    revoke(store, token_id)
    audit.record(store, caller, "token.revoke", f"token:{token_id}")
    return RedirectResponse("/admin", status_code=303, headers={"Cache-Control": "no-store"})
