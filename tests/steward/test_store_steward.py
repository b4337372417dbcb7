"""The store methods the steward's workflow adds: guard reports, activity, person sizes, the feed's end."""

from __future__ import annotations

from datetime import timedelta

from identity_graph.model import MatchStatus
from identity_graph.store import SQLiteStore
from tests.steward.conftest import NOW, call, cluster, contact, edge, load


def test_guard_reports_round_trip_and_resolve(store: SQLiteStore) -> None:
    a, b, c = load(store, [contact("1", "A", "X"), contact("2", "B", "X"), contact("3", "C", "X")])
    first, second = store.add_guard_reports([([a, b, c], "dob conflict"), ([b, c], "name conflict")])
    assert [g.record_ids for g in store.guard_reports()] == [(a, b, c), (b, c)]
    store.resolve_guard_reports([first])
    assert [g.id for g in store.guard_reports()] == [second]
    every = store.guard_reports(open_only=False)
    assert len(every) == 2 and every[0].resolved_at is not None and every[0].reason == "dob conflict"


def test_activity_and_person_stats(store: SQLiteStore) -> None:
    recs = [contact("1", "A", "X"), contact("2", "B", "X"), contact("3", "C", "X")]
    a, b, c = load(store, recs)
    load(store, [], [call("k1", recs[0], NOW), call("k2", recs[0], NOW - timedelta(days=1)), call("k3", recs[1], NOW)])
    assert store.last_event_id() == 0
    cluster(store, [[a, b], [c]])
    assert store.last_event_id() == max(e.id for e in store.events())
    activity = store.record_activity([a, b, c])
    assert [activity[r].interactions for r in (a, b, c)] == [2, 1, 0]
    assert activity[a].last_active == NOW and activity[c].last_active is None  # the newest call counts
    persons = store.assignments([a, c])
    stats = store.person_stats([persons[a], persons[c]])
    assert (stats[persons[a]].records, stats[persons[a]].interactions) == (2, 3)
    assert (stats[persons[c]].records, stats[persons[c]].interactions) == (1, 0)


def test_edge_pairs_lists_pairs_and_scores_of_some_statuses(store: SQLiteStore) -> None:
    a, b, c = load(store, [contact("1", "A", "X"), contact("2", "B", "X"), contact("3", "C", "X")])
    store.replace_edges([edge(a, b, MatchStatus.REVIEW, 0.7), edge(b, c, MatchStatus.AUTO, 0.99)])
    assert store.edge_pairs([MatchStatus.REVIEW]) == [(a, b, 0.7)]
    assert store.edge_pairs([MatchStatus.AUTO, MatchStatus.REVIEW]) == [(a, b, 0.7), (b, c, 0.99)]
    assert store.edge_pairs([MatchStatus.REJECTED]) == []
