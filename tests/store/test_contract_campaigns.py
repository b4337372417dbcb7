"""The campaign registry on every store: save (insert or replace), read one, list by start, delete, audit.

The same `gs` fixture as `test_contract.py`: the SQLite store always, the Neo4j store on a live Bolt
server (NEO4J_URI's Neo4j, else ArcadeDB's started for the run).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from identity_graph.campaigns.model import Campaign, CampaignChannel, FaqItem, Guidance
from identity_graph.store import GraphStore, open_store
from tests.store.test_contract import BACKENDS, _neo4j_store

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def gs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Each store implementation, fresh (as in test_contract.py)."""
    s = _neo4j_store(request) if request.param == "neo4j" else open_store(tmp_path / "contract.db")
    yield s
    s.close()


def _campaign(campaign_id: str, start: datetime = T0, **update: object) -> Campaign:
    """A full campaign (every field set) starting at `start`."""
    base = Campaign(
        campaign_id=campaign_id,
        name=f"Spring offer {campaign_id}",
        channel=CampaignChannel.EMAIL,
        owner="Marketing EMEA",
        starts_at=start,
        ends_at=start + timedelta(days=14),
        sending_domains=("mail.acmebank-offers.com",),
        link_domains=("acmebank.com",),
        sender_addresses=("offers@mail.acmebank-offers.com",),
        phone_numbers=("+14155550100",),
        dnis=("+18005550199",),
        short_links=("https://acme.ly/spring",),
        social_accounts=("x:acmebank",),
        post_urls=("https://x.com/acmebank/status/1",),
        offer_codes=("SPRING25",),
        subjects=("Your spring rate is here",),
        offer_text="25% off the first year's fee",
        guidance=Guidance(
            offer_is="A real offer to existing customers.",
            offer_is_not="Never asks for a PIN.",
            script="Yes, that mail is ours.",
            faq=(FaqItem(question="Is it real?", answer="Yes."),),
        ),
        external_ids=("701000000000001", "esp-4411"),
        registered_from="file:campaigns.toml",
    )
    return base.model_copy(update=update) if update else base


def test_a_saved_campaign_reads_back_exactly(gs: GraphStore) -> None:
    c = _campaign("spring-2026")
    gs.save_campaign(c, actor="marketing-ann")
    assert gs.campaign("spring-2026") == c
    assert gs.campaigns() == [c]
    assert gs.campaign("nope") is None


def test_an_open_ended_campaign_in_another_time_zone_reads_back(gs: GraphStore) -> None:
    start = datetime(2026, 3, 1, 11, 0, tzinfo=timezone(timedelta(hours=2)))
    c = Campaign(campaign_id="x1", name="Minimal", channel=CampaignChannel.SOCIAL, starts_at=start)
    gs.save_campaign(c, actor="cli")
    back = gs.campaign("x1")
    assert back == c and back is not None and back.ends_at is None and back.starts_at == start


def test_saving_again_replaces_and_never_duplicates(gs: GraphStore) -> None:
    gs.save_campaign(_campaign("a"), actor="cli")
    changed = _campaign("a", name="Renamed", dnis=("+18005550123",))
    gs.save_campaign(changed, actor="cli")
    gs.save_campaign(changed, actor="cli")
    assert gs.campaigns() == [changed]


def test_campaigns_are_listed_by_start_then_id(gs: GraphStore) -> None:
    # 10:00+02:00 is 08:00 UTC: before T0 (09:30 UTC) although its wall clock is later
    early = datetime(2026, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    for cid, start in [("c", T0), ("b", T0 + timedelta(days=3)), ("a", T0), ("z", early)]:
        gs.save_campaign(_campaign(cid, start), actor="cli")
    assert [c.campaign_id for c in gs.campaigns()] == ["z", "a", "c", "b"]


def test_delete_removes_one_and_says_whether_it_did(gs: GraphStore) -> None:
    gs.save_campaign(_campaign("a"), actor="cli")
    gs.save_campaign(_campaign("b"), actor="cli")
    assert gs.delete_campaign("a", actor="admin") is True
    assert gs.delete_campaign("a", actor="admin") is False
    assert gs.campaign("a") is None
    assert [c.campaign_id for c in gs.campaigns()] == ["b"]


def test_every_change_is_audited_with_its_actor(gs: GraphStore) -> None:
    gs.save_campaign(_campaign("a"), actor="marketing-ann")
    gs.save_campaign(_campaign("a", name="Again"), actor="admin-bo")
    gs.delete_campaign("a", actor="admin-bo")
    gs.delete_campaign("a", actor="admin-bo")  # nothing went: nothing audited
    entries = gs.audit_entries(target="campaign:a")
    assert [(e.actor, e.action, e.detail) for e in entries] == [
        ("admin-bo", "campaign.delete", ""),
        ("admin-bo", "campaign.save", "replaced"),
        ("marketing-ann", "campaign.save", "added"),
    ]


def test_a_save_inside_a_rolled_back_transaction_is_gone(gs: GraphStore) -> None:
    with pytest.raises(RuntimeError), gs.transaction():
        gs.save_campaign(_campaign("a"), actor="cli")
        assert gs.campaign("a") is not None  # reads inside see the write
        raise RuntimeError("stop")
    assert gs.campaigns() == []
    assert gs.audit_entries(target="campaign:a") == []
