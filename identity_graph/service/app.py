"""The FastAPI application: `/api/v1` (OpenAPI at `/api/v1/openapi.json`) and the web UI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from identity_graph import __version__
from identity_graph.errors import (
    AccessDenied,
    ConfigError,
    ConflictError,
    IdentityGraphError,
    InputError,
    NotFound,
    PersonGone,
)
from identity_graph.service.auth import Permission
from identity_graph.service.contract import (
    api_invalid,
    declare_rate_limits,
    gone_body,
    json_response,
    route_permission,
)
from identity_graph.settings import Settings
from identity_graph.store import open_configured
from identity_graph.store.protocol import GraphStore

API_PREFIX = "/api/v1"

#: HTTP status of each expected error; anything else of ours is a 500 with its one-line message.
ERROR_STATUS: dict[type[IdentityGraphError], int] = {
    PersonGone: 410,
    NotFound: 404,
    AccessDenied: 403,
    ConflictError: 409,
    InputError: 422,
    ConfigError: 400,
}


def status_of(exc: IdentityGraphError) -> int:
    """The HTTP status an error maps to."""
    for kind, code in ERROR_STATUS.items():
        if isinstance(exc, kind):
            return code
    return 500


@dataclass(frozen=True)
class RouteRule:
    """One endpoint and the permission it needs (None: public, or any signed-in user)."""

    face: str  # "api" or "web"
    method: str
    path: str
    permission: Permission | None


def _routers() -> list[tuple[str, str, APIRouter]]:
    """(face, prefix, router) of every router the app mounts."""
    from identity_graph.service.routes import briefing, campaigns, ingest, lookup, persons, review, runs, tokens, whois
    from identity_graph.service.routes import verify as verify_api
    from identity_graph.web import admin_pages, briefing_pages, campaign_pages, runs_pages, steward_pages, verify_pages
    from identity_graph.web import routes as web_routes

    api_modules = (lookup, persons, whois, review, ingest, runs, tokens, campaigns, briefing, verify_api)
    api = [("api", API_PREFIX, m.router) for m in api_modules]
    web_modules = (web_routes, steward_pages, admin_pages, runs_pages, campaign_pages, briefing_pages, verify_pages)
    web = [("web", "", m.router) for m in web_modules]
    return [*api, *web]


def _permission(route: APIRoute) -> Permission | None:
    """The permission a route's `Need`/`WebNeed` dependency asks for, searched through its dependency tree."""
    return route_permission(route)


def route_table() -> list[RouteRule]:
    """Every endpoint of the app with its permission rule (the role tests are parametrized from this)."""
    rules = []
    for face, prefix, router in _routers():
        for route in router.routes:
            if isinstance(route, APIRoute):
                for method in sorted(route.methods or ()):
                    rules.append(RouteRule(face, method, prefix + route.path, _permission(route)))
    return rules


def _include_routes(app: FastAPI) -> None:
    """Mount every API router and the web UI."""
    from identity_graph.web.routes import mount_web

    for face, prefix, router in _routers():
        if face == "api":
            declare_rate_limits(router.routes)
            app.include_router(router, prefix=prefix)
    mount_web(app)


def create_app(settings: Settings, store: GraphStore | None = None) -> FastAPI:
    """Build the service over a store (opened from `settings.db` when not given, and closed on shutdown)."""
    owned = store is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Close the store on shutdown when the app opened it."""
        yield
        if owned:
            app.state.store.close()

    app = FastAPI(
        title="identity-graph",
        version=__version__,
        description="Customer identity lookup, profiles, who-is, stewardship and erasure.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI would load scripts from a CDN; the UI makes no outside requests
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store if store is not None else open_configured(settings)

    @app.exception_handler(IdentityGraphError)
    async def _our_error(request: Request, exc: IdentityGraphError) -> Response:
        code = status_of(exc)
        if request.url.path.startswith(API_PREFIX) and isinstance(exc, PersonGone):
            return json_response(gone_body(exc), 410)
        if request.url.path.startswith(API_PREFIX):
            # a request's bad options (two equal records, a split of one group) are invalid input: 422, as declared
            return json_response({"detail": str(exc)}, 422 if code == 400 else code)
        from identity_graph.web.render import error_page, gone_page

        return gone_page(request, exc) if isinstance(exc, PersonGone) else error_page(request, code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        """Invalid input: the API answers 401 / 403 before 422; a page signs in first, then shows the error."""
        if request.url.path.startswith(API_PREFIX):
            return api_invalid(request, exc)
        from identity_graph.web.deps import invalid_page

        return invalid_page(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """A body that is not even text (FastAPI's 400) is invalid input, answered after the caller is known."""
        if exc.status_code == 400 and request.url.path.startswith(API_PREFIX):
            issue = {"loc": ["body"], "msg": "the body is not JSON in UTF-8", "type": "body_unreadable"}
            return api_invalid(request, RequestValidationError([issue]))
        if not request.url.path.startswith(API_PREFIX):  # a page: a styled error page, never raw JSON
            from identity_graph.web.render import http_error_page

            return http_error_page(request, exc.status_code, exc.headers)
        return await http_exception_handler(request, exc)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness probe (no data, no token)."""
        return {"status": "ok"}

    _include_routes(app)
    return app
