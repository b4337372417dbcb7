"""The GraphStore contract every store must pass: the embedded SQLite store, and the Neo4j store on a live Bolt
server (NEO4J_URI's Neo4j, else ArcadeDB's Bolt server started for the run: see tests/bolt.py)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from identity_graph.errors import SchemaError, StoreError
from identity_graph.model import (
    Channel,
    Evidence,
    Identifier,
    IdentifierKind,
    Judgement,
    MatchEdge,
    MatchStatus,
    Verdict,
)
from identity_graph.store import GraphStore, NewEvent, SQLiteStore, TimelineQuery, open_store
from identity_graph.store.schema import SCHEMA_VERSION
from tests.bolt import BoltTarget
from tests.factories import T0, interaction, prepared, record

BACKENDS = ["sqlite", "neo4j"]


def _neo4j_store(request: pytest.FixtureRequest) -> GraphStore:
    """The Neo4j store on this module's Bolt database, emptied: NEO4J_URI's server, else ArcadeDB's (conftest)."""
    target: BoltTarget = request.getfixturevalue("bolt_target")
    return target.open()


@pytest.fixture(params=BACKENDS)
def gs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Each store implementation, fresh."""
    s = _neo4j_store(request) if request.param == "neo4j" else open_store(tmp_path / "contract.db")
    yield s
    s.close()


def _load_two(gs: GraphStore) -> None:
    bob = record("1", "Bob", "Smith", phone="(415) 555-0134", email="Bob.Smith@gmail.com")
    rob = record("c1", full_name="SMITH ROBERT", source="calls", phone="4155550134")
    gs.upsert_batch(
        [prepared(bob), prepared(rob)],
        [interaction("c1", rob, at=T0), interaction("m1", bob, channel=Channel.EMAIL, at=T0 + timedelta(hours=1))],
    )


def test_store_implements_protocol(gs: GraphStore) -> None:
    assert isinstance(gs, GraphStore)


def test_loading_twice_changes_nothing(gs: GraphStore) -> None:
    _load_two(gs)
    before = gs.counts()
    again = gs.upsert_batch(
        [prepared(record("1", "Bob", "Smith", phone="(415) 555-0134", email="Bob.Smith@gmail.com"))]
    )
    assert again.records_unchanged == 1 and again.records_loaded == 0 and again.records_updated == 0
    assert gs.counts() == before


def _previous_versions(gs: GraphStore, record_id: int) -> list[str]:
    """The data of a record's kept versions (each store keeps them its own way)."""
    if isinstance(gs, SQLiteStore):
        sql = "SELECT data FROM item_versions WHERE item_kind = 'record' AND item_id = ?"
        return [r["data"] for r in gs.query(sql, (record_id,))]
    return [v["data"] for v in gs.item_versions("record", record_id)]  # type: ignore[attr-defined]


def test_changed_record_is_updated_and_previous_version_kept(gs: GraphStore) -> None:
    _load_two(gs)
    stats = gs.upsert_batch([prepared(record("1", "Bob", "Smith", phone="415 555 0199"))])
    assert stats.records_updated == 1
    rec = gs.find_record("crm", "1")
    assert rec is not None and rec.version == 2
    assert [c.identifier.value for c in rec.claimed] == ["+14155550199"]
    old = _previous_versions(gs, rec.id)
    assert len(old) == 1 and "+14155550134" in old[0]


def test_identifiers_are_shared_between_records(gs: GraphStore) -> None:
    _load_two(gs)
    phone = Identifier(kind=IdentifierKind.PHONE, value="+14155550134")
    holders = gs.records_with_identifiers([phone])[phone.key]
    assert len(holders) == 2
    postings = list(gs.iter_postings([IdentifierKind.PHONE]))
    assert {p.record_id for p in postings} == set(holders)


def test_interaction_with_unknown_party_is_refused_and_nothing_written(gs: GraphStore) -> None:
    ghost = record("nobody", "No", "Body")
    with pytest.raises(StoreError, match="not loaded"):
        gs.upsert_batch([prepared(record("2", "Ann", "Lee"))], [interaction("x", ghost)])
    assert gs.counts()["records"] == 0


def test_crash_inside_a_transaction_leaves_store_as_before(gs: GraphStore) -> None:
    _load_two(gs)
    before = gs.counts()
    with pytest.raises(RuntimeError), gs.transaction():
        gs.upsert_batch([prepared(record("3", "Cy", "Young"))])
        raise RuntimeError("crash mid-load")
    assert gs.counts() == before
    assert gs.find_record("crm", "3") is None


def test_name_search_folds_accents_and_prefixes(gs: GraphStore) -> None:
    gs.upsert_batch([prepared(record("1", "José", "Núñez")), prepared(record("2", "Ann", "Lee"))])
    ids = gs.search_names("jose nun")
    assert [r.first_name for r in gs.get_records(ids)] == ["José"]


def test_edges_replace_all_or_only_touching_records(gs: GraphStore) -> None:
    gs.upsert_batch([prepared(record(str(i), "A", "B")) for i in range(1, 5)])
    ev = (Evidence(comparison="phone", level="exact", weight=9.5, detail="phone matches"),)
    gs.replace_edges(
        [
            MatchEdge(left=1, right=2, score=0.99, weight=12.0, status=MatchStatus.AUTO, evidence=ev),
            MatchEdge(left=3, right=4, score=0.7, weight=2.0, status=MatchStatus.REVIEW),
        ]
    )
    gs.replace_edges([], record_ids=[3])
    edges = gs.edges()
    assert [(e.left, e.right) for e in edges] == [(1, 2)]
    assert edges[0].evidence == ev
    assert gs.edges(statuses=[MatchStatus.REVIEW]) == []


def test_judgements_are_superseded_never_overwritten(gs: GraphStore) -> None:
    gs.upsert_batch([prepared(record("1", "A", "B")), prepared(record("2", "A", "B"))])
    first = gs.add_judgement(Judgement(left=2, right=1, verdict=Verdict.SAME, by="ann", at=T0))
    second = gs.add_judgement(
        Judgement(left=1, right=2, verdict=Verdict.DIFFERENT, by="bo", at=T0 + timedelta(minutes=1))
    )
    assert (first.left, first.right) == (1, 2)
    active = gs.judgements()
    assert [j.id for j in active] == [second.id] and active[0].verdict is Verdict.DIFFERENT
    history = gs.judgements(active_only=False)
    assert [j.verdict for j in history] == [Verdict.SAME, Verdict.DIFFERENT]
    assert history[0].superseded_at is not None


def test_persons_assignments_and_merge_following(gs: GraphStore) -> None:
    gs.upsert_batch([prepared(record(str(i), "A", "B")) for i in range(1, 4)])
    p1, p2 = gs.create_persons(2)
    gs.set_persons([(1, p1), (2, p1), (3, p2)])
    assert gs.assignments() == {1: p1, 2: p1, 3: p2}
    assert gs.person_record_ids([p1]) == {p1: [1, 2]}
    gs.set_persons([(3, p1)])
    gs.retire_persons([(p2, p1)])
    assert gs.resolve_person_id(p2) == p1
    assert gs.live_person_ids() == [p1]


def test_events_are_read_in_order_after_an_id(gs: GraphStore) -> None:
    gs.add_events([NewEvent("person.created", 1, "test"), NewEvent("record.attached", 1, "test", record_id=5)])
    events = gs.events()
    assert [e.type for e in events] == ["person.created", "record.attached"]
    assert [e.type for e in gs.events(since_id=events[0].id)] == ["record.attached"]


def test_timeline_is_newest_first_filtered_and_paged(gs: GraphStore) -> None:
    _load_two(gs)
    (pid,) = gs.create_persons(1)
    gs.set_persons([(1, pid), (2, pid)])
    items, total = gs.timeline(pid, TimelineQuery())
    assert total == 2 and [i.channel for i in items] == [Channel.EMAIL, Channel.CALL]
    calls, n = gs.timeline(pid, TimelineQuery(channels=(Channel.CALL,)))
    assert n == 1 and calls[0].source_id == "c1"
    page, n = gs.timeline(pid, TimelineQuery(limit=1, offset=1))
    assert n == 2 and [i.source_id for i in page] == ["c1"]


def test_export_lists_every_item_with_its_person(gs: GraphStore) -> None:
    _load_two(gs)
    (pid,) = gs.create_persons(1)
    gs.set_persons([(1, pid)])
    rows = {(r.source, r.source_id, r.kind): r.person_id for r in gs.iter_export()}
    assert rows == {
        ("crm", "1", "record"): pid,
        ("calls", "c1", "record"): None,
        ("calls", "c1", "interaction"): None,
        ("crm", "m1", "interaction"): pid,
    }


def test_blocking_keys_skip_oversized_blocks(gs: GraphStore) -> None:
    gs.upsert_batch([prepared(record(str(i), "A", "B")) for i in range(1, 6)])
    gs.replace_blocking_keys([("ln:b", i) for i in range(1, 6)] + [("dob:1990", 1)], record_ids=None)
    found = gs.records_with_blocking_keys(["ln:b", "dob:1990"], limit_per_key=3)
    assert found == {"ln:b": [], "dob:1990": [1]}


def test_filled_blocking_keys_replace_every_record_s_keys(gs: GraphStore) -> None:
    gs.upsert_batch([prepared(record(str(i), "A", "B")) for i in range(1, 6)])
    gs.replace_blocking_keys([("old:1", 1), ("old:2", 2)], record_ids=None)
    batches = [[("dob:1990", 1), ("ln:b", 1)], [("ln:b", 2), ("ln:b", 2)], [("dob:1990", 4), ("pc:6000", 5)]]
    gs.fill_blocking_keys(iter(batches))
    found = gs.records_with_blocking_keys(["old:1", "old:2", "dob:1990", "ln:b", "pc:6000"], limit_per_key=10)
    assert found == {"old:1": [], "old:2": [], "dob:1990": [1, 4], "ln:b": [1, 2], "pc:6000": [5]}
    gs.fill_blocking_keys(iter([]))
    assert gs.records_with_blocking_keys(["ln:b"], limit_per_key=10) == {"ln:b": []}


def test_in_transaction_is_this_thread_s_open_write_transaction(gs: GraphStore) -> None:
    assert not gs.in_transaction()
    seen: list[bool] = []
    with gs.transaction():
        assert gs.in_transaction()
        with gs.transaction():  # a nested one joins it
            assert gs.in_transaction()
        assert gs.in_transaction()
        other = threading.Thread(target=lambda: seen.append(gs.in_transaction()))
        other.start()
        other.join()
    assert seen == [False]  # another thread has none open
    assert not gs.in_transaction()


def test_filled_keys_of_a_missing_record_are_refused_and_the_keys_kept(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    try:
        store.upsert_batch([prepared(record(str(i), "A", "B")) for i in range(1, 3)])
        store.replace_blocking_keys([("ln:b", 1), ("ln:b", 2)], record_ids=None)
        with pytest.raises(StoreError, match="not in the store"):
            store.fill_blocking_keys(iter([[("a", 1)], [("b", 99)]]))
        assert store.records_with_blocking_keys(["ln:b", "a"], limit_per_key=10) == {"ln:b": [1, 2], "a": []}
    finally:
        store.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaError, match="newer"):
        open_store(path)


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    with pytest.raises(SchemaError, match="not an identity-graph store"):
        open_store(path)
