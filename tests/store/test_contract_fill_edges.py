"""`fill_edges` (a batch's edges as stored rows) stores what `replace_edges` of the same edges stores, on every
store: the SQLite store and the Neo4j store on a live Bolt server (see tests/store/test_contract.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from identity_graph.model import Evidence, MatchEdge, MatchStatus
from identity_graph.store import GraphStore, open_store
from identity_graph.store.protocol import EdgeRow
from identity_graph.store.sqlite_base import to_json
from tests.bolt import BoltTarget
from tests.factories import prepared, record

BACKENDS = ["sqlite", "neo4j"]


@pytest.fixture(params=BACKENDS)
def gs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Each store implementation, fresh, holding six records (ids 1-6)."""
    s: GraphStore
    if request.param == "neo4j":
        target: BoltTarget = request.getfixturevalue("bolt_target")
        s = target.open()
    else:
        s = open_store(tmp_path / "fill.db")
    s.upsert_batch([prepared(record(str(i), "Ann", "Lee")) for i in range(1, 7)])
    yield s
    s.close()


def _edges() -> list[MatchEdge]:
    name = Evidence(comparison="first_name", level="exact", weight=3.25, detail="first name Ann matches")
    dob = Evidence(comparison="dob", level="else", weight=-4.0, detail='dob differs ("1980" / ü)')
    return [
        MatchEdge(left=1, right=2, score=0.99, weight=12.5, status=MatchStatus.AUTO, evidence=(name, dob),
                  explanation="dob differs; first name Ann matches"),
        MatchEdge(left=1, right=3, score=0.6, weight=1.0, status=MatchStatus.REVIEW, evidence=(name,),
                  explanation="first name Ann matches"),
        MatchEdge(left=4, right=5, score=0.7, weight=-0.25, status=MatchStatus.REVIEW),
    ]  # fmt: skip


def _row(e: MatchEdge) -> EdgeRow:
    return (e.left, e.right, e.score, e.weight, e.status.value, to_json([ev.model_dump() for ev in e.evidence]),
            e.explanation)  # fmt: skip


def test_filled_rows_read_back_as_the_edges_replace_edges_stores(gs: GraphStore) -> None:
    edges = _edges()
    gs.replace_edges(edges)
    expected = gs.edges()
    gs.replace_edges([MatchEdge(left=5, right=6, score=0.9, weight=3.0, status=MatchStatus.AUTO)])
    gs.fill_edges([[_row(edges[0])], [], [_row(e) for e in edges[1:]]])  # batches, one empty
    assert gs.edges() == expected == edges  # the edge 5~6 there before is gone
    assert gs.edges([3], statuses=[MatchStatus.REVIEW]) == [edges[1]]


def test_a_pair_given_twice_keeps_its_last_row(gs: GraphStore) -> None:
    first, _, other = _edges()
    again = first.model_copy(update={"score": 0.5, "status": MatchStatus.REVIEW, "explanation": "again"})
    gs.fill_edges([[_row(first), _row(other)], [_row(again)]])
    assert gs.edges() == [again, other]


def test_no_batches_leaves_no_edges(gs: GraphStore) -> None:
    gs.replace_edges(_edges())
    gs.fill_edges([])
    assert gs.edges() == []


def test_a_failed_fill_keeps_the_edges_there_before(gs: GraphStore) -> None:
    edges = _edges()
    gs.replace_edges(edges)

    def batches() -> Iterator[list[EdgeRow]]:
        yield [_row(edges[2])]
        raise RuntimeError("the batch run stopped")

    with pytest.raises(RuntimeError):
        gs.fill_edges(batches())
    assert gs.edges() == edges
