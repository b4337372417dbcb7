"""The change feed page (stewards) and the admin page: tokens (create, revoke, with a confirmation before revoking
one's own) and the audit log with token names, filters (actor, action, dates) and pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from identity_graph.limits import MAX_ID
from identity_graph.service import audit
from identity_graph.service.auth import Caller, Permission, Role, create_token, parse_role, revoke
from identity_graph.service.contract import IdPath
from identity_graph.service.deps import SettingsDep, StoreDep
from identity_graph.store.protocol import GraphStore
from identity_graph.web.deps import FormDep, ReviewUser, WebNeed, form_text
from identity_graph.web.render import render

router = APIRouter(include_in_schema=False)

#: Change-feed events shown on the page (the newest).
FEED_PAGE = 200
#: The form value that confirms revoking the token one is signed in with.
CONFIRM_OWN = "yes"

AdminUser = Annotated[Caller, Depends(WebNeed(Permission.ADMIN))]
#: A filter box's text on the audit page.
FilterText = Annotated[str | None, Query(max_length=100)]


@router.get("/changes", response_class=HTMLResponse)
def changes_page(request: Request, caller: ReviewUser, store: StoreDep) -> Response:
    """The newest change-feed events: persons created, merged, split, erased; records attached and detached."""
    last = store.last_event_id()
    events = list(reversed(store.events(since_id=max(0, last - FEED_PAGE), limit=FEED_PAGE)))
    return render(request, "changes.html", events=events)


def _admin_context(
    store: GraphStore, size: int, caller: Caller, filters: dict[str, str], before: int | None
) -> dict[str, Any]:
    """What the admin page shows: tokens, one page of the audit log (names resolved), the filters and paging."""
    query = audit.audit_query(
        store,
        limit=size,
        before_id=before,
        actor=filters.get("actor"),
        action=filters.get("action"),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    entries = store.audit_search(query)
    names = audit.actor_names(store)
    return {
        "tokens": store.list_tokens(),
        "entries": entries,
        "who": {e.actor: audit.display_actor(e.actor, names) for e in entries},
        "filters": filters,
        "filtered": any(filters.values()),
        "before": before,
        "older": entries[-1].id if len(entries) == size else None,
        "me": caller.token_id,
        "roles": [r.value for r in Role],
        "secret": None,
        "made": None,
        "confirm_revoke": None,
    }


@router.get("/admin", response_class=HTMLResponse)
def admin_page(
    request: Request,
    caller: AdminUser,
    store: StoreDep,
    settings: SettingsDep,
    actor: FilterText = None,
    action: FilterText = None,
    since: Annotated[str | None, Query(max_length=40)] = None,
    until: Annotated[str | None, Query(max_length=40)] = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Tokens with their roles, a form to create one, and the audit log: filters, token names, older pages."""
    filters = {"actor": actor or "", "action": action or "", "since": since or "", "until": until or ""}
    context = _admin_context(store, settings.service.audit_page_size, caller, filters, before)
    return render(request, "admin.html", **context)


@router.post("/admin/tokens", response_class=HTMLResponse)
def create_token_page(
    request: Request, form: FormDep, caller: AdminUser, store: StoreDep, settings: SettingsDep
) -> Response:
    """Create a token and show its secret this once."""
    role = parse_role(form_text(form, "role"))
    secret, made = create_token(store, role, form_text(form, "name") or role.value)
    audit.record(store, caller, "token.create", f"token:{made.id}", f"role={made.role}")
    context = _admin_context(store, settings.service.audit_page_size, caller, {}, None)
    context.update(secret=secret, made=made)
    return render(request, "admin.html", **context)


@router.post("/admin/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token_page(
    request: Request, token_id: IdPath, form: FormDep, caller: AdminUser, store: StoreDep, settings: SettingsDep
) -> Response:
    """Revoke a token at once; the token one is signed in with only after a confirmation (it signs one out)."""
    if token_id == caller.token_id and form_text(form, "confirm") != CONFIRM_OWN:
        context = _admin_context(store, settings.service.audit_page_size, caller, {}, None)
        context.update(confirm_revoke=store.get_token(token_id))
        return render(request, "admin.html", **context)
    revoke(store, token_id)
    audit.record(store, caller, "token.revoke", f"token:{token_id}")
    return RedirectResponse("/admin", status_code=303, headers={"Cache-Control": "no-store"})
