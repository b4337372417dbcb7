"""Rendering pages: one autoescaping Jinja2 environment, the shared page context, and security headers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from identity_graph.display import format_phone, percent
from identity_graph.errors import PersonGone
from identity_graph.model import Channel
from identity_graph.profile import RULE_WORDS
from identity_graph.service.auth import ROLE_PERMISSIONS, Permission

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

#: Sent with every page: nothing is loaded from anywhere but this server, and no inline script runs.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

#: Channel names and icon ids shown on the timeline.
CHANNEL_LABELS = {
    Channel.CALL: "Call",
    Channel.EMAIL: "Email",
    Channel.SOCIAL: "Social post",
    Channel.CAMPAIGN: "Campaign",
    Channel.CRM: "CRM change",
}

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "svg"], default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
env.globals["channel_labels"] = {c.value: label for c, label in CHANNEL_LABELS.items()}
env.globals["channels"] = [c.value for c in CHANNEL_LABELS]


def _fmt_time(value: Any) -> str:
    """A timestamp as `YYYY-MM-DD HH:MM` (UTC)."""
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else str(value)


env.filters["when"] = _fmt_time
env.filters["percent"] = percent
env.filters["phone"] = format_phone


def _cut(value: Any, limit: int = 80) -> str:
    """Text cut to `limit` characters with an ellipsis (show the whole in a `title=`)."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


env.filters["cut"] = _cut
#: How the golden value's survivorship rule reads on the page.
env.globals["rule_words"] = RULE_WORDS
#: Page titles and sentences of HTTP errors on a page (an unknown address, a wrong method).
HTTP_ERRORS = {
    404: ("Not found", "There is no page at this address. Check the link, or start again from the start page."),
    405: ("Not allowed here", "This page cannot be opened that way. Go back and use the page's own buttons."),
}


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with the signed-in caller, their permissions and the CSRF token in its context."""
    session = getattr(request.state, "session", None)
    secret = getattr(request.app.state, "session_secret", b"")
    perms = ROLE_PERMISSIONS[session.caller.role] if session is not None else frozenset()
    context.update(
        request=request,
        caller=None if session is None else session.caller,
        can={p.value: (p in perms) for p in Permission},
        csrf="" if session is None else session.csrf(secret),
    )
    html = env.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def gone_page(request: Request, exc: PersonGone) -> HTMLResponse:
    """A retired person's page (410): a sentence with links to the persons now holding its records."""
    return render(request, "gone.html", 410, gone=exc)


#: What each permission lets a person do, for the sentence of a refused page.
PERMISSION_WORDS = {
    "lookup": "search for customers", "read": "open customer profiles", "whois": "ask who a social handle is",
    "review": "work the review queue", "decide": "decide whether records are one person", "ingest": "load data",
    "erase": "erase a person", "admin": "manage tokens or read the audit log",
    "campaigns": "read the campaign registry", "edit-campaigns": "register or change campaigns",
    "verify": "check whether something is ours",
}  # fmt: skip
_REFUSED = re.compile(r"role (?P<role>[a-z]+) may not (?P<permission>[a-z-]+)")


def refused_words(message: str) -> str:
    """`role marketing may not read` as a person reads it; any other message unchanged."""
    found = _REFUSED.fullmatch(message)
    if found is None or found["permission"] not in PERMISSION_WORDS:
        return message
    what = PERMISSION_WORDS[found["permission"]]
    return f"Your role ({found['role']}) cannot {what}. If your work needs it, ask an admin for a token that can."


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """A readable error page (the message is escaped like everything else)."""
    if status_code == 403:
        message = refused_words(message)
    titles = {
        400: "Bad request", 403: "Not allowed", 404: "Not found", 409: "Conflict", 422: "Check your input",
        429: "Too many reads",
    }  # fmt: skip
    return render(
        request, "error.html", status_code, title=titles.get(status_code, "Something went wrong"), message=message
    )


def _attach_session(request: Request) -> None:
    """Sign the page's header in when the request carries a valid session (no read is counted or audited)."""
    from identity_graph.web.session import SESSION_COOKIE, read_cookie

    store = getattr(request.app.state, "store", None)
    secret = getattr(request.app.state, "session_secret", None)
    if getattr(request.state, "session", None) is None and store is not None and secret is not None:
        try:
            session = read_cookie(store, secret, request.cookies.get(SESSION_COOKIE))
        except Exception:  # the store itself may be what failed: the page goes without its header
            return
        if session is not None:
            request.state.session = session


def http_error_page(request: Request, status_code: int, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """A styled page for an HTTP error of a page route (404 unknown address, 405 wrong method, ...), never JSON."""
    _attach_session(request)
    title, message = HTTP_ERRORS.get(status_code, ("Something went wrong", "The page could not be shown; try again."))
    response = render(request, "error.html", status_code, title=title, message=message)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def server_error_page(request: Request) -> HTMLResponse:
    """The page for an unexpected failure (500): a sentence, no traceback."""
    _attach_session(request)
    message = "Something failed on our side. Nothing you typed was lost; try again in a moment."
    return render(request, "error.html", 500, title="Something went wrong", message=message)
