"""The lead's briefing: live campaigns and those starting within the horizon (never ended or later ones), with the
volume sent so far from the send log, the guidance, and a spike watch for the live ones."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from identity_graph.campaigns.briefing import BRIEFING_HORIZON_DAYS, build_briefing, in_briefing
from identity_graph.campaigns.model import CampaignStatus
from identity_graph.errors import InputError
from identity_graph.store import open_store
from tests.campaigns.spike_world import NOW, World, call_now_campaign

DAY = timedelta(days=1)


@pytest.fixture
def world(tmp_path: Path) -> World:
    """A store with four campaigns (live, soon, later, ended) and a send log."""
    w = World(open_store(tmp_path / "briefing.db"))
    for key, phone in (("ann", "4155550121"), ("bob", "4155550122"), ("cy", "4155550123")):
        w.customer(key, phone, f"{key}@example.org")
    start = NOW - timedelta(hours=3)
    for email in ("ann@example.org", "bob@example.org", "cy@example.org"):
        w.send(email, start + timedelta(minutes=5))  # the ESP's id for the live campaign
    w.send("ann@example.org", start + timedelta(minutes=30), event="open")  # not a send
    w.send("bob@example.org", start + timedelta(minutes=6), campaign_id="flight-change")  # its own id works too
    w.send("cy@example.org", start + timedelta(minutes=7), campaign_id="other-campaign")
    w.load()
    campaigns = [
        call_now_campaign(),
        call_now_campaign(campaign_id="soon", external_ids=(), starts_at=NOW + 6 * DAY, ends_at=NOW + 9 * DAY),
        call_now_campaign(campaign_id="later", external_ids=(), starts_at=NOW + 8 * DAY, ends_at=NOW + 9 * DAY),
        call_now_campaign(campaign_id="ended", external_ids=(), starts_at=NOW - 9 * DAY, ends_at=NOW - DAY),
        call_now_campaign(campaign_id="open-ended", external_ids=(), starts_at=NOW - 90 * DAY, ends_at=None),
    ]
    for c in campaigns:
        w.store.save_campaign(c, "test")
    return w


def test_briefing_lists_live_and_starting_soon_never_ended_or_later(world: World) -> None:
    """Live ones first by start, then the upcoming one within seven days; the ended and the later one are left out."""
    b = build_briefing(world.store, NOW, "US")
    assert [(i.campaign.campaign_id, i.status) for i in b.items] == [
        ("open-ended", CampaignStatus.LIVE),
        ("flight-change", CampaignStatus.LIVE),
        ("soon", CampaignStatus.UPCOMING),
    ]
    assert b.horizon_days == BRIEFING_HORIZON_DAYS
    wider = build_briefing(world.store, NOW, "US", horizon_days=10)
    assert "later" in [i.campaign.campaign_id for i in wider.items]


def test_volume_sent_so_far_counts_sends_under_any_of_its_ids(world: World) -> None:
    """Three sends under the ESP's id and one under its own; opens and other campaigns' sends do not count."""
    b = build_briefing(world.store, NOW, "US")
    live = {i.campaign.campaign_id: i for i in b.items}
    assert live["flight-change"].sent == 4 and live["flight-change"].recipients == 3
    assert live["open-ended"].sent == 0
    assert live["soon"].sent == 0 and live["soon"].spikes is None  # upcoming: no watch yet
    assert live["flight-change"].spikes is not None and not live["flight-change"].spikes.flagged


def test_briefing_carries_the_guidance_and_is_json(world: World) -> None:
    """The guidance travels with each campaign; the whole briefing serialises for the API."""
    b = build_briefing(world.store, NOW, "US")
    item = b.items[1]
    assert item.campaign.guidance.offer_is_not == "Not a refund offer."
    data = b.model_dump(mode="json")
    assert data["items"][1]["spikes"]["flagged"] is False and len(data["items"][1]["spikes"]["hours"]) == 48


def test_sends_before_now_only(world: World) -> None:
    """A briefing asked for an earlier moment counts only what was sent by then."""
    start = NOW - timedelta(hours=3)
    counts = []
    for minutes in (4, 6, 10):
        b = build_briefing(world.store, start + timedelta(minutes=minutes), "US")
        counts.append(next(i.sent for i in b.items if i.campaign.campaign_id == "flight-change"))
    assert counts == [0, 3, 4]


@pytest.mark.parametrize(
    ("start_days", "end_days", "expected"),
    [(-1, 1, True), (-1, None, True), (6.9, 8, True), (7.1, 8, False), (-3, -0.1, False)],
)
def test_in_briefing(start_days: float, end_days: float | None, expected: bool) -> None:
    """Live, or starting within the horizon."""
    c = call_now_campaign(
        starts_at=NOW + timedelta(days=start_days), ends_at=None if end_days is None else NOW + timedelta(days=end_days)
    )
    assert in_briefing(c, NOW, BRIEFING_HORIZON_DAYS) is expected


@pytest.mark.parametrize("year", [1, 1969, 9001])
def test_a_moment_far_from_now_is_refused(world: World, year: int) -> None:
    """The window's arithmetic never reaches the calendar's ends: a readable input error instead."""
    with pytest.raises(InputError, match="a briefing is for a moment between 1970 and 9000"):
        build_briefing(world.store, NOW.replace(year=year), "US")
