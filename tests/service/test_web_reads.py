"""The web UI's reads under the API's per-token read limit (a readable 429 page with Retry-After), and the
social role's why-linked trimmed to its view (no dob, address, email, phone or mail evidence) on API and web."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from identity_graph.masking import social_edge
from identity_graph.model import Evidence, MatchEdge, MatchStatus
from identity_graph.service import create_app
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from tests.service.conftest import bearer
from tests.service.test_web_pages import sign_in
from tests.service.world import World


@pytest.fixture
def limited(wstore: SQLiteStore) -> Iterator[TestClient]:
    """A client of an app allowing two reads a minute per token."""
    settings = Settings(db=wstore.path, service={"reads_per_minute": 2, "daily_read_alert": 0})
    with TestClient(create_app(settings, store=wstore), follow_redirects=False) as c:
        yield c


def test_web_reads_over_the_limit_get_a_readable_429_page(limited: TestClient, world: World) -> None:
    sign_in(limited, world.tokens["agent"])
    for _ in range(3):
        assert limited.get("/search").status_code == 200  # the empty form reads nothing
    codes = [limited.get(f"/persons/{world.bob}") for _ in range(3)]
    assert [r.status_code for r in codes] == [200, 200, 429]
    over = codes[2]
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    assert "text/html" in over.headers["content-type"]
    assert "Too many reads" in over.text and "at most 2 a minute" in over.text
    api = limited.get(f"/api/v1/persons/{world.bob}", headers=bearer(world.tokens["agent"]))
    assert api.status_code == 429  # one count per token, pages and API alike


def test_web_why_and_search_count_too(limited: TestClient, world: World) -> None:
    csrf = sign_in(limited, world.tokens["agent"])
    assert limited.post("/search", data={"q": "Bob", "csrf": csrf}).status_code == 303  # one Bob: his profile
    assert limited.get(f"/persons/{world.ana}/why/{world.ana_records[1]}").status_code == 200
    assert limited.post("/search", data={"q": "Bob", "csrf": csrf}).status_code == 429


def test_social_why_shows_no_crm_evidence_over_the_api(client: TestClient, world: World) -> None:
    crm, _, _, social_account = world.ana_records
    social = bearer(world.tokens["social"])
    hidden = client.get(f"/api/v1/persons/{world.ana}/records/{crm}/why", headers=social)
    assert hidden.status_code == 404  # not a record of the social view
    why = client.get(f"/api/v1/persons/{world.ana}/records/{social_account}/why", headers=social)
    assert why.status_code == 200
    assert why.json()["edges"] == []  # its only edge leads to the CRM record
    assert "phone" not in why.text and "+1415" not in why.text and "matches record" not in why.text
    agent = client.get(f"/api/v1/persons/{world.ana}/records/{crm}/why", headers=bearer(world.tokens["agent"]))
    assert agent.status_code == 200 and "phone +14155550134 matches" in agent.text  # other roles as before


def test_social_why_shows_no_crm_evidence_on_the_web(client: TestClient, world: World) -> None:
    crm, _, _, social_account = world.ana_records
    sign_in(client, world.tokens["social"])
    assert client.get(f"/persons/{world.ana}/why/{crm}").status_code == 404
    page = client.get(f"/persons/{world.ana}/why/{social_account}")
    assert page.status_code == 200 and "+14155550134" not in page.text and "Record " not in page.text


def test_the_social_edge_keeps_only_names_and_handles() -> None:
    evidence = (
        Evidence(comparison="first_name", level="exact", weight=3.0, detail="first name Ana"),
        Evidence(comparison="handle", level="personal", weight=6.0, detail="handle x:analima matches"),
        Evidence(comparison="dob", level="exact", weight=5.0, detail="dob 1990-01-02 matches"),
        Evidence(comparison="email", level="personal", weight=7.0, detail="email ana@x.org matches"),
        Evidence(comparison="phone", level="personal", weight=7.0, detail="phone +14155550134 matches"),
        Evidence(comparison="street", level="exact", weight=2.0, detail="street Quinta 12"),
    )
    edge = MatchEdge(left=1, right=2, score=0.9, weight=9, status=MatchStatus.AUTO, evidence=evidence, explanation="x")
    shown = social_edge(edge)
    assert [e.comparison for e in shown.evidence] == ["first_name", "handle"]
    assert shown.explanation == "handle x:analima matches; first name Ana"
