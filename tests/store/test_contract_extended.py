"""More of the GraphStore contract, run on every store: steward, service and erasure methods, transactions, paging.

The same `gs` fixture as `test_contract.py`: the SQLite store always, the Neo4j store on a live Bolt server
(NEO4J_URI's Neo4j, else ArcadeDB's started for the run). Every expectation here holds for the embedded store, so
a run on a Bolt server that passes means the two stores agree on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from identity_graph.errors import ConflictError, NotFound
from identity_graph.model import Channel, Judgement, MatchEdge, MatchStatus, Role, Verdict
from identity_graph.store import GraphStore, NewEvent, TimelineQuery, open_store
from tests.factories import T0, interaction, prepared, record
from tests.store.test_contract import BACKENDS, _neo4j_store


@pytest.fixture(params=BACKENDS)
def gs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Each store implementation, fresh (as in test_contract.py)."""
    s = _neo4j_store(request) if request.param == "neo4j" else open_store(tmp_path / "contract.db")
    yield s
    s.close()


def _ids(gs: GraphStore, *keys: tuple[str, str]) -> list[int]:
    """Record ids by natural key."""
    found = [gs.find_record(source, source_id) for source, source_id in keys]
    return [r.id for r in found if r is not None]


# ---------------------------------------------------------------- records
def test_get_records_keeps_the_order_asked_and_drops_unknown_ids(gs: GraphStore) -> None:
    gs.upsert_batch([prepared(record(str(i), "A", f"L{i}")) for i in range(1, 4)])
    assert [r.last_name for r in gs.get_records([3, 99, 1])] == ["L3", "L1"]
    assert gs.record_ids() == [1, 2, 3]


def test_dirty_records_until_marked_resolved(gs: GraphStore) -> None:
    gs.upsert_batch([prepared(record(str(i), "A", "B")) for i in range(1, 4)])
    assert [r.id for batch in gs.iter_records(batch_size=2, dirty_only=True) for r in batch] == [1, 2, 3]
    gs.mark_resolved([1, 2])
    assert [r.id for batch in gs.iter_records(dirty_only=True) for r in batch] == [3]
    gs.upsert_batch([prepared(record("1", "A", "Changed"))])
    assert [r.id for batch in gs.iter_records(dirty_only=True) for r in batch] == [1, 3]
    gs.mark_resolved()
    assert list(gs.iter_records(dirty_only=True)) == []
    assert [len(b) for b in gs.iter_records(batch_size=2)] == [2, 1]


def test_identifier_keys_per_record(gs: GraphStore) -> None:
    gs.upsert_batch([prepared(record("1", "A", "B", phone="415 555 0134", email="a@x.org")), prepared(record("2"))])
    assert gs.identifier_keys([1, 2]) == {1: {"phone:+14155550134", "email:a@x.org"}}


def test_a_changed_interaction_keeps_its_id_and_its_parties(gs: GraphStore) -> None:
    bob = record("1", "Bob", "Smith")
    gs.upsert_batch([prepared(bob)], [interaction("m1", bob, subject="first")])
    stats = gs.upsert_batch([], [interaction("m1", bob, subject="second")])
    assert stats.interactions_updated == 1
    (pid,) = gs.create_persons(1)
    gs.set_persons([(1, pid)])
    items, total = gs.timeline(pid, TimelineQuery())
    assert total == 1 and items[0].subject == "second" and items[0].interaction_id == 1


# ---------------------------------------------------------------- transactions
def test_nested_transactions_commit_together(gs: GraphStore) -> None:
    with gs.transaction():
        gs.upsert_batch([prepared(record("1", "A", "B"))])
        with gs.transaction():
            gs.upsert_batch([prepared(record("2", "C", "D"))])
        assert gs.find_record("crm", "2") is not None  # reads inside see the writes
    assert gs.counts()["records"] == 2


def test_a_failure_inside_a_nested_transaction_rolls_back_the_outer_one(gs: GraphStore) -> None:
    with pytest.raises(RuntimeError), gs.transaction():
        gs.upsert_batch([prepared(record("1", "A", "B"))])
        with gs.transaction():
            gs.create_persons(1)
            raise RuntimeError("inner failure")
    assert gs.counts()["records"] == 0
    assert gs.live_person_ids() == []


# ---------------------------------------------------------------- timeline, events, export
def test_timeline_time_window_and_role(gs: GraphStore) -> None:
    bob = record("1", "Bob", "Smith")
    acts = [interaction(f"c{h}", bob, at=T0 + timedelta(hours=h), role=Role.CALLEE) for h in range(4)]
    gs.upsert_batch([prepared(bob)], acts)
    (pid,) = gs.create_persons(1)
    gs.set_persons([(1, pid)])
    items, total = gs.timeline(pid, TimelineQuery(since=T0 + timedelta(hours=1), until=T0 + timedelta(hours=3)))
    assert total == 2 and [i.source_id for i in items] == ["c2", "c1"]
    assert {i.role for i in items} == {Role.CALLEE} and {i.record_id for i in items} == {1}
    assert gs.timeline(pid, TimelineQuery(channels=(Channel.EMAIL,))) == ([], 0)


def test_events_after_a_time_and_the_last_id(gs: GraphStore) -> None:
    assert gs.last_event_id() == 0
    gs.add_events([NewEvent("person.created", 1, "test"), NewEvent("person.merged", 2, "test", other_person_id=1)])
    events = gs.events(limit=1)
    assert len(events) == 1 and events[0].type == "person.created"
    assert gs.last_event_id() == gs.events()[-1].id
    assert gs.events(since=events[0].at + timedelta(days=1)) == []
    assert gs.events()[1].other_person_id == 1


def test_export_gives_an_interaction_the_person_of_its_first_customer_party(gs: GraphStore) -> None:
    ann, bob = record("1", "Ann", "Lee"), record("2", "Bob", "Smith")
    msg = interaction("m1", bob, channel=Channel.EMAIL, role=Role.MENTIONED)
    msg = msg.model_copy(
        update={"participants": (*msg.participants, *interaction("x", ann, role=Role.SENDER).participants)}
    )
    gs.upsert_batch([prepared(ann), prepared(bob)], [msg])
    p_ann, p_bob = gs.create_persons(2)
    gs.set_persons([(1, p_ann), (2, p_bob)])
    rows = {(r.source_id, r.kind): r.person_id for r in gs.iter_export()}
    assert rows[("m1", "interaction")] == p_ann  # the sender, not the record only mentioned


# ---------------------------------------------------------------- steward
def test_guard_reports_activity_and_person_stats(gs: GraphStore) -> None:
    ann, bob = record("1", "Ann", "Lee"), record("2", "Bob", "Smith")
    gs.upsert_batch([prepared(ann), prepared(bob)], [interaction("c1", ann), interaction("c2", ann)])
    first, second = gs.add_guard_reports([([1, 2], "chain"), ([2, 1], "other")])
    gs.resolve_guard_reports([first])
    assert [g.id for g in gs.guard_reports()] == [second]
    reports = gs.guard_reports(open_only=False)
    assert [g.record_ids for g in reports] == [(1, 2), (2, 1)] and reports[0].resolved_at is not None
    activity = gs.record_activity([1, 2, 99])
    assert {k: v.interactions for k, v in activity.items()} == {1: 2, 2: 0}
    (pid,) = gs.create_persons(1)
    gs.set_persons([(1, pid), (2, pid)])
    stats = gs.person_stats([pid])[pid]
    assert (stats.records, stats.interactions) == (2, 2)


def test_withdrawn_judgement_is_kept_and_cannot_be_withdrawn_twice(gs: GraphStore) -> None:
    gs.upsert_batch([prepared(record("1", "A", "B")), prepared(record("2", "A", "B"))])
    j = gs.add_judgement(Judgement(left=1, right=2, verdict=Verdict.SAME, by="ann", at=T0))
    assert j.id is not None
    withdrawn = gs.withdraw_judgement(j.id)
    assert withdrawn.superseded_at is not None and gs.judgements() == []
    assert [x.id for x in gs.judgements(active_only=False)] == [j.id]
    with pytest.raises(ConflictError):
        gs.withdraw_judgement(j.id)
    with pytest.raises(NotFound):
        gs.withdraw_judgement(j.id + 100)


# ---------------------------------------------------------------- service
def test_tokens_and_audit_log(gs: GraphStore) -> None:
    token = gs.add_token("ci", "reader", "hash-1")
    assert gs.token_by_hash("hash-1") == token and gs.get_token(token.id) == token
    assert gs.revoke_token(token.id) and not gs.revoke_token(token.id)
    revoked = gs.get_token(token.id)
    assert revoked is not None and not revoked.active
    assert [t.id for t in gs.list_tokens()] == [token.id] and gs.token_by_hash("nope") is None
    for n in range(3):
        gs.add_audit("ann", "lookup", target=f"person:{n}")
    entries = gs.audit_entries(limit=2)
    assert [e.target for e in entries] == ["person:2", "person:1"]
    assert [e.target for e in gs.audit_entries(before_id=entries[-1].id)] == ["person:0"]
    assert [e.target for e in gs.audit_entries(target="person:1")] == ["person:1"]


# ---------------------------------------------------------------- erasure
def _erasure_world(gs: GraphStore) -> tuple[int, list[int]]:
    """Ana (two records, her own call, an email shared with Bob, edges, a decision, a report); returns her."""
    ana = record("1", "Ana", "Diaz", phone="415 555 0101", email="ana@x.org")
    ana_call = record("c1", full_name="ANA DIAZ", source="calls", phone="4155550101")
    bob = record("2", "Bob", "Smith", email="bob@x.org")
    shared = interaction("m1", bob, channel=Channel.EMAIL, subject="Ana Diaz asked about ana@x.org")
    ana_party = interaction("x", ana, role=Role.RECIPIENT).participants
    shared = shared.model_copy(update={"participants": (*shared.participants, *ana_party)})
    gs.upsert_batch([prepared(ana), prepared(ana_call), prepared(bob)], [interaction("c1", ana_call), shared])
    ana_ids = _ids(gs, ("crm", "1"), ("calls", "c1"))
    (bob_id,) = _ids(gs, ("crm", "2"))
    p_ana, p_bob = gs.create_persons(2)
    gs.set_persons([(ana_ids[0], p_ana), (ana_ids[1], p_ana), (bob_id, p_bob)])
    gs.replace_edges(
        [
            MatchEdge(left=ana_ids[0], right=ana_ids[1], score=0.99, weight=9.0, status=MatchStatus.AUTO),
            MatchEdge(left=ana_ids[0], right=bob_id, score=0.2, weight=-3.0, status=MatchStatus.REJECTED),
        ]
    )
    gs.add_judgement(Judgement(left=ana_ids[0], right=bob_id, verdict=Verdict.DIFFERENT, by="st", at=T0))
    gs.add_guard_reports([([*ana_ids, bob_id], "chain")])
    gs.replace_blocking_keys([("ln:diaz", ana_ids[0]), ("ln:diaz", ana_ids[1]), ("ln:smith", bob_id)], None)
    gs.add_events([NewEvent("person.created", p_ana, "test"), NewEvent("person.created", p_bob, "test")])
    gs.add_audit("st", "lookup", target=f"person:{p_ana}", detail="asked for Ana Diaz")
    return p_ana, ana_ids


def test_erasure_removes_a_person_and_scrubs_what_others_share(gs: GraphStore) -> None:
    p_ana, ana_ids = _erasure_world(gs)
    counts = gs.erase_records(p_ana, ana_ids, ["Ana Diaz", "ana@x.org", "+14155550101"], tombstones=True)
    assert (counts.records, counts.interactions_deleted, counts.interactions_scrubbed) == (2, 1, 1)
    assert (counts.edges, counts.judgements, counts.tombstones, counts.audit_scrubbed) == (2, 1, 4, 1)
    assert counts.identifiers == 2 and counts.other["guard_reports"] == 1
    assert gs.counts()["records"] == 1 and gs.counts()["interactions"] == 1
    assert gs.get_records(ana_ids) == [] and gs.edges() == [] and gs.judgements(active_only=False) == []
    assert gs.guard_reports(open_only=False) == []
    assert gs.search_names("ana") == [] and gs.records_with_blocking_keys(["ln:diaz"], 10) == {"ln:diaz": []}
    shared = gs.get_interaction(2)
    assert shared is not None and shared.subject == "[erased] asked about [erased]"
    assert [e.type for e in gs.events() if e.person_id == p_ana] == ["person.erased"]
    assert "Ana" not in gs.audit_entries()[0].detail
    assert gs.resolve_person_id(p_ana) is None
    again = gs.upsert_batch([prepared(record("1", "Ana", "Diaz", email="ana@x.org"))])
    assert again.erased_skipped == 1 and gs.find_record("crm", "1") is None
    gs.compact(vacuum=False)
