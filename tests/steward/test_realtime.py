"""Real-time resolution: the same persons as a batch run, and no merge against a steward's decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from identity_graph.model import Record, Verdict
from identity_graph.resolve import resolve_all
from identity_graph.resolve.training import META_KEY
from identity_graph.settings import MatchingSettings, Settings
from identity_graph.steward.decisions import record_judgement, steward_cause
from identity_graph.steward.effect import take_effect
from identity_graph.steward.realtime import add_interaction, add_record
from identity_graph.store import SQLiteStore, open_store
from tests.steward.conftest import NOW, call, load
from tests.steward.people import person_records, population

LATE_PEOPLE = 15  # people from this index on arrive only in real time


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings with a model trained once on the whole population, so both paths score alike."""
    folder = tmp_path_factory.mktemp("rt-model")
    store = open_store(folder / "train.db")
    load(store, population())
    resolve_all(store, Settings())
    path = folder / "model.json"
    path.write_text(store.get_meta(META_KEY) or "", encoding="utf-8")
    store.close()
    return Settings(matching=MatchingSettings(model_path=path))


def _late(record: Record) -> bool:
    """Records that arrive one at a time: every call party, and everything of the last people."""
    return record.source == "pbx" or int(record.source_id[1:]) >= LATE_PEOPLE


def partition(store: SQLiteStore) -> set[frozenset[tuple[str, str]]]:
    """Persons as sets of natural keys (ids differ between stores)."""
    groups: dict[int, set[tuple[str, str]]] = {}
    records = {r.id: r for batch in store.iter_records() for r in batch}
    for record_id, person in store.assignments().items():
        groups.setdefault(person, set()).add((records[record_id].source, records[record_id].source_id))
    return {frozenset(g) for g in groups.values()}


def test_batch_and_realtime_give_the_same_persons(tmp_path: Path, settings: Settings) -> None:
    records = population()
    batch = open_store(tmp_path / "batch.db")
    load(batch, records)
    resolve_all(batch, settings)

    live = open_store(tmp_path / "live.db")
    load(live, [r for r in records if not _late(r)])
    resolve_all(live, settings)
    outcomes = [add_record(live, r, settings) for r in records if _late(r)]
    assert {o.action for o in outcomes} >= {"attached", "created"}
    assert partition(live) == partition(batch)
    assert len(partition(live)) == 20
    batch.close()
    live.close()


def test_realtime_add_says_what_happened(store: SQLiteStore, settings: Settings) -> None:
    c, h, p = person_records(2)
    load(store, [c, h])
    resolve_all(store, settings)
    person = store.assignments()[store.find_record("crm", "c2").id]  # type: ignore[union-attr]
    outcome = add_record(store, p, settings)
    assert (outcome.action, outcome.person_id) == ("attached", person)
    assert outcome.links and outcome.links[0].explanation
    assert f"attached to person {person}" in outcome.describe()
    again = add_record(store, p, settings)
    assert again.action == "unchanged" and again.person_id == person
    acted = add_interaction(store, call("k1", p, NOW), settings)
    assert acted.persons == {outcome.record_id: person}


def test_realtime_add_cannot_merge_against_a_different_judgement(store: SQLiteStore, settings: Settings) -> None:
    c4, h4, _ = person_records(4)
    load(store, [c4, h4])
    resolve_all(store, settings)
    ids = [store.find_record(r.source, r.source_id) for r in (c4, h4)]
    a, b = (r.id for r in ids if r is not None)
    record_judgement(store, a, b, Verdict.DIFFERENT, "ann")
    take_effect(store, [a, b], settings, steward_cause("ann"))
    assert store.assignments([a])[a] != store.assignments([b])[b]
    bridge = c4.model_copy(update={"source": "web", "source_id": "w4"})  # holds the email and the phone
    add_record(store, bridge, settings)
    assert store.assignments([a])[a] != store.assignments([b])[b]
    resolve_all(store, settings)
    assert store.assignments([a])[a] != store.assignments([b])[b]
