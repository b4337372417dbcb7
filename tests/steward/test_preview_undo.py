"""A decision's preview equals what saving it does; every decision and split can be undone exactly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from identity_graph.errors import ConflictError
from identity_graph.model import MatchStatus, Verdict
from identity_graph.settings import Settings
from identity_graph.steward.actions import action_for, decide_pair, preview_undo, split_action, undo_action
from identity_graph.steward.decisions import record_judgement
from identity_graph.steward.effect import ScopeTooLarge
from identity_graph.steward.preview import NEW_PERSON, preview_decision, preview_split
from identity_graph.steward.quality import estimate_precision
from identity_graph.steward.split import complete_groups
from identity_graph.store import SQLiteStore
from tests.steward.conftest import NOW, call, cluster, contact, edge, load


@dataclass
class Chain:
    """Person P (a1, a2) and person Q (b1, b2, b3), where a2 may never join b2 or b3: joining a1 and b1 pulls b1
    into P and splits b2 and b3 off Q (the reported case: one approval, a merge and a split)."""

    a1: int
    a2: int
    b1: int
    b2: int
    b3: int
    other: int


@pytest.fixture
def chain(store: SQLiteStore) -> Chain:
    """The chain loaded, linked, clustered, with the two earlier 'different' decisions."""
    recs = [
        contact("a1", "Ana", "Lima", email="ana@example.com"),
        contact("a2", "Ana", "Lima", phone="+14155550100"),
        contact("b1", "Ana", "Lima", email="ana@example.com"),
        contact("b2", "Ana", "Lima", phone="+14155550199"),
        contact("b3", "Anna", "Lima", phone="+14155550177"),
        contact("c1", "Bob", "Stone"),
    ]
    calls = [call("k1", recs[3], NOW), call("k2", recs[3], NOW), call("k3", recs[4], NOW)]
    a1, a2, b1, b2, b3, c1 = load(store, recs, calls)
    store.replace_edges(
        [
            edge(a1, a2, MatchStatus.AUTO, 0.99),
            edge(b1, b2, MatchStatus.AUTO, 0.95),
            edge(b1, b3, MatchStatus.AUTO, 0.95),
            edge(a1, b1, MatchStatus.REVIEW, 0.7),
        ]
    )
    cluster(store, [[a1, a2], [b1, b2, b3], [c1]])
    record_judgement(store, a2, b2, Verdict.DIFFERENT, "earlier")
    record_judgement(store, a2, b3, Verdict.DIFFERENT, "earlier")
    return Chain(a1, a2, b1, b2, b3, c1)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings."""
    return Settings(db=tmp_path / "steward.db")


def _same_up_to_new_ids(planned: dict[int, int], actual: dict[int, int]) -> bool:
    """Whether a preview's memberships equal the saved ones once each placeholder is read as one new person."""
    mapping: dict[int, int] = {}
    for record, person in planned.items():
        if person <= NEW_PERSON:
            person = mapping.setdefault(person, actual[record])
        if actual.get(record) != person:
            return False
    return len(set(mapping.values())) == len(mapping) and set(planned) == set(actual)


def test_the_preview_names_the_split_and_equals_what_saving_does(
    store: SQLiteStore, chain: Chain, settings: Settings
) -> None:
    p, q = store.assignments([chain.a1, chain.b1]).values()
    preview = preview_decision(store, settings, chain.a1, chain.b1, Verdict.SAME)
    also = preview.also([chain.a1, chain.b1], [p, q])
    assert any("off into a new person" in line and f"Record {chain.b2}" in line for line in also), also
    assert any("2 interactions" in line for line in preview.lines()), preview.lines()
    done = decide_pair(store, settings, chain.a1, chain.b1, Verdict.SAME, "sam")
    assert _same_up_to_new_ids(preview.after, done.effect.after)
    assert _same_up_to_new_ids(preview.after, store.assignments(sorted(preview.after)))
    assert preview.before == done.effect.before


def test_a_preview_saves_nothing(store: SQLiteStore, chain: Chain, settings: Settings) -> None:
    before = (store.assignments(), store.last_event_id(), len(store.judgements(None, active_only=False)))
    for verdict in Verdict:
        preview_decision(store, settings, chain.a1, chain.b1, verdict)
    assert (store.assignments(), store.last_event_id(), len(store.judgements(None, active_only=False))) == before


def test_undo_of_a_decision_restores_every_membership_and_the_persons_ids(
    store: SQLiteStore, chain: Chain, settings: Settings
) -> None:
    everything = store.assignments()
    q = everything[chain.b1]
    done = decide_pair(store, settings, chain.a1, chain.b1, Verdict.SAME, "sam")
    assert store.assignments() != everything
    action = action_for(store, judgement_id=done.judgement.id)
    assert any("comes back" in line for line in preview_undo(store, action).lines())
    undone = undo_action(store, action, "sam")
    assert store.assignments() == everything  # every record, every person id, as before
    assert store.resolve_person_id(q) == q  # the person that had been emptied lives again under its id
    assert undone.withdrawn == [done.judgement.id]
    assert all(j.id != done.judgement.id for j in store.judgements(None, active_only=True))
    with pytest.raises(ConflictError):
        undo_action(store, action_for(store, action_id=action.id), "sam")


def test_undo_brings_back_the_decision_it_superseded(store: SQLiteStore, chain: Chain, settings: Settings) -> None:
    first = decide_pair(store, settings, chain.a1, chain.b1, Verdict.UNSURE, "sam")
    second = decide_pair(store, settings, chain.a1, chain.b1, Verdict.DIFFERENT, "kim")
    undo_action(store, action_for(store, action_id=second.action_id), "kim")
    active = [j for j in store.judgements([chain.a1], active_only=True) if j.right == max(chain.a1, chain.b1)]
    assert [j.id for j in active] == [first.judgement.id]


def test_undo_is_refused_when_a_later_change_moved_the_records(
    store: SQLiteStore, chain: Chain, settings: Settings
) -> None:
    first = decide_pair(store, settings, chain.a1, chain.b1, Verdict.SAME, "sam")
    decide_pair(store, settings, chain.a1, chain.b1, Verdict.DIFFERENT, "kim")
    with pytest.raises(ConflictError, match="changed since"):
        undo_action(store, action_for(store, action_id=first.action_id), "sam")


def test_undo_of_a_split_restores_the_person_and_its_decisions_stop_counting(
    store: SQLiteStore, chain: Chain, settings: Settings
) -> None:
    everything = store.assignments()
    q = everything[chain.b1]
    groups = complete_groups([chain.b1, chain.b2, chain.b3], [[chain.b3]])
    planned = preview_split(store, groups)
    result, action_id = split_action(store, settings, q, [[chain.b3]], "sam")
    assert _same_up_to_new_ids(planned.after, store.assignments([chain.b1, chain.b2, chain.b3]))
    assert store.assignments([chain.b3])[chain.b3] != q and result.different >= 1
    undone = undo_action(store, action_for(store, action_id=action_id), "sam")
    assert store.assignments() == everything
    assert set(undone.withdrawn) == set(result.judgement_ids)
    implied = set(result.judgement_ids)
    assert not implied & {j.id for j in store.judgements(None, active_only=True)}


def test_quality_counts_only_explicit_decisions(store: SQLiteStore, chain: Chain, settings: Settings) -> None:
    q = store.assignments([chain.b1])[chain.b1]
    split_action(store, settings, q, [[chain.b3]], "sam")  # implies 'different' on the auto link b1-b3
    after_split = estimate_precision(store, MatchStatus.AUTO, 0.95)
    assert (after_split.same, after_split.different, after_split.precision) == (0, 0, None)
    assert after_split.implied >= 1
    decide_pair(store, settings, chain.a1, chain.a2, Verdict.SAME, "sam")
    explicit = estimate_precision(store, MatchStatus.AUTO, 0.95)
    assert (explicit.same, explicit.different, explicit.precision) == (1, 0, 1.0)


def test_undo_of_a_decision_on_records_without_a_person_keeps_the_one_they_got(
    store: SQLiteStore, settings: Settings
) -> None:
    a, b = load(store, [contact("n1", "Nia", "Roe"), contact("n2", "Nia", "Roe")])
    done = decide_pair(store, settings, a, b, Verdict.SAME, "sam")
    person = store.assignments([a])[a]
    assert store.assignments([b])[b] == person
    undo_action(store, action_for(store, action_id=done.action_id), "sam")
    assert store.assignments([a, b]) == {a: person, b: person}  # the store cannot unassign; the person stays live
    assert store.resolve_person_id(person) == person and store.judgements([a]) == []


def test_a_scope_too_large_to_preview_is_refused_quickly_and_the_decision_still_saves(
    store: SQLiteStore, chain: Chain, settings: Settings
) -> None:
    with pytest.raises(ScopeTooLarge, match="more than 3 records"):
        preview_decision(store, settings, chain.a1, chain.b1, Verdict.SAME, limit=3)
    done = decide_pair(store, settings, chain.a1, chain.b1, Verdict.SAME, "sam")
    assert done.effect.changed


def test_new_persons_of_a_preview_are_lettered_so_one_reads_as_one() -> None:
    from identity_graph.steward.preview import NEW_PERSON, new_letter

    letters = [new_letter(NEW_PERSON - i) for i in range(60)]
    assert letters[:3] == ["A", "B", "C"] and letters[25:28] == ["Z", "AA", "AB"]
    assert len(set(letters)) == len(letters)  # two new persons never share a name
