"""A refused page says in words what the role cannot do ("Your role (marketing) cannot open customer profiles"),
not `role marketing may not read`; the API keeps its terse detail. Real HTTP on a real store."""

from __future__ import annotations

from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from identity_graph.service import create_app
from identity_graph.service.auth import Permission, Role, create_token
from identity_graph.settings import Settings
from identity_graph.store import open_store
from identity_graph.web.render import PERMISSION_WORDS, refused_words
from tests.service.conftest import bearer
from tests.service.test_web_pages import sign_in


def test_every_permission_has_words() -> None:
    assert set(PERMISSION_WORDS) == {p.value for p in Permission}
    assert refused_words("something else") == "something else"


def test_a_refused_page_says_what_the_role_cannot_do(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    store = open_store(path)
    secret, _ = create_token(store, Role.MARKETING, "mk")
    try:
        with TestClient(create_app(Settings(db=path), store=store), follow_redirects=False) as client:
            sign_in(client, secret)
            page = client.get("/persons/1")
            queue = client.get("/review")
            api = client.get("/api/v1/persons/1", headers=bearer(secret))
    finally:
        store.close()
    assert page.status_code == 403
    assert "Your role (marketing) cannot open customer profiles." in unescape(page.text)
    assert "may not read" not in page.text
    assert "cannot work the review queue" in unescape(queue.text)
    assert api.status_code == 403 and api.json()["detail"] == "role marketing may not read"
