"""The queue's page: names of both sides, the total, filters by kind, source and impact, pages; one kind and one
impact for a pair on the queue and on its own page."""

from __future__ import annotations

import pytest

from identity_graph.errors import InputError
from identity_graph.model import MatchStatus, Verdict
from identity_graph.settings import StewardSettings
from identity_graph.steward.decisions import record_judgement
from identity_graph.steward.queue import build_queue, item_for_pair
from identity_graph.steward.queue_page import QueueFilter, queue_page, queue_size
from identity_graph.store import SQLiteStore
from tests.steward.conftest import cluster, contact, edge, load

WEIGHTS = StewardSettings()


@pytest.fixture
def pairs(store: SQLiteStore) -> list[tuple[int, int]]:
    """Six review pairs: crm~crm for the first five, crm~hubspot for the last; one guard report on a seventh."""
    recs = [contact(f"c{i}", f"Name{i}", "Kowalski", email=f"n{i}@example.com") for i in range(12)]
    recs += [contact("h1", "Hubert", "Nowak", source="hubspot"), contact("h2", "Hubert", "Nowak")]
    ids = load(store, recs)
    pairs = [(ids[2 * i], ids[2 * i + 1]) for i in range(5)] + [(ids[12], ids[13])]
    store.replace_edges([edge(a, b, MatchStatus.REVIEW, 0.6 + i / 100) for i, (a, b) in enumerate(pairs)])
    cluster(store, [[r] for r in ids])
    store.add_guard_reports([((ids[10], ids[11]), "a 'different' decision stands between them")])
    return [*pairs, (ids[10], ids[11])]


def test_the_total_counts_every_item_and_pages_cover_them_once(
    store: SQLiteStore, pairs: list[tuple[int, int]]
) -> None:
    assert queue_size(store) == len(pairs) == len(build_queue(store, WEIGHTS))
    first = queue_page(store, WEIGHTS, limit=3)
    second = queue_page(store, WEIGHTS, offset=3, limit=3)
    third = queue_page(store, WEIGHTS, offset=6, limit=3)
    assert first.total == second.total == third.total == 7
    seen = [i.pair for page in (first, second, third) for i in page.items]
    assert sorted(seen) == sorted(pairs) and first.has_next and not third.has_next


def test_items_carry_both_names_and_sources(store: SQLiteStore, pairs: list[tuple[int, int]]) -> None:
    items = queue_page(store, WEIGHTS).items
    hub = next(i for i in items if i.pair == pairs[5])
    assert {hub.left_name, hub.right_name} == {"Hubert Nowak"}
    assert {hub.left_source.split("/")[0], hub.right_source.split("/")[0]} == {"crm", "hubspot"}


def test_filters_by_kind_source_and_impact(store: SQLiteStore, pairs: list[tuple[int, int]]) -> None:
    guards = queue_page(store, WEIGHTS, QueueFilter(kind="guard"))
    assert [i.pair for i in guards.items] == [pairs[6]] and guards.total == 1
    edges = queue_page(store, WEIGHTS, QueueFilter(kind="edge"))
    assert edges.total == 6
    hubspot = queue_page(store, WEIGHTS, QueueFilter(source="hubspot"))
    assert [i.pair for i in hubspot.items] == [pairs[5]]
    everything = build_queue(store, WEIGHTS)
    cut = sorted(i.impact for i in everything)[3]
    high = queue_page(store, WEIGHTS, QueueFilter(min_impact=cut))
    assert high.total == sum(1 for i in everything if i.impact >= cut) and all(i.impact >= cut for i in high.items)
    assert queue_page(store, WEIGHTS).sources == ["crm", "hubspot"]
    with pytest.raises(InputError):
        queue_page(store, WEIGHTS, QueueFilter(kind="chain"))


def test_a_decided_pair_leaves_the_total(store: SQLiteStore, pairs: list[tuple[int, int]]) -> None:
    record_judgement(store, *pairs[0], Verdict.DIFFERENT, "sam")
    assert queue_page(store, WEIGHTS).total == queue_size(store) == len(pairs) - 1


def test_a_pair_has_one_kind_and_one_impact_on_the_queue_and_on_its_page(
    store: SQLiteStore, pairs: list[tuple[int, int]]
) -> None:
    for item in build_queue(store, WEIGHTS):
        alone = item_for_pair(store, WEIGHTS, item.right, item.left)
        assert (alone.kind, alone.kind_label) == (item.kind, item.kind_label)
        assert round(alone.impact, 1) == round(item.impact, 1)
        assert alone.score == item.score
