"""The briefing page writes a campaign's numbers as people in the home region do, the E.164 form in the title, and
says the usual rate per hour; over real HTTP on a real store."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from identity_graph.service import create_app
from identity_graph.service.auth import Role, create_token
from identity_graph.settings import Settings
from identity_graph.store import open_store
from tests.campaigns.spike_world import NOW, World, call_now_campaign
from tests.service.test_web_pages import sign_in


def test_briefing_numbers_and_usual_rate(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    world = World(open_store(path))
    world.load()
    world.store.save_campaign(call_now_campaign(), "test")
    secret, _ = create_token(world.store, Role.AGENT, "lead")
    try:
        with TestClient(create_app(Settings(db=path), store=world.store), follow_redirects=False) as client:
            sign_in(client, secret)
            page = client.get("/briefing", params={"at": NOW.strftime("%Y-%m-%dT%H:%M")}).text
    finally:
        world.store.close()
    assert '<code title="+18005550142">(800) 555-0142</code>' in page
    assert "dotted: the usual " in page and " an hour. Red bars are a wave." in page
