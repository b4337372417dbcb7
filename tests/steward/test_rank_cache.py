"""The saved ranking of the review queue (steward/rank_cache.py) stays what ranking afresh gives, after decisions,
undos, new links and new activity; and it is reused rather than computed again when nothing it reads changed."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from identity_graph.model import MatchStatus, Verdict
from identity_graph.settings import Settings, StewardSettings
from identity_graph.steward.decisions import record_judgement
from identity_graph.steward.effect import take_effect
from identity_graph.steward.queue import ReviewItem, build_queue
from identity_graph.steward.rank_cache import HEAD_KEY, review_ranking, saved_at
from identity_graph.store import SQLiteStore
from tests.steward.conftest import NOW, call, cluster, contact, edge, load

TOP = 15


@pytest.fixture
def queued(store: SQLiteStore) -> list[int]:
    """60 records in 15 persons of three and 15 lone ones, calls on some, 150 review links, one guard report."""
    rng = random.Random(16)
    records = [contact(str(i), "Kim", f"Lee{i % 7}", email=f"k{i % 9}@example.com") for i in range(60)]
    ids = load(store, records)
    load(store, [], [call(f"c{i}", records[i], NOW - timedelta(days=i)) for i in range(0, 60, 3)])
    cluster(store, [ids[i : i + 3] for i in range(0, 45, 3)] + [[r] for r in ids[45:]])
    pairs = {tuple(sorted(rng.sample(ids, 2))) for _ in range(150)}
    store.replace_edges([edge(a, b, MatchStatus.REVIEW, 0.7) for a, b in pairs])
    store.add_guard_reports([([ids[0], ids[50]], "dates of birth differ")])
    return ids


def _shown(items: list[ReviewItem]) -> list[tuple[tuple[int, int], str, float]]:
    return [(i.pair, i.kind, i.impact) for i in items]


def _afresh(store: SQLiteStore) -> list[ReviewItem]:
    """The queue's first TOP items ranked from scratch (the path that keeps no ranking)."""
    return build_queue(store, StewardSettings(), now=NOW)[:TOP]


def _cached(store: SQLiteStore) -> list[ReviewItem]:
    return build_queue(store, StewardSettings(), limit=TOP, now=NOW)


def test_the_saved_ranking_is_the_fresh_one(store: SQLiteStore, queued: list[int]) -> None:
    assert store.get_meta(HEAD_KEY) is None
    assert _shown(_cached(store)) == _shown(_afresh(store))
    first = saved_at(store)
    assert first is not None
    assert _shown(_cached(store)) == _shown(_afresh(store))
    assert saved_at(store) == first  # read again, not computed again


def test_after_a_merge_decision_the_ranking_is_still_the_fresh_one(store: SQLiteStore, queued: list[int]) -> None:
    settings = Settings()
    _cached(store)
    first = saved_at(store)
    top = next(i for i in _cached(store) if i.kind == "edge" and i.left_person != i.right_person)
    record_judgement(store, *top.pair, Verdict.SAME, "ann")
    moved = take_effect(store, list(top.pair), settings, "steward")
    assert moved is not None
    after = _cached(store)
    assert top.pair not in [i.pair for i in after]
    assert _shown(after) == _shown(_afresh(store))
    assert saved_at(store) == first  # only the touched pairs were ranked again
    ranking = review_ranking(store, StewardSettings(), NOW)
    assert ranking is not None and ranking.inputs.last_event == store.last_event_id()


def test_a_different_decision_and_its_withdrawal(store: SQLiteStore, queued: list[int]) -> None:
    top = next(i for i in _cached(store) if i.kind == "edge")  # a guard report closed by a decision stays closed
    judgement = record_judgement(store, *top.pair, Verdict.DIFFERENT, "ann")
    assert top.pair not in [i.pair for i in _cached(store)]
    assert _shown(_cached(store)) == _shown(_afresh(store))
    assert judgement.id is not None
    store.withdraw_judgement(judgement.id)
    assert _shown(_cached(store)) == _shown(_afresh(store))
    assert top.pair in [i.pair for i in _cached(store)]


def test_new_links_and_new_activity_rank_only_what_they_touch(store: SQLiteStore, queued: list[int]) -> None:
    _cached(store)
    first = saved_at(store)
    store.replace_edges([edge(queued[1], queued[59], MatchStatus.REVIEW, 0.7)], record_ids=[queued[59]])
    assert _shown(_cached(store)) == _shown(_afresh(store))
    records = [contact("59", "Kim", "Lee3", email="k5@example.com")]
    load(store, [], [call(f"new{i}", records[0], NOW - timedelta(hours=i)) for i in range(40)])
    assert _shown(_cached(store)) == _shown(_afresh(store))
    new = load(store, [contact("new", "Kim", "Lee1", email="k1@example.com")])
    store.replace_edges([edge(queued[2], new[0], MatchStatus.REVIEW, 0.7)], record_ids=new)
    assert _shown(_cached(store)) == _shown(_afresh(store))
    assert saved_at(store) == first  # each change applied to the saved ranking


def test_links_gone_without_a_trace_rank_everything_again(store: SQLiteStore, queued: list[int]) -> None:
    _cached(store)
    first = saved_at(store)
    gone = [i for i in _cached(store) if i.kind == "edge"][3]
    store.replace_edges([], record_ids=[gone.left])  # no new link row tells which records lost theirs
    assert gone.pair not in [i.pair for i in _cached(store)]
    assert _shown(_cached(store)) == _shown(_afresh(store))
    assert saved_at(store) != first


def test_a_damaged_saved_ranking_is_computed_again(store: SQLiteStore, queued: list[int]) -> None:
    _cached(store)
    store.set_meta("steward.queue_ranking.data", "not base64 at all")
    assert _shown(_cached(store)) == _shown(_afresh(store))
    store.set_meta(HEAD_KEY, "{")
    assert _shown(_cached(store)) == _shown(_afresh(store))
