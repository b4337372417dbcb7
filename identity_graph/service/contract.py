"""The API's contract beyond its happy path: typed ids, the error bodies every route declares, request bodies
that refuse text no character can be made of, and invalid requests answered only after the caller is known.

Every `/api/v1` route declares 401, 403 and 422 (and 404 / 409 / 410 where it can answer them); an error body is
`{"detail": "…"}`, and a 422's detail is either that sentence or pydantic's list of issues. The ids, pages and
text limits come from `identity_graph.limits`, the one input policy of the API, the web pages and the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, model_validator
from starlette.responses import Response

from identity_graph.errors import PersonGone
from identity_graph.limits import MAX_ID, MAX_PAGE_NUMBER, refuse_bad_text
from identity_graph.service.auth import Permission, authenticate

#: A store id in a path: 1 to 2^63 - 1 (anything else is a 422, never an overflow).
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="an id, 1 to 2^63-1")]
#: A page number of a paged read.
PageQuery = Annotated[int, Query(ge=1, le=MAX_PAGE_NUMBER, description="page number, from 1")]


class ErrorOut(BaseModel):
    """An error: one sentence saying what went wrong."""

    detail: str


class GoneOut(ErrorOut):
    """A retired person id: the live persons now holding its records (ids only), or that it was erased."""

    person_id: int
    erased: bool
    person_ids: list[int]


def gone_body(exc: PersonGone) -> dict[str, Any]:
    """The 410 body of a retired person id (a sentence and ids, never personal data)."""
    return GoneOut(detail=str(exc), person_id=exc.person_id, erased=exc.erased, person_ids=list(exc.heirs)).model_dump()


class ValidationIssue(BaseModel):
    """One thing wrong with a request, as the validator reports it."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int]
    msg: str
    type: str


class InvalidOut(BaseModel):
    """Invalid input: a sentence, or the list of what is wrong with the request."""

    detail: str | list[ValidationIssue]


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing, unknown or revoked token",
    403: "The token's role may not do this",
    404: "No such person, record, decision or token",
    410: "The person id was retired: its records went to the live persons named (ids only), or it was erased",
    409: "Conflicts with a steward's decision or the current state",
    422: "Invalid input (an id out of range, a bad date, text with a NUL byte or a lone surrogate...)",
    429: "Over the token's read limit (`service.reads_per_minute`); retry after `Retry-After` seconds",
}


#: Error bodies other than `ErrorOut`, by status.
_MODELS: dict[int, type[BaseModel]] = {422: InvalidOut, 410: GoneOut}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` entries declaring error statuses with their body schema."""
    return {code: {"model": _MODELS.get(code, ErrorOut), "description": _DESCRIPTIONS[code]} for code in codes}


def declare_rate_limits(routes: Iterable[object]) -> None:
    """Declare 429 (with its Retry-After header) on every route whose permission the read quota counts."""
    from identity_graph.service.read_quota import READ_PERMISSIONS

    retry = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
    for route in routes:
        if isinstance(route, APIRoute) and route_permission(route) in READ_PERMISSIONS:
            route.responses[429] = {"model": ErrorOut, "description": _DESCRIPTIONS[429], "headers": retry}


#: What every API route can answer besides success: no token, a role without the permission, invalid input.
COMMON_ERRORS = errors(401, 403, 422)


class RequestBody(BaseModel):
    """Base of the API's request bodies: any text holding a NUL byte or a lone surrogate is refused (422)."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_bad_text(cls, data: Any) -> Any:
        return refuse_bad_text(data)


def json_response(content: Any, status_code: int, headers: dict[str, str] | None = None) -> Response:
    """JSON with every non-ASCII character escaped (an echoed lone surrogate cannot break the encoding)."""
    body = json.dumps(content, ensure_ascii=True, default=str, separators=(",", ":"))
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)


def route_permission(route: object) -> Permission | None:
    """The permission a route's `Need`/`WebNeed` dependency asks for, searched through its dependency tree."""
    if not isinstance(route, APIRoute):
        return None
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        permission = getattr(dep.call, "permission", None)
        if isinstance(permission, Permission):
            return permission
        stack.extend(dep.dependencies)
    return None


def _issues(exc: RequestValidationError) -> list[dict[str, Any]]:
    """The validator's issues without their `ctx` objects (kept as text) and with bounded echoed inputs."""
    out = []
    for issue in exc.errors():
        item = {k: v for k, v in issue.items() if k not in ("ctx", "url")}
        if "ctx" in issue:
            item["ctx"] = {k: str(v) for k, v in issue["ctx"].items()}
        value = item.get("input")
        if isinstance(value, str) and len(value) > 200:
            item["input"] = value[:200] + "…"
        elif not isinstance(value, str | int | float | bool | type(None)):
            item.pop("input", None)
        out.append(item)
    return out


def api_invalid(request: Request, exc: RequestValidationError) -> Response:
    """An invalid API request: 401 / 403 first when the caller may not call the route at all, else 422."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    caller = authenticate(request.app.state.store, token.strip()) if scheme.lower() == "bearer" else None
    if caller is None:
        reason = "missing bearer token" if not token.strip() else "unknown or revoked token"
        return json_response({"detail": reason}, 401, {"WWW-Authenticate": "Bearer"})
    permission = route_permission(request.scope.get("route"))
    if permission is not None and not caller.can(permission):
        return json_response({"detail": f"role {caller.role.value} may not {permission.value}"}, 403)
    return json_response({"detail": _issues(exc)}, 422)
