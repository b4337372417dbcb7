"""Typed dependencies of the API: the store, the settings, and the caller with a permission check.

Every `/api/v1` route takes exactly one `Need(...)` caller; the role test walks the route table for it, so a
new endpoint without a role rule fails the suite. The dependencies are `async` on purpose: they are quick (one
indexed read at most) and FastAPI would otherwise hop to a worker thread for each of them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from identity_graph.service.auth import Caller, Permission, authenticate
from identity_graph.service.read_quota import READ_PERMISSIONS, ReadQuota, admit_read
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore


async def get_store(request: Request) -> GraphStore:
    """The store the app was created with."""
    store: GraphStore = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


#: Declares the bearer scheme in the OpenAPI document; missing or malformed headers are answered by us (401).
bearer_scheme = HTTPBearer(auto_error=False, description="an API token (`idg_…`), from `idgraph token create`")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


def _unauthorized(message: str) -> HTTPException:
    """A 401 that tells the client to send a bearer token."""
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=message, headers={"WWW-Authenticate": "Bearer"})


async def api_caller(store: StoreDep, credentials: Credentials) -> Caller:
    """The caller named by the `Authorization: Bearer <token>` header; 401 when missing, unknown or revoked."""
    if credentials is None or not credentials.credentials.strip():
        raise _unauthorized("missing bearer token")
    caller = authenticate(store, credentials.credentials.strip())
    if caller is None:
        raise _unauthorized("unknown or revoked token")
    return caller


def read_quota(request: Request) -> ReadQuota:
    """The app's read quota (made from its settings on first use)."""
    quota: ReadQuota | None = getattr(request.app.state, "read_quota", None)
    if quota is None:
        quota = request.app.state.read_quota = ReadQuota.from_settings(request.app.state.settings)
    return quota


class Need:
    """A dependency that admits callers whose role holds one permission (403 otherwise); a read over the
    caller's rate limit is 429 with Retry-After (`service/read_quota.py`)."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    async def __call__(self, request: Request, caller: Annotated[Caller, Depends(api_caller)]) -> Caller:
        if not caller.can(self.permission):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, detail=f"role {caller.role.value} may not {self.permission.value}"
            )
        if self.permission in READ_PERMISSIONS:
            wait = admit_read(read_quota(request), request.app.state.store, caller)
            if wait is not None:
                raise HTTPException(
                    status.HTTP_429_TOO_MANY_REQUESTS,
                    detail=f"too many reads: at most {read_quota(request).per_minute} a minute; retry in {wait} s",
                    headers={"Retry-After": str(wait)},
                )
        return caller

    def __repr__(self) -> str:
        return f"Need({self.permission.value})"


LookupCaller = Annotated[Caller, Depends(Need(Permission.LOOKUP))]
ReadCaller = Annotated[Caller, Depends(Need(Permission.READ))]
WhoisCaller = Annotated[Caller, Depends(Need(Permission.WHOIS))]
ReviewCaller = Annotated[Caller, Depends(Need(Permission.REVIEW))]
DecideCaller = Annotated[Caller, Depends(Need(Permission.DECIDE))]
IngestCaller = Annotated[Caller, Depends(Need(Permission.INGEST))]
EraseCaller = Annotated[Caller, Depends(Need(Permission.ERASE))]
AdminCaller = Annotated[Caller, Depends(Need(Permission.ADMIN))]
