"""`GET /api/v1/briefing` and the `/briefing` page over a real store: who may read it, what it says, the chart."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from identity_graph.campaigns.spikes import HOUR, hour_floor
from identity_graph.service import create_app
from identity_graph.service.auth import Role, create_token
from identity_graph.settings import Settings
from identity_graph.store import open_store
from tests.campaigns.spike_world import DNIS_RAW, NOW, World, call_now_campaign
from tests.service.conftest import bearer
from tests.service.test_web_pages import sign_in

AT = NOW.isoformat()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], World]]:
    """A store with a burst of calls on the campaign's line after its send, the app over it, a token per role."""
    path = tmp_path / "briefing.db"
    world = World(open_store(path))
    rng = random.Random(5)
    for day in range(1, 15):
        world.call(NOW - timedelta(days=day, minutes=rng.randrange(900)), dialled=DNIS_RAW)
    for _ in range(25):
        world.call(NOW - timedelta(minutes=rng.randrange(10, 90)), dialled=DNIS_RAW)
    world.load()
    world.store.save_campaign(call_now_campaign(), "test")
    tokens = {role.value: create_token(world.store, role, f"{role.value}-user")[0] for role in Role}
    app = create_app(Settings(db=path), store=world.store)
    with TestClient(app, follow_redirects=False) as client:
        yield client, tokens, world
    world.store.close()


@pytest.mark.parametrize("role", ["agent", "social", "steward", "admin", "marketing"])
def test_every_role_that_reads_campaigns_gets_the_briefing(
    served: tuple[TestClient, dict[str, str], World], role: str
) -> None:
    """The briefing holds campaign facts and counts only: every role reading the registry may have it."""
    client, tokens, _ = served
    got = client.get("/api/v1/briefing", params={"at": AT}, headers=bearer(tokens[role]))
    assert got.status_code == 200, got.text


def test_briefing_api_flags_the_wave_and_is_audited(served: tuple[TestClient, dict[str, str], World]) -> None:
    """The burst after the send is a wave starting in its first hour; the read is in the audit log by count."""
    client, tokens, world = served
    body = client.get("/api/v1/briefing", params={"at": AT}, headers=bearer(tokens["agent"])).json()
    [item] = body["items"]
    assert item["campaign"]["campaign_id"] == "flight-change" and item["status"] == "live"
    spikes = item["spikes"]
    assert spikes["flagged"] is True and spikes["by_reason"]["number"] >= 25
    started = spikes["waves"][0]["started_at"]
    assert started.startswith((hour_floor(NOW) - HOUR).strftime("%Y-%m-%dT%H"))
    assert item["campaign"]["guidance"]["offer_is_not"] == "Not a refund offer."
    entry = world.store.audit_entries(5)[0]
    assert entry.action == "briefing.read" and entry.detail == "campaigns=1 waves=1"


def test_briefing_api_refuses_what_it_cannot_read(served: tuple[TestClient, dict[str, str], World]) -> None:
    """No token: 401; a moment that is not a date or a horizon out of range: 422 with a readable message."""
    client, tokens, _ = served
    assert client.get("/api/v1/briefing").status_code == 401
    bad = client.get("/api/v1/briefing", params={"at": "next tuesday"}, headers=bearer(tokens["agent"]))
    assert bad.status_code == 422
    far = client.get("/api/v1/briefing", params={"horizon_days": 400}, headers=bearer(tokens["agent"]))
    assert far.status_code == 422
    ancient = client.get("/api/v1/briefing", params={"at": "0001-01-01T00:00"}, headers=bearer(tokens["agent"]))
    assert ancient.status_code == 422 and "between 1970 and 9000" in ancient.json()["detail"]


def test_briefing_page_draws_the_chart_and_the_guidance(served: tuple[TestClient, dict[str, str], World]) -> None:
    """The page says a wave is under way in a sentence, draws 48 hourly bars (the wave's in red) and shows the
    guidance; an agent signs in with their token like on every page."""
    client, tokens, _ = served
    sign_in(client, tokens["agent"])
    page = client.get("/briefing", params={"at": NOW.strftime("%Y-%m-%dT%H:%M")})
    assert page.status_code == 200
    text = page.text
    assert "A wave is under way" in text and "Your flight changed" in text
    figure = text[text.index('<figure class="spikes">') : text.index("</figure>")]
    assert figure.count("<rect ") == 48 and 'fill="#b3261e"' in figure
    assert "Not a refund offer." in text and "+18005550142" in text
    assert "No sends of it in the send log so far." in text  # this world has no send log


def test_briefing_page_with_nothing_live(served: tuple[TestClient, dict[str, str], World]) -> None:
    """Long after the campaign ended, the page says so in a sentence."""
    client, tokens, _ = served
    sign_in(client, tokens["marketing"])
    page = client.get("/briefing", params={"at": "2027-01-01T09:00"})
    assert page.status_code == 200 and "no campaign is live" in page.text
