"""The spike watch on the shipped sample, loaded the way `idgraph demo` loads it: the burst of calls on the
"call us now" line and the flash sale's flood are flagged where they start; the rewards mail, which nobody calls
about, is not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from identity_graph.campaigns.briefing import Briefing, build_briefing
from identity_graph.cli.demo_campaigns import read_demo_campaigns, register_registry
from identity_graph.generate import sample_dir
from identity_graph.generate.campaigns import FLASH, REWARDS, SAFETY, SUMMER
from identity_graph.ingest_manifest import load_manifest
from identity_graph.resolve import resolve_all
from identity_graph.settings import load_settings
from identity_graph.store import open_store


@pytest.fixture(scope="module")
def briefing(tmp_path_factory: pytest.TempPathFactory) -> Briefing:
    """The sample loaded, its registry registered, resolved; the briefing as of the sample's end."""
    db = tmp_path_factory.mktemp("sample") / "sample.db"
    settings = load_settings(sample_dir() / "idgraph.toml", db=db)
    store = open_store(db)
    try:
        load_manifest(store, sample_dir() / "manifest.toml", settings)
        extra = read_demo_campaigns(sample_dir() / "manifest.toml")
        assert extra.registry is not None and extra.as_of is not None
        assert register_registry(store, extra.registry, settings)[0].startswith("campaign registry: 4 added")
        resolve_all(store, settings)
        return build_briefing(store, extra.as_of, settings.matching.default_region)
    finally:
        store.close()


def test_the_call_us_now_burst_is_flagged_at_the_send(briefing: Briefing) -> None:
    """The wave starts in the hour of the send, from calls to its own line."""
    items = {i.campaign.campaign_id: i for i in briefing.items}
    safety = items[SAFETY.campaign_id].spikes
    assert safety is not None and safety.flagged
    assert SAFETY.sent_at is not None
    assert safety.waves[0].started_at == SAFETY.sent_at.replace(minute=0)
    assert set(safety.by_reason) == {"number"}


def test_the_flash_sale_flood_is_flagged_and_the_quiet_campaign_is_not(briefing: Briefing) -> None:
    """The one-hour sale floods the mailbox and X within its hour; the rewards mail has no wave; the summer sale
    is listed as starting soon, without a watch."""
    items = {i.campaign.campaign_id: i for i in briefing.items}
    flash = items[FLASH.campaign_id].spikes
    assert flash is not None and flash.flagged
    assert flash.waves[0].started_at == datetime(2025, 6, 30, 16, tzinfo=UTC)
    rewards = items[REWARDS.campaign_id]
    assert rewards.spikes is not None and not rewards.spikes.flagged and rewards.sent > 0
    assert items[SUMMER.campaign_id].status.value == "upcoming" and items[SUMMER.campaign_id].spikes is None
