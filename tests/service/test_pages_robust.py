"""Pages that never break: long input is cut with a title, every web error is a styled page (the API keeps its
JSON), a blank search says what to type, and a search with one hit opens the profile."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from identity_graph.cli.main import app
from identity_graph.model import RecordKind
from identity_graph.persons import apply_clustering
from identity_graph.service import create_app
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from tests.factories import prepared, record
from tests.service.conftest import bearer
from tests.service.test_web_pages import sign_in
from tests.service.world import World, build_world

LONG = "x" * 5000


def _text(html: str) -> str:
    """The page's visible text (tags, and so attributes, removed)."""
    return re.sub(r"<[^>]+>", " ", html)


def _longest_word(html: str) -> int:
    """The longest unbroken run of characters a reader sees on the page (outside the search box)."""
    body = _text(html.split("</form>", 1)[-1])
    return max((len(w) for w in body.split()), default=0)


def test_a_5000_character_search_is_cut_with_a_title(client: TestClient, world: World) -> None:
    csrf = sign_in(client, world.tokens["agent"])
    page = client.post("/search", data={"q": LONG, "csrf": csrf})
    assert page.status_code == 200
    assert _longest_word(page.text) <= 60
    title = re.search(r'<q title="(x+)">(x+…)</q>', page.text)
    assert title is not None and len(title.group(1)) == 1000 and len(title.group(2)) == 60  # the form keeps 1000


def test_a_5000_character_name_is_cut_with_a_title(client: TestClient, wstore: SQLiteStore, world: World) -> None:
    wstore.upsert_batch([prepared(record("c-long", LONG, "Smith", kind=RecordKind.CONTACT))], [])
    found = wstore.find_record("crm", "c-long")
    assert found is not None
    apply_clustering(wstore, [[found.id]], "test")
    person = wstore.assignments([found.id])[found.id]
    sign_in(client, world.tokens["agent"])
    page = client.get(f"/persons/{person}")
    assert page.status_code == 200
    h1 = re.search(r'<h1 id="who-h" title="([^"]+)">([^<]+)</h1>', page.text)
    assert h1 is not None and len(h1.group(2)) == 80 and h1.group(2).endswith("…")
    assert h1.group(1).startswith(found.display_name()[:100])
    assert _longest_word(page.text) <= 200


def test_a_blank_search_says_what_to_type(client: TestClient, world: World) -> None:
    csrf = sign_in(client, world.tokens["agent"])
    blank = client.post("/search", data={"q": "   ", "csrf": csrf})
    assert blank.status_code == 422 and "Type a name, phone, email or handle." in blank.text


@pytest.mark.parametrize("typed", ["(415) 555-0134", "+1 415.555.0134", "415 555 0134", "4155550134"])
def test_one_hit_opens_the_profile(client: TestClient, world: World, typed: str) -> None:
    csrf = sign_in(client, world.tokens["agent"])
    found = client.post("/search", data={"q": typed, "csrf": csrf})
    assert found.status_code == 303 and found.headers["location"] == f"/persons/{world.ana}"


def test_namesakes_are_told_apart_on_the_result_cards(client: TestClient, world: World) -> None:
    csrf = sign_in(client, world.tokens["agent"])
    page = client.post("/search", data={"q": "Carol Diaz", "csrf": csrf}).text
    cards = re.findall(r'<li class="card hit">.*?</li>\s*</ul>\s*</li>', page, re.S)
    assert len(cards) == 2
    facts = [_text(c) for c in cards]
    assert any("Denver" in f and "(•••) •••-0101" in f for f in facts)
    assert any("Boston" in f and "(•••) •••-0199" in f for f in facts)
    assert all("Records" in f and "Last contact" in f for f in facts)
    api = client.get("/api/v1/lookup", params={"q": "Carol Diaz"}, headers=bearer(world.tokens["agent"])).json()
    assert {(h["city"], h["phone"], h["records"]) for h in api["hits"]} == {
        ("Denver", "(•••) •••-0101", 1),
        ("Boston", "(•••) •••-0199", 1),
    }


@pytest.mark.parametrize(
    ("method", "path", "status", "title"),
    [
        ("GET", "/persons/abc", 422, "Check your input"),
        ("GET", "/no/such/page", 404, "Not found"),
        ("GET", "/persons/99999", 404, "Not found"),
        ("DELETE", "/search", 405, "Not allowed here"),
    ],
)
def test_every_web_error_is_a_styled_page(
    client: TestClient, world: World, method: str, path: str, status: int, title: str
) -> None:
    sign_in(client, world.tokens["agent"])
    page = client.request(method, path)
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")
    assert f"<h1>{title}</h1>" in page.text and 'href="/static/app.css"' in page.text
    assert "Signed in as" in page.text  # the page keeps its header and navigation
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_an_unknown_page_without_a_session_is_styled_too(client: TestClient) -> None:
    page = client.get("/nope")
    assert page.status_code == 404 and "<h1>Not found</h1>" in page.text


@pytest.mark.parametrize(("path", "status"), [("/api/v1/nope", 404), ("/api/v1/persons/abc", 422)])
def test_the_api_keeps_its_json_errors(client: TestClient, world: World, path: str, status: int) -> None:
    answer = client.get(path, headers=bearer(world.tokens["agent"]))
    assert answer.status_code == status and answer.headers["content-type"] == "application/json"
    assert "detail" in answer.json()


def test_a_failure_is_a_styled_page_on_the_web_and_plain_on_the_api(
    wstore: SQLiteStore, world: World, tmp_path: Path
) -> None:
    service = create_app(Settings(), store=wstore)
    with TestClient(service, follow_redirects=False, raise_server_exceptions=False) as c:
        sign_in(c, world.tokens["agent"])
        with sqlite3.connect(tmp_path / "world.db") as other:  # a table gone under the running service
            other.execute("ALTER TABLE interactions RENAME TO interactions_gone")
        page = c.get(f"/persons/{world.ana}")
        assert page.status_code == 500 and "<h1>Something went wrong</h1>" in page.text
        assert "Traceback" not in page.text and "sqlite" not in page.text.lower()
        api = c.get(f"/api/v1/persons/{world.ana}", headers=bearer(world.tokens["agent"]))
        assert api.status_code == 500 and api.text == "Internal Server Error"


def test_the_terminal_tells_namesakes_apart_too(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    store = open_store(db)
    build_world(store)
    store.close()
    shown = CliRunner().invoke(app, ["--db", str(db), "profile", "--name", "Carol Diaz"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "Denver" in shown.output and "(•••) •••-0101" in shown.output
    assert "Boston" in shown.output and "(•••) •••-0199" in shown.output
