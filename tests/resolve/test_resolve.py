"""Batch and incremental resolution over a real SQLite store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from identity_graph.errors import ConfigError, NotFound
from identity_graph.model import Judgement, MatchStatus, Verdict
from identity_graph.prepare import prepare_record
from identity_graph.resolve import (
    META_KEY,
    explain_pair,
    load_model,
    resolve_all,
    resolve_records,
    train_from_judgements,
    train_from_labels,
)
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from tests.resolve.conftest import call, fixed_model, load, person, together
from tests.resolve.population import population

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def partition(store: SQLiteStore) -> set[frozenset[tuple[str, str]]]:
    """The clustering as a set of groups of natural keys (independent of ids)."""
    keys = {r.id: (r.source, r.source_id) for batch in store.iter_records() for r in batch}
    groups: dict[int, set[tuple[str, str]]] = {}
    for record_id, person_id in store.assignments().items():
        groups.setdefault(person_id, set()).add(keys[record_id])
    return {frozenset(g) for g in groups.values()}


def truth_partition(truth: dict[tuple[str, str], int]) -> set[frozenset[tuple[str, str]]]:
    """The true clustering."""
    groups: dict[int, set[tuple[str, str]]] = {}
    for key, p in truth.items():
        groups.setdefault(p, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def test_every_record_gets_a_person_and_channels_link(store: SQLiteStore, settings: Settings) -> None:
    records, truth = population(12)
    load(store, records, settings)
    summary = resolve_all(store, settings)
    assert summary.records == len(records)
    assert len(store.assignments()) == len(records)
    assert partition(store) == truth_partition(truth)
    assert summary.edges_auto > 0
    assert store.counts()["persons"] == 12


def test_person_ids_are_stable_across_reruns(store: SQLiteStore, settings: Settings) -> None:
    records, _ = population(10)
    load(store, records, settings)
    resolve_all(store, settings)
    before = store.assignments()
    summary = resolve_all(store, settings)
    assert store.assignments() == before
    assert summary.moved_records == 0 and summary.created == 0
    extra = call("late-call", "(415) 555-1003", "TANAKA MARGARET")
    store.upsert_batch([prepare_record(extra, "US")])
    resolve_all(store, settings)
    after = store.assignments()
    assert all(after[r] == p for r, p in before.items())


def test_a_different_judgement_blocks_the_merge_in_batch_and_incremental(
    store: SQLiteStore, settings: Settings
) -> None:
    a, b = load(
        store,
        [
            person("a", "Bob", "Quintero", phones=["(702) 555-0167"], city="Reno"),
            person("b", "Robert", "Quintero", phones=["(702) 555-0167"], city="Reno"),
        ],
        settings,
    )
    resolve_all(store, settings)
    assert together(store, a, b)
    store.add_judgement(Judgement(left=a, right=b, verdict=Verdict.DIFFERENT, by="steward", at=NOW))
    resolve_all(store, settings)
    assert not together(store, a, b)
    third = call("c9", "(702) 555-0167", "QUINTERO ROBERT")
    store.upsert_batch([prepare_record(third, "US")])
    found = store.find_record("calls", "c9")
    assert found is not None
    resolve_records(store, [found.id], settings, cause="test")
    assert not together(store, a, b)
    assert together(store, a, found.id) or together(store, b, found.id)


def test_a_same_judgement_is_never_split_by_a_score(store: SQLiteStore, settings: Settings) -> None:
    a, b = load(store, [person("a", "Ann", "Lee", city="Oslo"), person("b", "Mark", "Ortiz", city="Lima")], settings)
    store.add_judgement(Judgement(left=a, right=b, verdict=Verdict.SAME, by="steward", at=NOW))
    resolve_all(store, settings)
    assert together(store, a, b)
    resolve_records(store, [a], settings, cause="test")
    assert together(store, a, b)


def test_batch_and_incremental_give_the_same_clustering(tmp_path, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    records, _ = population(16, seed=3)
    batch = open_store(tmp_path / "batch.db")
    incremental = open_store(tmp_path / "incremental.db")
    try:
        load(batch, records, settings)
        resolve_all(batch, settings)
        half = len(records) // 2
        load(incremental, records[:half], settings)
        resolve_all(incremental, settings)
        for r in records[half:]:
            incremental.upsert_batch([prepare_record(r, "US")])
            found = incremental.find_record(r.source, r.source_id)
            assert found is not None
            resolve_records(incremental, [found.id], settings, cause="realtime")
        assert partition(incremental) == partition(batch)
        assert len(incremental.assignments()) == len(records)
    finally:
        batch.close()
        incremental.close()


def test_explain_pair_says_why(store: SQLiteStore, settings: Settings) -> None:
    a, b = load(
        store,
        [
            person("a", "Robert", "Okafor", phones=["(415) 555-0134"]),
            call("c1", "(415) 555-0134", "OKAFOR BOB"),
        ],
        settings,
    )
    resolve_all(store, settings)
    ex = explain_pair(store, a, b, settings)
    assert ex.status == "auto"
    assert ex.score >= settings.matching.auto_link
    levels = {e.comparison: e.level for e in ex.evidence}
    assert levels["phone"] == "personal"
    assert levels["first_name"] == "nickname"
    assert "phone +1 415-555-0134 matches" in ex.sentence
    assert "first name Robert ~ Bob (nickname)" in ex.sentence
    assert "dob" in ex.unknown
    assert ex.stored is not None and ex.stored.status is MatchStatus.AUTO
    assert ex.stored.explanation
    with pytest.raises(NotFound):
        explain_pair(store, a, 999_999, settings)


def test_explain_needs_a_model(store: SQLiteStore, settings: Settings) -> None:
    a, b = load(store, [person("a", "Ann", "Lee"), person("b", "Ann", "Lee")], settings, model=False)
    with pytest.raises(ConfigError, match="no trained match model"):
        explain_pair(store, a, b, settings)


def test_em_training_when_no_model_is_saved(store: SQLiteStore, settings: Settings) -> None:
    records, truth = population(40, seed=11)
    load(store, records, settings, model=False)
    summary = resolve_all(store, settings)
    assert summary.trained
    model = load_model(store, settings.matching)
    assert model is not None and model.trained_by == "em"
    first = next(c for c in model.comparisons if c.name == "first_name")
    assert first.levels[0].m > first.levels[0].u
    assert store.get_meta(META_KEY) is not None
    got, want = partition(store), truth_partition(truth)
    assert len(got & want) >= 0.9 * len(want)


def test_labels_retrain_m(store: SQLiteStore, settings: Settings) -> None:
    a, b, c = load(
        store,
        [
            person("a", "Ann", "Lee", phones=["(415) 555-0101"]),
            person("b", "Ann", "Lee", phones=["(415) 555-0101"]),
            person("c", "Ann", "Leigh", phones=["(415) 555-0199"]),
        ],
        settings,
    )
    before = fixed_model(settings)
    updated = train_from_labels(store, [(a, b, True), (a, c, False)], settings)
    assert updated.trained_by == "labels"
    k = [x.name for x in before.comparisons].index("phone")
    assert updated.comparisons[k].levels[0].m > before.comparisons[k].levels[0].m
    store.add_judgement(Judgement(left=a, right=b, verdict=Verdict.SAME, by="steward", at=NOW))
    assert train_from_judgements(store, settings).trained_by == "labels"
    with pytest.raises(ConfigError, match="no 'same person' labels"):
        train_from_labels(store, [(a, c, False)], settings)
