"""The spike watch: a generated burst of calls to a campaign's line is flagged where it starts; a flat series and
everyday traffic are not; each kind of related contact is counted for the right reason."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from identity_graph.campaigns.sends import campaign_sends
from identity_graph.campaigns.spikes import HOUR, HourCount, SpikeSettings, find_waves, hour_floor, usual_rate, watch
from identity_graph.store import open_store
from tests.campaigns.spike_world import DNIS_RAW, NOW, World, call_now_campaign

SETTINGS = SpikeSettings()


def _hours(counts: list[int]) -> list[HourCount]:
    """An hourly series starting at NOW's hour."""
    return [HourCount(hour=hour_floor(NOW) + HOUR * k, count=n) for k, n in enumerate(counts)]


@pytest.mark.parametrize(
    ("counts", "starts"),
    [
        ([1, 1, 1, 1, 1, 1], []),  # flat
        ([0, 5, 0, 5, 0, 5], []),  # high hours never two in a row, none a surge
        ([0, 1, 6, 7, 2, 0], [2]),  # two high hours in a row: the wave starts at the first
        ([0, 0, 12, 0, 0, 0], [2]),  # one hour at twice the bar: a surge starts a wave at once
        ([6, 6, 0, 0, 6, 9], [0, 4]),  # two waves, the second still going
    ],
)
def test_waves_start_where_the_run_starts(counts: list[int], starts: list[int]) -> None:
    """With a bar of 5: runs of two high hours, or one hour at 10, are waves."""
    hours = _hours(counts)
    waves = find_waves(hours, 5.0, SETTINGS)
    assert [w.started_at for w in waves] == [hours[i].hour for i in starts]
    if counts[-1] >= 5 and waves:
        assert waves[-1].ongoing


def test_usual_rate_is_the_median_with_a_floor() -> None:
    """Quiet hours give the floor; a busy line gives its median, not its mean (one odd hour does not move it)."""
    assert usual_rate([0] * 300 + [40], 1.0) == 1.0
    assert usual_rate([4] * 100 + [400], 1.0) == 4.0
    assert usual_rate([], 1.0) == 1.0


@pytest.fixture
def world(tmp_path: Path) -> World:
    """An empty store to fill."""
    return World(open_store(tmp_path / "spikes.db"))


def _background(w: World, rng: random.Random) -> None:
    """Three weeks of everyday calls to the hotline and a few stray calls to the campaign's line."""
    start = hour_floor(NOW) - timedelta(days=21)
    for hour in range(21 * 24):
        for _ in range(rng.randrange(4)):
            w.call(start + HOUR * hour + timedelta(minutes=rng.randrange(60)), phone=f"41555501{rng.randrange(10, 99)}")
    for day in range(1, 20):
        w.call(NOW - timedelta(days=day, minutes=rng.randrange(600)), dialled=DNIS_RAW)


def test_a_burst_on_the_campaign_line_is_flagged_where_it_starts(world: World) -> None:
    """After the send, 30 calls land on the DNIS within two hours: the watch flags a wave at the send's hour."""
    rng = random.Random(7)
    _background(world, rng)
    send = NOW - timedelta(hours=2, minutes=20)
    for _ in range(30):
        world.call(send + timedelta(minutes=5 + rng.expovariate(1 / 40) % 120), dialled=DNIS_RAW)
    world.load()
    campaign = call_now_campaign()
    result = watch(world.store, [campaign], {}, NOW, "US")[campaign.campaign_id]
    assert result.usual_rate == SETTINGS.floor  # the line is quiet most hours
    assert result.flagged and result.waves[0].started_at == hour_floor(send)
    assert result.total == 30 + sum(h.count for h in result.hours if h.hour < hour_floor(send))
    assert result.by_reason == {"number": result.total}
    assert len(result.hours) == SETTINGS.shown_hours and result.hours[-1].hour == hour_floor(NOW)


def test_everyday_traffic_and_a_flat_line_are_not_flagged(world: World) -> None:
    """The hotline's busy hours are not the campaign's; one call an hour on its line is its usual rate."""
    _background(world, random.Random(3))
    for hour in range(24 * 17):
        world.call(NOW - HOUR * hour - timedelta(minutes=1), dialled=DNIS_RAW)
    world.load()
    campaign = call_now_campaign()
    result = watch(world.store, [campaign], {}, NOW, "US")[campaign.campaign_id]
    assert result.usual_rate >= 1.0 and not result.flagged and result.waves == []
    assert max(h.count for h in result.hours) <= 3


def test_each_kind_of_related_contact_counts_once_for_its_reason(world: World) -> None:
    """Mentions of the domain or code, a close subject, and recipients' contacts after the send count; the rest do
    not (a recipient's call days later, outbound calls, an unrelated mail)."""
    world.customer("ann", "4155550123", "ann@example.org")
    world.customer("bob", "4155550124", "bob@example.org")
    send = NOW - timedelta(hours=2)
    world.send("ann@example.org", send)
    world.send("bob@example.org", NOW - timedelta(days=5))  # sent long ago: bob's call today is not a response
    world.call(NOW - timedelta(hours=1), phone="4155550123")  # ann calls the hotline after the send
    world.call(NOW - timedelta(hours=1), phone="4155550124")
    world.call(NOW - timedelta(hours=1), dialled=DNIS_RAW, inbound=False)  # our own callback
    world.mail(NOW - timedelta(hours=1), "Is this real?", "I got a mail from news.acmetravel-news.example today")
    world.mail(NOW - timedelta(minutes=50), "About code fly25", "does it work for my family")
    world.mail(NOW - timedelta(minutes=40), "Re: Fwd: your flight changed - call us now!")
    world.mail(NOW - timedelta(minutes=30), "My order", "not from acmetravel-news.example.net.evil.example")
    world.mail(NOW - timedelta(minutes=20), "Flight", "where is my refund")
    world.load()
    campaign = call_now_campaign(starts_at=NOW - timedelta(days=6))
    sends = campaign_sends(world.store, [campaign], NOW)
    assert sends[campaign.campaign_id].sent == 2 and sends[campaign.campaign_id].recipients == 2
    result = watch(world.store, [campaign], sends, NOW, "US")[campaign.campaign_id]
    assert result.by_reason == {"recipient": 1, "mention": 2, "subject": 1}
    assert result.total == 4 and not result.flagged


def test_a_contact_naming_one_campaign_is_not_another_campaigns_recipient_reply(world: World) -> None:
    """Ann received the flight mail; her mail about another campaign's code counts for that one only."""
    world.customer("ann", "4155550123", "ann@example.org")
    world.send("ann@example.org", NOW - timedelta(hours=2))
    world.mail(NOW - timedelta(hours=1), "Code SALE10?", "is SALE10 still valid", sender="ann@example.org")
    world.mail(NOW - timedelta(minutes=30), "Hello", "a question about my order", sender="ann@example.org")
    world.load()
    flight = call_now_campaign()
    sale = call_now_campaign(campaign_id="sale", external_ids=(), dnis=(), subjects=(), offer_codes=("SALE10",))
    sends = campaign_sends(world.store, [flight, sale], NOW)
    result = watch(world.store, [flight, sale], sends, NOW, "US")
    assert result["sale"].by_reason == {"mention": 1}
    assert result["flight-change"].by_reason == {"recipient": 1}  # only her mail that names no campaign
