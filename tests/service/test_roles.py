"""Every endpoint x every role: 401 without or with a wrong token, 403 for a role without the permission.

Parametrized from the app's route table, so a new endpoint without a role rule fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from identity_graph.service import create_app
from identity_graph.service.app import RouteRule, route_table
from identity_graph.service.auth import ROLE_PERMISSIONS, Role
from identity_graph.settings import Settings
from identity_graph.store import open_store
from identity_graph.web.session import CSRF_FIELD
from tests.service.conftest import bearer
from tests.service.world import World, build_world

#: Web routes that need no permission: the sign-in pages, and the start page (any signed-in role).
OPEN_WEB = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("GET", "/")}
#: An id that names nothing, so allowed calls fail harmlessly (404/422) instead of changing the world.
NOBODY = 987654

RULES = route_table()
API = [r for r in RULES if r.face == "api"]
WEB = [r for r in RULES if r.face == "web" and (r.method, r.path) not in OPEN_WEB]


def _url(rule: RouteRule) -> str:
    """The rule's path with every parameter set to an id that names nothing."""
    return re.sub(r"\{[^}]+\}", str(NOBODY), rule.path)


def _ids(rule: RouteRule) -> str:
    return f"{rule.method} {rule.path}"


# The calls below change nothing (ids that name nothing, empty bodies), so one world serves the whole module.
@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, World]]:
    """One app over one world for every test of this module."""
    path = tmp_path_factory.mktemp("roles") / "roles.db"
    store = open_store(path)
    world = build_world(store)
    yield create_app(Settings(db=path), store=store), world
    store.close()


@pytest.fixture(scope="module")
def world(shared: tuple[FastAPI, World]) -> World:
    """The shared world's ids and tokens."""
    return shared[1]


@pytest.fixture(scope="module")
def client(shared: tuple[FastAPI, World]) -> Iterator[TestClient]:
    """A client without a session."""
    with TestClient(shared[0], follow_redirects=False) as c:
        yield c


@pytest.fixture(scope="module")
def signed_in(shared: tuple[FastAPI, World]) -> Iterator[dict[Role, tuple[TestClient, str]]]:
    """A signed-in browser-like client per role, with its CSRF token."""
    app, world = shared
    clients = {}
    for role in Role:
        c = TestClient(app, follow_redirects=False)
        clients[role] = (c, _sign_in(c, world.tokens[role.value]))
    yield clients
    for c, _ in clients.values():
        c.close()


def test_every_endpoint_has_a_role_rule() -> None:
    missing = [r for r in RULES if r.permission is None and (r.face == "api" or (r.method, r.path) not in OPEN_WEB)]
    assert not missing, f"endpoints without a role rule: {missing}"


def test_route_table_covers_the_published_api(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    published = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert published == {(r.method, r.path) for r in API}


def _mounted(routes: list[object], prefix: str = "") -> set[tuple[str, str]]:
    """(method, path) of every endpoint the running app serves, through included routers of any depth."""
    found: set[tuple[str, str]] = set()
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI's included router (an internal type)
        if inner is not None:
            context = getattr(route, "include_context", None)
            found |= _mounted(list(inner.routes), prefix + str(getattr(context, "prefix", "")))
        elif isinstance(route, APIRoute):
            found |= {(m, prefix + route.path) for m in route.methods or ()}
    return found


def test_route_table_covers_every_mounted_endpoint(shared: tuple[FastAPI, World]) -> None:
    mounted = _mounted(list(shared[0].router.routes)) - {("GET", "/healthz")}
    assert mounted == {(r.method, r.path) for r in RULES}


@pytest.mark.parametrize("rule", API, ids=_ids)
def test_api_without_token_is_401(client: TestClient, rule: RouteRule) -> None:
    response = client.request(rule.method, _url(rule))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("rule", API, ids=_ids)
@pytest.mark.parametrize("token", ["idg_not-a-real-token", "garbage"])
def test_api_with_a_wrong_token_is_401(client: TestClient, rule: RouteRule, token: str) -> None:
    assert client.request(rule.method, _url(rule), headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("rule", API, ids=_ids)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_api_role_matrix(client: TestClient, world: World, rule: RouteRule, role: Role) -> None:
    response = client.request(rule.method, _url(rule), headers=bearer(world.tokens[role.value]), json={})
    if rule.permission in ROLE_PERMISSIONS[role]:
        assert response.status_code not in (401, 403), response.text
    else:
        assert response.status_code == 403, response.text


def _sign_in(client: TestClient, token: str) -> str:
    """Sign in through the form; returns the session's CSRF token read from the start page."""
    page = client.get("/login")
    nonce = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert nonce is not None
    done = client.post("/login", data={"csrf": nonce.group(1), "token": token})
    assert done.status_code == 303 and done.headers["location"] == "/"
    home = client.get("/")
    found = re.search(r'name="csrf" value="([^"]+)"', home.text)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("rule", WEB, ids=_ids)
def test_web_without_session_goes_to_sign_in(client: TestClient, rule: RouteRule) -> None:
    response = client.request(rule.method, _url(rule))
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


@pytest.mark.parametrize("rule", WEB, ids=_ids)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_web_role_matrix(signed_in: dict[Role, tuple[TestClient, str]], rule: RouteRule, role: Role) -> None:
    client, csrf = signed_in[role]
    data = {CSRF_FIELD: csrf} if rule.method == "POST" else None
    response = client.request(rule.method, _url(rule), data=data)
    if rule.permission in ROLE_PERMISSIONS[role]:
        assert response.status_code not in (401, 403) and response.headers.get("location") != "/login"
    else:
        assert response.status_code == 403
        assert "Not allowed" in response.text


def test_revoked_token_is_401_at_once(client: TestClient, world: World) -> None:
    """(Creates and revokes its own token, leaving the shared world's tokens alone.)"""
    admin = bearer(world.tokens["admin"])
    made = client.post("/api/v1/tokens", json={"role": "agent", "name": "temp"}, headers=admin).json()
    assert client.get("/api/v1/lookup", params={"q": "Ana"}, headers=bearer(made["token"])).status_code == 200
    assert client.delete(f"/api/v1/tokens/{made['id']}", headers=admin).status_code == 204
    assert client.get("/api/v1/lookup", params={"q": "Ana"}, headers=bearer(made["token"])).status_code == 401
