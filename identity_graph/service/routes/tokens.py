"""`/api/v1/tokens` and `/api/v1/audit`: token administration and the audit log (admin only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from identity_graph.limits import MAX_ID
from identity_graph.service import audit
from identity_graph.service.auth import Role, create_token, revoke
from identity_graph.service.contract import COMMON_ERRORS, IdPath, RequestBody, errors
from identity_graph.service.deps import AdminCaller, SettingsDep, StoreDep

router = APIRouter(tags=["admin"], responses=COMMON_ERRORS)

#: Most audit entries one request returns.
MAX_AUDIT = 1000


class TokenIn(RequestBody):
    """A token to create."""

    role: Role
    name: str = Field("", max_length=100, description="who or what will use it (not a customer)")


class TokenOut(BaseModel):
    """A stored token (the secret is never shown again)."""

    id: int
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    """A new token with its secret, shown this once."""

    token: str


class AuditOut(BaseModel):
    """One audit entry: the stored actor id (`token:3`) and, for people, its name as the token has it now."""

    id: int
    at: datetime
    actor: str
    actor_name: str = ""
    action: str
    target: str
    detail: str


@router.get("/tokens", response_model=list[TokenOut], summary="List tokens")
def list_tokens(caller: AdminCaller, store: StoreDep) -> list[TokenOut]:
    """Every token with its role and whether it is revoked."""
    return [TokenOut(**t.__dict__) for t in store.list_tokens()]


@router.post("/tokens", response_model=TokenCreated, status_code=201, summary="Create a token")
def post_token(body: TokenIn, caller: AdminCaller, store: StoreDep) -> TokenCreated:
    """Create a token for a role; its secret is in this response only."""
    secret, stored = create_token(store, body.role, body.name or body.role.value)
    audit.record(store, caller, "token.create", f"token:{stored.id}", f"role={stored.role}")
    return TokenCreated(token=secret, **stored.__dict__)


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke a token", responses=errors(404))
def delete_token(token_id: IdPath, caller: AdminCaller, store: StoreDep) -> None:
    """Revoke a token at once (its web sessions end too)."""
    revoke(store, token_id)
    audit.record(store, caller, "token.revoke", f"token:{token_id}")


@router.get("/audit", response_model=list[AuditOut], summary="Read the audit log")
def get_audit(
    caller: AdminCaller,
    store: StoreDep,
    settings: SettingsDep,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="entries older than this id")] = None,
    target: Annotated[str | None, Query(max_length=100, description="e.g. person:12")] = None,
    actor: Annotated[str | None, Query(max_length=100, description="token:3, a token id or name, cli:alice")] = None,
    action: Annotated[str | None, Query(max_length=100, description="e.g. resolve; decision. for decision.*")] = None,
    since: Annotated[str | None, Query(max_length=40, description="a day (2026-12-07) or a UTC time")] = None,
    until: Annotated[str | None, Query(max_length=40, description="a day (inclusive) or a UTC time")] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_AUDIT)] = None,
) -> list[AuditOut]:
    """Audit entries, newest first (who, what, when; ids only), filtered by actor, action and time; page on with
    `before_id` = the last id of a page."""
    size = limit or settings.service.audit_page_size
    query = audit.audit_query(
        store, limit=size, before_id=before_id, actor=actor, action=action, since=since, until=until, target=target
    )
    entries = store.audit_search(query)
    names = audit.actor_names(store)
    return [AuditOut(**e.__dict__, actor_name=audit.display_actor(e.actor, names)) for e in entries]
