"""Decisions take effect at once and survive every later batch run; a split keeps its groups."""

from __future__ import annotations

from pathlib import Path

import pytest

from identity_graph.model import IdentifierClaim, IdentifierKind, Record, RecordKind, Verdict
from identity_graph.resolve import resolve_all
from identity_graph.resolve.training import META_KEY
from identity_graph.settings import MatchingSettings, Settings
from identity_graph.steward.decisions import record_judgement, steward_cause
from identity_graph.steward.effect import take_effect
from identity_graph.steward.split import split_person
from identity_graph.store import SQLiteStore, TimelineQuery, open_store
from tests.steward.conftest import NOW, call, contact, load
from tests.steward.people import person_records, population


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A match model trained once on the population (EM), saved as JSON, so each test skips training."""
    folder = tmp_path_factory.mktemp("model")
    store = open_store(folder / "train.db")
    load(store, population())
    resolve_all(store, Settings())
    path = folder / "model.json"
    path.write_text(store.get_meta(META_KEY) or "", encoding="utf-8")
    store.close()
    return path


@pytest.fixture
def settings(model_file: Path) -> Settings:
    """Settings that use the trained model."""
    return Settings(matching=MatchingSettings(model_path=model_file))


@pytest.fixture
def resolved(store: SQLiteStore, settings: Settings) -> SQLiteStore:
    """The population loaded (with a call per pbx record) and resolved once."""
    records = population()
    load(store, records, [call(f"k{i}", r, NOW) for i, r in enumerate(records) if r.source == "pbx"])
    resolve_all(store, settings)
    return store


def _ids(store: SQLiteStore, *refs: str) -> list[int]:
    source = {"c": "crm", "h": "hubspot", "p": "pbx"}
    found = [store.find_record(source[r[0]], r) for r in refs]
    return [f.id for f in found if f is not None]


def _ids_of(store: SQLiteStore, *keys: tuple[str, str]) -> list[int]:
    found = [store.find_record(source, source_id) for source, source_id in keys]
    return [f.id for f in found if f is not None]


def _person(store: SQLiteStore, record_id: int) -> int:
    return store.assignments([record_id])[record_id]


def test_population_resolves_to_its_people(resolved: SQLiteStore, settings: Settings) -> None:
    c0, h0, p0 = _ids(resolved, "c0", "h0", "p0")
    assert _person(resolved, c0) == _person(resolved, h0) == _person(resolved, p0)
    assert len(set(resolved.assignments().values())) == 20


def test_different_takes_effect_now_and_survives_resolve(resolved: SQLiteStore, settings: Settings) -> None:
    c0, h0, p0 = _ids(resolved, "c0", "h0", "p0")
    old = _person(resolved, c0)
    record_judgement(resolved, c0, p0, Verdict.DIFFERENT, "ann", reason="caller is the son")
    outcome = take_effect(resolved, [c0, p0], settings, steward_cause("ann"))
    assert outcome.after[c0] == old != outcome.after[p0]
    assert outcome.counts()["person.split"] == 1
    assert all(e.cause == "steward:ann" for e in outcome.events)
    items, _ = resolved.timeline(outcome.after[p0], TimelineQuery())
    assert [i.record_id for i in items] == [p0]  # the call moved with its record
    for retrain in (False, True):  # a plain rerun, then one that trains a fresh model by EM
        resolve_all(resolved, settings, retrain=retrain)
        assert _person(resolved, c0) == _person(resolved, h0) == old
        assert _person(resolved, p0) != old


def test_different_decided_before_any_run_blocks_the_merge(store: SQLiteStore, settings: Settings) -> None:
    load(store, population())
    c3, p3 = _ids(store, "c3", "p3")
    record_judgement(store, c3, p3, Verdict.DIFFERENT, "ann")
    resolve_all(store, settings)
    assert _person(store, c3) != _person(store, p3)
    (h3,) = _ids(store, "h3")
    # a later 'same' with a third record cannot bring the two together either
    record_judgement(store, h3, p3, Verdict.SAME, "bob")
    take_effect(store, [h3, p3], settings, steward_cause("bob"))
    assert _person(store, c3) != _person(store, p3)
    resolve_all(store, settings)
    assert _person(store, c3) != _person(store, p3) == _person(store, h3)


def test_same_merges_two_persons_and_survives_resolve(store: SQLiteStore, settings: Settings) -> None:
    crm = contact("q1", "Robert", "Quill", email="rquill@example.com", phone="+14155559001")
    social = Record(
        source="x",
        source_id="q2",
        kind=RecordKind.SOCIAL_ACCOUNT,
        identifiers=(IdentifierClaim(kind=IdentifierKind.HANDLE, raw="@bobq", field="handle"),),
    )
    load(store, [*population(), crm, social])
    resolve_all(store, settings)
    q1, q2 = _ids_of(store, ("crm", "q1"), ("x", "q2"))
    p1, p2 = _person(store, q1), _person(store, q2)
    assert p1 != p2
    record_judgement(store, q1, q2, Verdict.SAME, "ann", reason="he told us his handle on the phone")
    outcome = take_effect(store, [q1, q2], settings, steward_cause("ann"))
    merged = [e for e in outcome.events if e.type == "person.merged"]
    assert [(e.person_id, e.other_person_id, e.cause) for e in merged] == [(min(p1, p2), max(p1, p2), "steward:ann")]
    resolve_all(store, settings)
    assert _person(store, q1) == _person(store, q2) == min(p1, p2)


def test_split_groups_survive_resolve(resolved: SQLiteStore, settings: Settings) -> None:
    c5, h5, p5 = _ids(resolved, "c5", "h5", "p5")
    person = _person(resolved, c5)
    result = split_person(resolved, person, [[c5, p5], [h5]], "ann", settings.steward)
    assert result.persons[0] == person
    for _ in range(2):
        resolve_all(resolved, settings)
        assert _person(resolved, c5) == _person(resolved, p5) == person != _person(resolved, h5)


def test_unmerge_then_realtime_record_cannot_pull_it_back(resolved: SQLiteStore, settings: Settings) -> None:
    from identity_graph.steward.split import unmerge_record

    (c7, h7, p7) = _ids(resolved, "c7", "h7", "p7")
    unmerge_record(resolved, p7, "ann", settings.steward)
    assert _person(resolved, p7) != _person(resolved, c7) == _person(resolved, h7)
    load(resolved, [person_records(7)[0].model_copy(update={"source": "web", "source_id": "w7"})])
    resolve_all(resolved, settings)  # a record holding both the email and the phone
    assert _person(resolved, p7) != _person(resolved, c7)
