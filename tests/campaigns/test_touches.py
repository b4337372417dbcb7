"""Campaigns on the profile: the ones that reached the person in the last 30 days, and calls that answer one."""

from __future__ import annotations

from identity_graph.campaigns.touches import RECENT_DAYS, campaign_responses, recent_campaigns
from identity_graph.model import Channel
from identity_graph.store import SQLiteStore, TimelineQuery
from tests.campaigns.touch_world import DAY, NOW, build_touch_world


def test_the_campaigns_of_the_last_30_days_most_recent_first(store: SQLiteStore) -> None:
    world = build_touch_world(store)
    recent = recent_campaigns(store, world.person, NOW)
    assert [(t.campaign.campaign_id, t.count) for t in recent] == [("flight-change", 1), ("spring-rate-2026", 2)]
    flight, spring = recent
    assert spring.events == ["open", "sent"]  # newest first; joined by the ESP's id among the campaign's external ids
    assert spring.last == NOW - 9 * DAY
    assert flight.events == ["called"]  # a call to its DNIS reached it too
    assert spring.campaign.guidance.offer_is_not == "It never asks for a PIN."


def test_older_touches_and_unregistered_campaigns_are_left_out(store: SQLiteStore) -> None:
    world = build_touch_world(store)
    much_later = NOW + 80 * DAY  # more than 30 days after the last call
    assert [t.campaign.campaign_id for t in recent_campaigns(store, world.person, much_later)] == []
    assert RECENT_DAYS == 30
    store.delete_campaign("spring-rate-2026", "cli:test")
    assert [t.campaign.campaign_id for t in recent_campaigns(store, world.person, NOW)] == ["flight-change"]


def test_no_registry_means_no_strip(store: SQLiteStore) -> None:
    world = build_touch_world(store, register=False)
    assert recent_campaigns(store, world.person, NOW) == []


def test_a_call_to_a_campaign_dnis_while_it_runs_is_a_response_to_it(store: SQLiteStore) -> None:
    world = build_touch_world(store)
    items, _ = store.timeline(world.person, TimelineQuery(limit=50))
    responses = campaign_responses(store, items)
    by_source = {i.source_id: responses.get(i.interaction_id) for i in items if i.channel is Channel.CALL}
    assert by_source["call-dnis"] is not None and by_source["call-dnis"].campaign_id == "flight-change"
    assert by_source["call-hotline"] is None  # another number
    assert by_source["call-late"] is None  # the campaign ended weeks before
    assert all(i.channel is Channel.CALL for i in items if i.interaction_id in responses)
