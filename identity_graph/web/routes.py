"""The web pages: sign-in, the agent's search and profile, the social team's who-is (steward pages live apart)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from identity_graph.campaigns.clock import campaign_now
from identity_graph.campaigns.touches import campaign_strip
from identity_graph.errors import InputError
from identity_graph.header import profile_header
from identity_graph.limits import MAX_SINCE_CHARS
from identity_graph.lookup import classify, lookup
from identity_graph.masking import SOCIAL_CHANNELS, SOCIAL_ROLE, mask_profile
from identity_graph.model import Channel, Verdict
from identity_graph.profile import build_profile
from identity_graph.service import audit
from identity_graph.service.auth import Caller, authenticate
from identity_graph.service.contract import IdPath, PageQuery
from identity_graph.service.deps import SettingsDep, StoreDep
from identity_graph.service.queries import timeline_query
from identity_graph.service.stewarding import decide
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore, TimelineQuery
from identity_graph.web import admin_pages, briefing_pages, campaign_pages, runs_pages, steward_pages
from identity_graph.web.deps import (
    DecideUser,
    FormDep,
    LoginRequired,
    LookupForm,
    LookupUser,
    ReadLimited,
    ReadUser,
    SessionDep,
    WhoisForm,
    WhoisUser,
    form_ids,
    form_text,
)
from identity_graph.web.render import SECURITY_HEADERS, STATIC, error_page, render, server_error_page
from identity_graph.web.session import (
    CSRF_FIELD,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    csrf_ok,
    login_nonce,
    new_cookie,
    session_secret,
)
from identity_graph.whois import whois
from identity_graph.why import why_view

router = APIRouter(include_in_schema=False)

#: Paths of the API (its errors stay JSON); kept equal to `service.app.API_PREFIX`.
API_PREFIX = "/api/v1"

#: Campaign sends shown in the profile's "recent campaign touches" box.
RECENT_CAMPAIGNS = 5
#: What a blank search or who-is says.
BLANK_SEARCH = "Type a name, phone, email or handle."
BLANK_WHOIS = "Paste a handle (@name) or a profile address."
#: Why the who-is link button stores a decision.
LINK_REASON = "linked from who-is"
LINKED = "Linked: a same-person decision was saved (audited; stewards see it with the other decisions)."


def _redirect(url: str) -> RedirectResponse:
    """A see-other redirect (after a post, or to the sign-in page)."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    """Set an HttpOnly, SameSite=Strict cookie (Secure when configured)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.service.secure_cookies,
        path="/",
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, failed: Annotated[int, Query(ge=0, le=1)] = 0) -> Response:
    """The sign-in form (paste an API token)."""
    nonce = login_nonce()
    response = render(request, "login.html", login_csrf=nonce, failed=bool(failed))
    _set_cookie(request, response, LOGIN_COOKIE, nonce, None)
    return response


@router.post("/login")
async def login(request: Request, store: StoreDep) -> Response:
    """Check the token and start a session."""
    form = await request.form()
    given, token = form.get(CSRF_FIELD), form.get("token")
    if not isinstance(given, str) or not csrf_ok(request.cookies.get(LOGIN_COOKIE, ""), given):
        return _redirect("/login?failed=1")
    caller = authenticate(store, token.strip()) if isinstance(token, str) else None
    if caller is None:
        return _redirect("/login?failed=1")
    hours = request.app.state.settings.service.session_hours
    cookie = new_cookie(request.app.state.session_secret, caller.token_id, hours * 3600)
    audit.record(store, caller, "web.login")
    response = _redirect("/")
    _set_cookie(request, response, SESSION_COOKIE, cookie, int(hours * 3600))
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(form: FormDep, session: SessionDep, store: StoreDep) -> Response:
    """End the session."""
    audit.record(store, session.caller, "web.logout")
    response = _redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> Response:
    """The start page: the search box and the who-is box, as the role allows."""
    return render(request, "home.html")


@router.get("/search", response_class=HTMLResponse)
def search_form(request: Request, caller: LookupForm) -> Response:
    """The agent's search box."""
    return render(request, "search.html", q="", hits=None)


@router.post("/search", response_class=HTMLResponse)
def search(request: Request, form: FormDep, caller: LookupUser, store: StoreDep, settings: SettingsDep) -> Response:
    """Persons matching what the agent typed (posted, so the text never lands in URLs, history or logs)."""
    q = form_text(form, "q")
    if not q:
        return render(request, "search.html", 422, q="", hits=None, blank=BLANK_SEARCH)
    kind = classify(q)
    hits = lookup(store, q, settings, kind=kind)[: settings.service.lookup_limit]
    audit.record(store, caller, "lookup", "", audit.ids_detail(kind=kind.value, hits=[h.person_id for h in hits]))
    if len(hits) == 1:  # one person: straight to the profile
        return _redirect(f"/persons/{hits[0].person_id}")
    return render(request, "search.html", q=q, kind=kind.value, hits=hits)


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def profile_page(
    request: Request,
    person_id: IdPath,
    caller: ReadUser,
    store: StoreDep,
    settings: SettingsDep,
    channel: Annotated[list[Channel], Query()] = [],  # noqa: B006 (FastAPI copies defaults)
    since: Annotated[str | None, Query(max_length=MAX_SINCE_CHARS)] = None,
    until: Annotated[str | None, Query(max_length=MAX_SINCE_CHARS)] = None,
    page: PageQuery = 1,
) -> Response:
    """Who the person is, their identifiers, the filtered timeline, recent campaign touches and records."""
    query = timeline_query(settings, channel, since, until, page)
    profile = mask_profile(build_profile(store, person_id, settings, query), caller)
    if profile.person_id != person_id:
        return _redirect(f"/persons/{profile.person_id}")
    campaigns, _ = store.timeline(profile.person_id, TimelineQuery(limit=RECENT_CAMPAIGNS, channels=[Channel.CAMPAIGN]))
    audit.record(store, caller, "profile.read", audit.person_target(profile.person_id))
    pages = max(1, -(-profile.timeline_total // query.limit))
    seen = [Channel(c) for c in SOCIAL_CHANNELS] if caller.role.value == SOCIAL_ROLE else list(Channel)
    header = profile_header(store, profile, settings.matching.default_region, seen)
    return render(
        request,
        "profile.html",
        profile=profile,
        header=header,
        region=settings.matching.default_region,
        campaign_strip=campaign_strip(store, profile, settings.matching.default_region, seen, campaign_now(settings)),
        campaigns=campaigns,
        chosen=set(channel),
        since=since or "",
        until=until or "",
        page=page,
        pages=pages,
        records={r.id: r for r in profile.records},
    )


@router.get("/persons/{person_id}/why/{record_id}", response_class=HTMLResponse)
def why_fragment(request: Request, person_id: IdPath, record_id: IdPath, caller: ReadUser, store: StoreDep) -> Response:
    """Why one record is linked: the sentence and the stored evidence (loaded on demand into the profile)."""
    view = why_view(store, person_id, record_id, caller)  # the social team's view for the social role
    audit.record(store, caller, "why.read", audit.person_target(view.person_id), f"record={record_id}")
    return render(request, "_why.html", why=view.why, edges=view.edges, record_id=record_id)


@router.get("/whois", response_class=HTMLResponse)
def whois_form(request: Request, caller: WhoisForm) -> Response:
    """The social team's box: paste a handle or profile URL."""
    return render(request, "whois.html", handle="", answer=None)


@router.post("/whois", response_class=HTMLResponse)
def whois_page(request: Request, form: FormDep, caller: WhoisUser, store: StoreDep, settings: SettingsDep) -> Response:
    """Who the handle likely is, how sure, and why."""
    handle = form_text(form, "handle")
    if not handle:
        return render(request, "whois.html", 422, handle="", answer=None, blank=BLANK_WHOIS)
    return _answer_page(request, store, settings, caller, handle)


def _answer_page(
    request: Request, store: GraphStore, settings: Settings, caller: Caller, handle: str, linked: str = ""
) -> Response:
    """Ask who the handle is (audited) and show the answer."""
    answer = whois(store, handle, settings)
    detail = audit.ids_detail(status=answer.status.value, candidates=[c.person_id for c in answer.candidates])
    audit.record(store, caller, "whois", "", detail)
    return render(request, "whois.html", handle=handle, answer=answer, linked=linked)


@router.post("/whois/link", response_class=HTMLResponse)
def whois_link(request: Request, form: FormDep, caller: DecideUser, store: StoreDep, settings: SettingsDep) -> Response:
    """A steward confirms a candidate: a `same` decision between the handle's account and the candidate's record
    (stored, audited and in effect at once, like any review decision), then the answer again."""
    handle = form_text(form, "handle")
    ids = form_ids(form, "account") + form_ids(form, "record")
    if not handle or len(ids) != 2 or len(set(ids)) != 2:
        raise InputError("choose a candidate to link")
    decide(store, settings, caller, ids[0], ids[1], Verdict.SAME, LINK_REASON)
    return _answer_page(request, store, settings, caller, handle, linked=LINKED)


class SecurityHeaders:
    """ASGI middleware adding the security headers to every response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            """Add the headers to the response start message."""
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def mount_web(app: FastAPI) -> None:
    """Add the pages, the static files and the sign-in redirect to the app."""
    app.state.session_secret = session_secret(app.state.store)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(router)
    app.include_router(steward_pages.router)
    app.include_router(admin_pages.router)
    app.include_router(runs_pages.router)  # all of these are listed in service.app's route table too
    app.include_router(campaign_pages.router)
    app.include_router(briefing_pages.router)
    from identity_graph.web import verify_pages  # imported here: it imports the API's verify route

    app.include_router(verify_pages.router)

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired) -> Response:
        return _redirect("/login")

    @app.exception_handler(Exception)
    async def _failed(request: Request, exc: Exception) -> Response:
        """An unexpected failure: a styled page on the web, the API's plain 500 as before."""
        if request.url.path.startswith(API_PREFIX):
            return PlainTextResponse("Internal Server Error", status_code=500)
        return server_error_page(request)

    @app.exception_handler(ReadLimited)
    async def _too_many(request: Request, exc: ReadLimited) -> Response:
        response = error_page(request, 429, str(exc))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    app.add_middleware(SecurityHeaders)
