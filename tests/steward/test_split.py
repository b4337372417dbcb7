"""Split and unmerge: groups, judgements, moved timelines and the change feed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from identity_graph.errors import ConfigError, ConflictError, NotFound
from identity_graph.model import Verdict
from identity_graph.settings import StewardSettings
from identity_graph.steward.split import split_person, unmerge_record
from identity_graph.store import SQLiteStore, TimelineQuery
from tests.steward.conftest import NOW, call, cluster, contact, load


def _person_of_four(store: SQLiteStore) -> tuple[int, list[int]]:
    records = [contact(str(i), "Sam", "Lee", email=f"s{i}@example.com") for i in range(4)]
    ids = load(store, records)
    load(store, [], [call(f"call{i}", records[i], NOW - timedelta(hours=i)) for i in range(4)])
    cluster(store, [ids])
    return store.assignments([ids[0]])[ids[0]], ids


def test_split_moves_records_and_their_timeline(store: SQLiteStore) -> None:
    person, ids = _person_of_four(store)
    before = store.events()[-1].id
    result = split_person(store, person, [[ids[2], ids[3]]], "ann", StewardSettings(), reason="two people")
    assert result.groups == [ids[:2], ids[2:]]
    assert result.persons[0] == person and result.persons[1] != person
    new = result.persons[1]
    _, total_old = store.timeline(person, TimelineQuery())
    items, total_new = store.timeline(new, TimelineQuery())
    assert (total_old, total_new) == (2, 2)
    assert {i.record_id for i in items} == {ids[2], ids[3]}
    events = store.events(since_id=before)
    assert {e.type for e in events} == {"person.split", "record.detached", "record.attached"}
    assert all(e.cause == "steward:ann" for e in events)
    split = next(e for e in events if e.type == "person.split")
    assert (split.person_id, split.other_person_id) == (new, person)


def test_split_records_negative_across_and_positive_within(store: SQLiteStore) -> None:
    person, ids = _person_of_four(store)
    result = split_person(store, person, [[ids[0], ids[1]], [ids[2], ids[3]]], "ann", StewardSettings())
    verdicts = {(j.left, j.right): j.verdict for j in store.judgements(ids)}
    cross = {(a, b) for a in ids[:2] for b in ids[2:]}
    assert {p for p, v in verdicts.items() if v == Verdict.DIFFERENT} == cross
    assert {p for p, v in verdicts.items() if v == Verdict.SAME} == {(ids[0], ids[1]), (ids[2], ids[3])}
    assert (result.different, result.same) == (4, 2)
    assert all(j.by == "ann" for j in store.judgements(ids))


def test_split_beyond_the_pairwise_limit_keeps_linked_and_representative_pairs(store: SQLiteStore) -> None:
    person, ids = _person_of_four(store)
    split_person(store, person, [[ids[0], ids[1]]], "ann", StewardSettings(split_pairwise_limit=1))
    different = {(j.left, j.right) for j in store.judgements(ids) if j.verdict == Verdict.DIFFERENT}
    assert different == {(ids[0], ids[2])}  # no edges stored, so only the representatives


def test_split_supersedes_an_earlier_same(store: SQLiteStore) -> None:
    person, ids = _person_of_four(store)
    from identity_graph.steward.decisions import record_judgement

    record_judgement(store, ids[0], ids[3], Verdict.SAME, "bob")
    split_person(store, person, [[ids[3]]], "ann", StewardSettings())
    history = [j for j in store.judgements([ids[0]], active_only=False) if (j.left, j.right) == (ids[0], ids[3])]
    assert [j.verdict for j in history] == [Verdict.SAME, Verdict.DIFFERENT]
    assert history[0].superseded_at is not None and history[1].superseded_at is None


def test_split_refuses_bad_groups(store: SQLiteStore) -> None:
    person, ids = _person_of_four(store)
    (outsider,) = load(store, [contact("x", "Al", "Ng")])
    with pytest.raises(ConflictError):
        split_person(store, person, [[outsider]], "ann", StewardSettings())
    with pytest.raises(ConfigError):
        split_person(store, person, [ids], "ann", StewardSettings())
    with pytest.raises(ConfigError):
        split_person(store, person, [[ids[0]], [ids[0], ids[1]]], "ann", StewardSettings())
    with pytest.raises(NotFound):
        split_person(store, 999, [[ids[0]]], "ann", StewardSettings())


def test_unmerge_takes_one_record_and_its_calls_out(store: SQLiteStore) -> None:
    person, ids = _person_of_four(store)
    result = unmerge_record(store, ids[1], "ann", StewardSettings())
    lone = store.assignments([ids[1]])[ids[1]]
    assert lone != person and store.person_record_ids([lone])[lone] == [ids[1]]
    items, _ = store.timeline(lone, TimelineQuery())
    assert [i.record_id for i in items] == [ids[1]]
    different = {(j.left, j.right) for j in store.judgements([ids[1]]) if j.verdict == Verdict.DIFFERENT}
    assert different == {tuple(sorted((ids[1], r))) for r in ids if r != ids[1]}
    assert result.old_person == person
    with pytest.raises(ConflictError):
        unmerge_record(store, ids[1], "ann", StewardSettings())
