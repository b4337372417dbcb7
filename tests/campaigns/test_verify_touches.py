"""Per customer: was this person sent the campaign, when, and what happened — on a real SQLite store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from identity_graph.campaigns.verify_touches import PAGE_SIZE, received_sentence, was_sent
from identity_graph.store import open_store
from tests.campaigns.spike_world import NOW, World, call_now_campaign


def _world(tmp_path: Path) -> World:
    """Carol got the campaign (by its ESP id), opened and clicked it; Dan got another campaign; Erin nothing."""
    world = World(open_store(tmp_path / "touches.db"))
    world.customer("carol", "4155550101", "carol@example.com")
    world.customer("dan", "4155550102", "dan@example.com")
    world.customer("erin", "4155550103", "erin@example.com")
    sent = NOW - timedelta(hours=2)
    world.send("carol@example.com", sent, "esp-991", "sent")
    world.send("carol@example.com", sent + timedelta(minutes=1), "esp-991", "delivered")
    world.send("carol@example.com", sent + timedelta(minutes=30), "esp-991", "open")
    world.send("carol@example.com", sent + timedelta(minutes=31), "esp-991", "click")
    world.send("dan@example.com", sent, "esp-other", "sent")
    world.send("dan@example.com", sent + timedelta(minutes=5), "esp-other", "bounce")
    world.load()
    return world


def test_the_customer_who_was_sent_it(tmp_path: Path) -> None:
    world = _world(tmp_path)
    campaign = call_now_campaign()  # external id esp-991
    touches = was_sent(world.store, world.persons["carol"], campaign)
    assert [t.event for t in touches] == ["sent", "delivered", "open", "click"]
    assert touches[0].occurred_at == NOW - timedelta(hours=2)
    sentence = received_sentence(campaign, touches)
    assert sentence == (
        "This customer was sent Your flight changed on 9 March 2026, had it delivered on 9 March 2026, "
        "opened it on 9 March 2026 and clicked a link in it on 9 March 2026."
    )
    world.store.close()


def test_customers_who_were_not_sent_it(tmp_path: Path) -> None:
    world = _world(tmp_path)
    campaign = call_now_campaign()
    assert was_sent(world.store, world.persons["dan"], campaign) == []
    assert was_sent(world.store, world.persons["erin"], campaign) == []
    assert received_sentence(campaign, []).startswith("This customer was not sent Your flight changed")
    world.store.close()


def test_matched_by_the_registry_id_and_a_bounce_is_said(tmp_path: Path) -> None:
    world = _world(tmp_path)
    other = call_now_campaign(campaign_id="esp-other", name="Spring savings", external_ids=())
    touches = was_sent(world.store, world.persons["dan"], other)
    assert [t.event for t in touches] == ["sent", "bounce"]
    assert "did not get it (it bounced)" in received_sentence(other, touches)
    assert was_sent(world.store, world.persons["carol"], other) == []
    world.store.close()


def test_more_events_than_a_page(tmp_path: Path) -> None:
    world = World(open_store(tmp_path / "many.db"))
    world.customer("carol", "4155550101", "carol@example.com")
    for i in range(PAGE_SIZE + 20):
        world.send("carol@example.com", NOW - timedelta(minutes=i), "esp-991" if i % 2 else "esp-x", "open")
    world.load()
    touches = was_sent(world.store, world.persons["carol"], call_now_campaign())
    assert len(touches) == (PAGE_SIZE + 20) // 2
    world.store.close()
