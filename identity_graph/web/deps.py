"""Dependencies of the web pages: the signed-in session, a permission check with the API's read limit, and
CSRF-checked forms.

A page that reads people (a search, a profile, why-linked, who-is) counts against the signed-in token's read
limit exactly as the API's reads do, in the same count (`service.reads_per_minute`, `service/read_quota.py`):
over it, the page is a readable 429 with `Retry-After`. The empty search and who-is forms read nothing and do
not count."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.responses import Response

from identity_graph.errors import AccessDenied
from identity_graph.limits import MAX_ID, MAX_KEY_CHARS
from identity_graph.service.auth import Caller, Permission
from identity_graph.service.deps import read_quota
from identity_graph.service.read_quota import READ_PERMISSIONS, admit_read
from identity_graph.web.session import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, Session, csrf_ok, read_cookie


class LoginRequired(Exception):
    """No valid session: the page redirects to the sign-in form."""


class ReadLimited(Exception):
    """A page read over the token's per-minute read limit: a 429 page with Retry-After."""

    def __init__(self, retry_after: int, per_minute: int) -> None:
        super().__init__(f"too many reads: at most {per_minute} a minute; retry in {retry_after} s")
        self.retry_after = retry_after


class CsrfFailed(AccessDenied):
    """A form post without the session's CSRF token."""


async def web_session(request: Request) -> Session:
    """The signed-in session, or LoginRequired."""
    session = read_cookie(
        request.app.state.store, request.app.state.session_secret, request.cookies.get(SESSION_COOKIE)
    )
    if session is None:
        raise LoginRequired()
    request.state.session = session
    return session


SessionDep = Annotated[Session, Depends(web_session)]


class WebNeed:
    """A page dependency that admits sessions whose role holds one permission (a 403 page otherwise); a read over
    the token's limit is a 429 page (`ReadLimited`), unless the page reads nothing (`counts=False`)."""

    def __init__(self, permission: Permission, *, counts: bool = True) -> None:
        self.permission = permission
        self.counts = counts

    async def __call__(self, request: Request, session: SessionDep) -> Caller:
        session.caller.require(self.permission)
        if self.counts and self.permission in READ_PERMISSIONS:
            quota = read_quota(request)
            wait = admit_read(quota, request.app.state.store, session.caller)
            if wait is not None:
                raise ReadLimited(wait, quota.per_minute)
        return session.caller

    def __repr__(self) -> str:
        return f"WebNeed({self.permission.value})"


async def checked_form(request: Request, session: SessionDep) -> FormData:
    """The posted form, after checking its CSRF token (form field or header)."""
    form = await request.form()
    given = form.get(CSRF_FIELD)
    token = given if isinstance(given, str) else request.headers.get(CSRF_HEADER)
    if not csrf_ok(session.csrf(request.app.state.session_secret), token):
        raise CsrfFailed("the form expired or did not come from this site; reload the page and try again")
    return form


FormDep = Annotated[FormData, Depends(checked_form)]
LookupUser = Annotated[Caller, Depends(WebNeed(Permission.LOOKUP))]
LookupForm = Annotated[Caller, Depends(WebNeed(Permission.LOOKUP, counts=False))]
WhoisForm = Annotated[Caller, Depends(WebNeed(Permission.WHOIS, counts=False))]
ReadUser = Annotated[Caller, Depends(WebNeed(Permission.READ))]
WhoisUser = Annotated[Caller, Depends(WebNeed(Permission.WHOIS))]
ReviewUser = Annotated[Caller, Depends(WebNeed(Permission.REVIEW))]
DecideUser = Annotated[Caller, Depends(WebNeed(Permission.DECIDE))]


#: What an id in a page's address names, by its parameter ("There is no person with the id “abc”.").
ID_NOUNS = {
    "person_id": "person",
    "record_id": "record",
    "token_id": "token",
    "campaign_id": "campaign",
    "judgement_id": "decision",
    "action_id": "steward action",
    "run_id": "run",
}
#: Longest piece of what was typed that an error page repeats (the rest is cut with an ellipsis).
ECHO_CHARS = 40
#: The message when no field of the request can be named.
INVALID_MESSAGE = "The address or the form holds a value this page cannot use; check it and try again."


def _echo(value: object) -> str:
    """What the user typed, as an error page repeats it: text cut to `ECHO_CHARS`."""
    text = str(value)
    return text if len(text) <= ECHO_CHARS else text[: ECHO_CHARS - 1] + "…"


def invalid_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """A sentence for a page asked with invalid input, from its first validation error: an id in the address
    that is no id ("There is no person with the id “abc”."), a field that is not what it should be."""
    if not errors:
        return INVALID_MESSAGE
    first = errors[0]
    loc = [str(part) for part in first.get("loc", ())]
    where, name = (loc[0], loc[-1]) if len(loc) >= 2 else ("", "")
    value = first.get("input")
    label = name.replace("_", " ")
    if where == "path" and name.endswith("_id") and value is not None:
        noun = ID_NOUNS.get(name, label.removesuffix(" id"))
        return f"There is no {noun} with the id “{_echo(value)}”."
    if where in ("path", "query", "body") and name and value is not None and not isinstance(value, dict):
        return f"“{_echo(value)}” is not a valid {label}; check it and try again."
    if where in ("query", "body") and name:
        return f"The {label} is missing; fill it in and try again."
    return INVALID_MESSAGE


def invalid_page(request: Request, exc: RequestValidationError | None = None) -> Response:
    """A page asked for with invalid input (an id that is no id, a bad page number): sign in first, then a 422
    page that says what was wrong in a sentence (`invalid_message`)."""
    from identity_graph.web.render import error_page

    session = read_cookie(
        request.app.state.store, request.app.state.session_secret, request.cookies.get(SESSION_COOKIE)
    )
    if session is None:
        return RedirectResponse("/login", status_code=303, headers={"Cache-Control": "no-store"})
    request.state.session = session
    return error_page(request, 422, invalid_message(exc.errors() if exc is not None else []))


def form_text(form: FormData, name: str) -> str:
    """A text field of a form ('' when absent), without NUL bytes and cut to the longest text a form takes."""
    value = form.get(name)
    return value.replace("\x00", "").strip()[:MAX_KEY_CHARS] if isinstance(value, str) else ""


def form_ids(form: FormData, name: str) -> list[int]:
    """The ids a form's repeated field names, sorted (values that are not ids, 1 to 2^63-1, are left out)."""
    values = (v for v in form.getlist(name) if isinstance(v, str) and v.isascii() and v.isdigit())
    return sorted({n for n in map(int, values) if 1 <= n <= MAX_ID})
