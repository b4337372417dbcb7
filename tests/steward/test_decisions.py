"""Decisions: stored with who and when, superseded never overwritten, safe under concurrent stewards."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from identity_graph.errors import ConfigError, NotFound
from identity_graph.model import Verdict
from identity_graph.steward.decisions import pair_history, record_judgement
from identity_graph.store import SQLiteStore, open_store
from tests.steward.conftest import contact, load


def test_changed_mind_is_a_new_judgement(store: SQLiteStore) -> None:
    a, b = load(store, [contact("1", "Bob", "Stone"), contact("2", "Rob", "Stone")])
    first = record_judgement(store, b, a, Verdict.SAME, "ann", reason="same phone")
    second = record_judgement(store, a, b, Verdict.DIFFERENT, "ann", reason="different dob on the call")
    history = pair_history(store, a, b)
    assert [j.id for j in history] == [first.id, second.id]
    assert history[0].superseded_at is not None and history[1].superseded_at is None
    assert history[0].reason == "same phone" and history[1].by == "ann"
    assert [j.verdict for j in store.judgements([a])] == [Verdict.DIFFERENT]


def test_decision_checks_its_input(store: SQLiteStore) -> None:
    (a,) = load(store, [contact("1", "Bob", "Stone")])
    with pytest.raises(ConfigError):
        record_judgement(store, a, a, Verdict.SAME, "ann")
    with pytest.raises(NotFound):
        record_judgement(store, a, a + 100, Verdict.SAME, "ann")
    with pytest.raises(ConfigError):
        record_judgement(store, a, a + 100, Verdict.SAME, "  ")


def test_two_stewards_deciding_one_pair_at_once_keep_both(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    setup = open_store(path)
    a, b = load(setup, [contact("1", "Bob", "Stone"), contact("2", "Rob", "Stone")])
    setup.close()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def steward(name: str, verdict: Verdict) -> None:
        own = open_store(path)  # each steward has their own connection, as two CLI or web sessions do
        try:
            barrier.wait()
            for _ in range(20):
                record_judgement(own, a, b, verdict, name)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            own.close()

    threads = [
        threading.Thread(target=steward, args=("ann", Verdict.SAME)),
        threading.Thread(target=steward, args=("bob", Verdict.DIFFERENT)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    check = open_store(path)
    history = pair_history(check, a, b)
    assert len(history) == 40
    assert {j.by for j in history} == {"ann", "bob"}
    active = [j for j in history if j.superseded_at is None]
    assert len(active) == 1 and active[0].id == max(j.id or 0 for j in history)  # the later one wins
    check.close()
