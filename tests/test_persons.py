"""Stable person ids and the change feed when a clustering is applied."""

from __future__ import annotations

import pytest

from identity_graph.errors import StoreError
from identity_graph.persons import apply_clustering
from identity_graph.store import SQLiteStore
from tests.factories import prepared, record


@pytest.fixture
def six(store: SQLiteStore) -> SQLiteStore:
    """A store with six records and no persons yet."""
    store.upsert_batch([prepared(record(str(i), "A", "B")) for i in range(1, 7)])
    return store


def _types(store: SQLiteStore, since: int = 0) -> list[str]:
    return [e.type for e in store.events(since_id=since)]


def test_first_clustering_creates_persons_and_attaches_records(six: SQLiteStore) -> None:
    changes = apply_clustering(six, [[1, 2], [3], [4, 5, 6]], cause="resolve")
    assert changes.created == 3 and changes.moved_records == 6
    a = six.assignments()
    assert a[1] == a[2] and a[4] == a[5] == a[6] and len(set(a.values())) == 3
    assert _types(six).count("person.created") == 3 and _types(six).count("record.attached") == 6
    assert {e.cause for e in six.events()} == {"resolve"}


def test_rerun_with_same_clusters_changes_nothing(six: SQLiteStore) -> None:
    apply_clustering(six, [[1, 2], [3], [4, 5, 6]], cause="resolve")
    before, last = six.assignments(), six.events()[-1].id
    changes = apply_clustering(six, [[1, 2], [3], [4, 5, 6]], cause="resolve")
    assert changes.moved_records == 0 and six.assignments() == before and _types(six, last) == []


def test_merge_keeps_the_older_id(six: SQLiteStore) -> None:
    apply_clustering(six, [[1, 2], [3], [4, 5, 6]], cause="resolve")
    old = six.assignments()
    last = six.events()[-1].id
    changes = apply_clustering(six, [[1, 2, 3], [4, 5, 6]], cause="resolve")
    new = six.assignments()
    assert changes.merged == 1
    assert new[3] == new[1] == min(old[1], old[3])
    assert six.resolve_person_id(old[3]) == old[1]
    assert _types(six, last) == ["person.merged", "record.detached", "record.attached"]


def test_split_gives_the_leaving_part_a_new_id(six: SQLiteStore) -> None:
    apply_clustering(six, [[1, 2], [3], [4, 5, 6]], cause="resolve")
    old = six.assignments()
    last = six.events()[-1].id
    changes = apply_clustering(six, [[4, 5], [6]], cause="steward:ann")
    new = six.assignments()
    assert changes.split == 1 and new[4] == new[5] == old[4] and new[6] not in set(old.values())
    events = six.events(since_id=last)
    split = [e for e in events if e.type == "person.split"]
    assert len(split) == 1 and split[0].other_person_id == old[4] and split[0].cause == "steward:ann"


def test_even_split_keeps_id_on_the_part_with_the_smallest_record(six: SQLiteStore) -> None:
    apply_clustering(six, [[1, 2, 3, 4]], cause="resolve")
    pid = six.assignments()[1]
    apply_clustering(six, [[3, 4], [1, 2]], cause="resolve")
    a = six.assignments()
    assert a[1] == a[2] == pid and a[3] == a[4] != pid


def test_scope_must_hold_every_record_of_its_persons(six: SQLiteStore) -> None:
    apply_clustering(six, [[1, 2, 3]], cause="resolve")
    with pytest.raises(StoreError, match="not closed"):
        apply_clustering(six, [[1, 2]], cause="resolve")
    with pytest.raises(StoreError, match="two clusters"):
        apply_clustering(six, [[4, 5], [5]], cause="resolve")
