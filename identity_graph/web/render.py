"""Rendering pages: one autoescaping Jinja2 environment, the shared page context, and security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from identity_graph.errors import PersonGone
from identity_graph.model import Channel
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


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """A readable error page (the message is escaped like everything else)."""
    titles = {
        400: "Bad request", 403: "Not allowed", 404: "Not found", 409: "Conflict", 422: "Check your input",
        429: "Too many reads",
    }  # fmt: skip
    return render(
        request, "error.html", status_code, title=titles.get(status_code, "Something went wrong"), message=message
    )
