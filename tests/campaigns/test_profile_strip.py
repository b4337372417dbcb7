"""The profile page: the campaigns that reached the person lately with their guidance one click away, and a call
to a campaign's number marked as a response to it; the social role sees neither (no campaign or call items)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest

from identity_graph.service.auth import Role
from identity_graph.store import SQLiteStore
from tests.campaigns.touch_world import TouchWorld, build_touch_world
from tests.campaigns.web_client import WebClients


@pytest.fixture
def web(store: SQLiteStore, tmp_path: Path) -> Iterator[tuple[WebClients, TouchWorld]]:
    """Signed-in clients over the touch world, dated around this moment (the strip reads the last 30 days)."""
    world = build_touch_world(store, now=datetime.now(UTC))
    w = WebClients(store, tmp_path / "test.db")
    yield w, world
    w.close()


def _strip(page: str) -> str:
    """The campaign strip's HTML ('' when the page has none)."""
    found = re.search(r'<div class="campaign-strip".*?</ul>', page, re.S)
    return found.group(0) if found else ""


def test_the_agent_sees_the_campaigns_that_reached_the_person_with_guidance(
    web: tuple[WebClients, TouchWorld],
) -> None:
    clients, world = web
    agent, _ = clients.signed_in(Role.AGENT)
    page = unescape(agent.get(f"/persons/{world.person}").text)
    strip = _strip(page)
    assert "Campaigns that reached them in the last 30 days" in strip
    assert strip.index("Flight change: call us now") < strip.index("Spring rate review")  # most recent first
    assert "It never asks for a PIN." in strip  # guidance one click away (in a <details>)
    assert 'href="/campaigns/spring-rate-2026"' in strip
    assert "Winter sale" not in strip  # 60 days ago


def test_a_call_to_the_campaign_number_reads_as_a_response_to_it(web: tuple[WebClients, TouchWorld]) -> None:
    clients, world = web
    agent, _ = clients.signed_in(Role.AGENT)
    page = unescape(agent.get(f"/persons/{world.person}").text)
    assert page.count("A response to") == 1
    assert re.search(r'A response to <a href="/campaigns/flight-change">Flight change: call us now</a>', page)


def test_the_social_role_sees_no_campaign_strip(web: tuple[WebClients, TouchWorld]) -> None:
    clients, world = web
    social, _ = clients.signed_in(Role.SOCIAL)
    page = social.get(f"/persons/{world.person}")
    assert page.status_code == 200
    assert _strip(page.text) == "" and "A response to" not in page.text
