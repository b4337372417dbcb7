"""The campaign clock: `[campaigns] as_of` makes data that ended in the past read as now (the demo's sample) for
the profile's strip, verify and the briefing; unset, answers count from the current time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from html import unescape
from pathlib import Path

from identity_graph.campaigns.clock import campaign_now
from identity_graph.service.auth import Role
from identity_graph.settings import CampaignSettings, Settings
from identity_graph.store import SQLiteStore
from tests.campaigns.touch_world import build_touch_world
from tests.campaigns.web_client import WebClients

PAST = datetime(2025, 6, 30, 17, 0, tzinfo=UTC)


def test_the_clock_is_as_of_when_set_and_now_otherwise(tmp_path: Path) -> None:
    assert campaign_now(Settings(db=tmp_path / "a.db", campaigns=CampaignSettings(as_of=PAST))) == PAST
    naive = Settings(db=tmp_path / "a.db", campaigns=CampaignSettings(as_of=PAST.replace(tzinfo=None)))
    assert campaign_now(naive) == PAST  # a time without a zone is UTC
    eastern = PAST.astimezone(timezone(timedelta(hours=-4)))
    assert campaign_now(Settings(db=tmp_path / "a.db", campaigns=CampaignSettings(as_of=eastern))) == PAST
    before = datetime.now(UTC)
    assert before <= campaign_now(Settings(db=tmp_path / "a.db")) <= datetime.now(UTC)


def _pages(store: SQLiteStore, tmp_path: Path, settings: Settings, person: int) -> tuple[str, str]:
    """The agent's profile page and the JSON briefing under these settings."""
    clients = WebClients(store, tmp_path / "test.db", settings)
    try:
        agent, _ = clients.signed_in(Role.AGENT)
        page = unescape(agent.get(f"/persons/{person}").text)
        briefing = agent.get("/briefing").text
    finally:
        clients.close()
    return page, briefing


def test_data_that_ended_in_the_past_shows_its_campaigns_under_the_clock(store: SQLiteStore, tmp_path: Path) -> None:
    world = build_touch_world(store, now=PAST)
    db = tmp_path / "test.db"
    today, today_briefing = _pages(store, tmp_path, Settings(db=db), world.person)
    assert "Campaigns that reached them in the last 30 days" not in today  # the sends are over a year old
    then, then_briefing = _pages(store, tmp_path, Settings(db=db, campaigns=CampaignSettings(as_of=PAST)), world.person)
    assert "Campaigns that reached them in the last 30 days" in then
    assert "Flight change: call us now" in then
    assert "30 June 2025" in then_briefing or "2025-06-30" in then_briefing
    assert "30 June 2025" not in today_briefing
