"""The steward's undo and the audit search on every store: actions read back exactly, undone once; retired persons
revive; superseded decisions come back; the audit log filters by actor, action, time and target, and pages.

The same stores as `tests/store/test_contract.py`: SQLite always, Neo4j on a live Bolt server (NEO4J_URI's Neo4j,
else ArcadeDB's started for the run).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from identity_graph.model import Judgement, MatchStatus, Verdict
from identity_graph.persons import apply_clustering
from identity_graph.prepare import prepare_record
from identity_graph.store import GraphStore, open_store
from identity_graph.store.steward_types import AuditQuery, StewardAction
from tests.steward.conftest import contact, edge
from tests.store.test_contract import BACKENDS, _neo4j_store

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def gs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Each store implementation, fresh."""
    s = _neo4j_store(request) if request.param == "neo4j" else open_store(tmp_path / "contract.db")
    yield s
    s.close()


def _records(gs: GraphStore, n: int) -> list[int]:
    """n stored records (sources crm and mail alternating); their ids."""
    recs = [contact(f"r{i}", "Ann", f"Lee{i}", source="crm" if i % 2 == 0 else "mail") for i in range(n)]
    gs.upsert_batch([prepare_record(r, "US") for r in recs])
    found = [gs.find_record(r.source, r.source_id) for r in recs]
    return [f.id for f in found if f is not None]


def test_an_action_reads_back_exactly_by_id_and_by_decision_and_is_undone_once(gs: GraphStore) -> None:
    a, b, c = _records(gs, 3)
    j = gs.add_judgement(Judgement(left=a, right=b, verdict=Verdict.SAME, by="sam", at=T0))
    action = StewardAction(
        kind="decision", actor="sam#3", at=T0, judgement_ids=(j.id or 0,), superseded_ids=(7,),
        before={a: 1, b: 2, c: 2}, after={a: 1, b: 1, c: 2},
    )  # fmt: skip
    action_id = gs.add_steward_action(action)
    expected = StewardAction(**{**action.__dict__, "id": action_id})
    assert gs.steward_action(action_id) == expected
    assert gs.steward_action_of_judgement(j.id or 0) == expected
    assert gs.steward_action_of_judgement(999) is None and gs.steward_action(999) is None
    assert gs.action_judgement_ids(["decision"]) == {j.id} and gs.action_judgement_ids(["split"]) == set()
    assert gs.mark_action_undone(action_id, "kim") is True
    assert gs.mark_action_undone(action_id, "kim") is False
    back = gs.steward_action(action_id)
    assert back is not None and back.undone_by == "kim" and back.undone_at is not None


def test_retired_persons_revive_and_superseded_decisions_come_back(gs: GraphStore) -> None:
    a, b = _records(gs, 2)
    apply_clustering(gs, [[a], [b]], "test")
    pa, pb = gs.assignments([a])[a], gs.assignments([b])[b]
    apply_clustering(gs, [[a, b]], "test")
    assert gs.resolve_person_id(pb) == pa
    gs.set_persons([(b, pb)])
    gs.revive_persons([pb])
    assert gs.resolve_person_id(pb) == pb and gs.assignments([b]) == {b: pb}
    first = gs.add_judgement(Judgement(left=a, right=b, verdict=Verdict.SAME, by="sam", at=T0))
    second = gs.add_judgement(Judgement(left=a, right=b, verdict=Verdict.DIFFERENT, by="kim", at=T0))
    gs.withdraw_judgement(second.id or 0)
    gs.reinstate_judgements([first.id or 0])
    assert [j.id for j in gs.judgements([a], active_only=True)] == [first.id]


def test_the_audit_search_filters_and_pages(gs: GraphStore) -> None:
    for actor, action, target in [
        ("token:1", "pair.read", "records:1,2"),
        ("token:2", "decision", "records:1,2"),
        ("token:2", "decision.undo", "action:1"),
        ("cli:alice", "resolve", ""),
        ("token:1", "person.split", "person:4"),
    ]:
        gs.add_audit(actor, action, target, "")
    every = gs.audit_search(AuditQuery(limit=10))
    assert [e.action for e in every] == ["person.split", "resolve", "decision.undo", "decision", "pair.read"]
    assert [e.action for e in gs.audit_search(AuditQuery(actors=("token:2",)))] == ["decision.undo", "decision"]
    assert [e.action for e in gs.audit_search(AuditQuery(action="decision"))] == ["decision"]
    assert [e.action for e in gs.audit_search(AuditQuery(action="decision."))] == ["decision.undo", "decision"]
    assert [e.target for e in gs.audit_search(AuditQuery(target="records:1,2"))] == ["records:1,2"] * 2
    page = gs.audit_search(AuditQuery(limit=2))
    rest = gs.audit_search(AuditQuery(limit=10, before_id=page[-1].id))
    assert [e.id for e in page + rest] == [e.id for e in every]
    now = datetime.now(UTC)
    assert len(gs.audit_search(AuditQuery(since=now - timedelta(hours=1), until=now + timedelta(hours=1)))) == 5
    assert gs.audit_search(AuditQuery(since=now + timedelta(hours=1))) == []


def test_record_sources(gs: GraphStore) -> None:
    ids = _records(gs, 3)
    assert gs.record_sources(ids) == {ids[0]: "crm", ids[1]: "mail", ids[2]: "crm"}
    assert gs.record_source_names() == ["crm", "mail"]
    assert gs.record_ids_from("mail") == [ids[1]] and gs.record_ids_from("nowhere") == []


def test_count_edges(gs: GraphStore) -> None:
    a, b, c = _records(gs, 3)
    gs.replace_edges([edge(a, b, MatchStatus.REVIEW), edge(b, c, MatchStatus.AUTO), edge(a, c, MatchStatus.REVIEW)])
    assert gs.count_edges([MatchStatus.REVIEW]) == 2 and gs.count_edges([MatchStatus.AUTO, MatchStatus.REVIEW]) == 3
