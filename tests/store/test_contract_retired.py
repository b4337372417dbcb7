"""Where a retired person id's records went (`GraphStore.retired_person`), on every store.

The same `gs` fixture as `test_contract.py`: the SQLite store always, the Neo4j store on a live Bolt server
(NEO4J_URI's Neo4j, else ArcadeDB's started for the run).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from identity_graph.persons import apply_clustering
from identity_graph.store import GraphStore, open_store
from identity_graph.store.protocol import RetiredPerson
from tests.factories import prepared, record
from tests.store.test_contract import BACKENDS, _neo4j_store


@pytest.fixture(params=BACKENDS)
def gs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Each store implementation, fresh (as in test_contract.py)."""
    s = _neo4j_store(request) if request.param == "neo4j" else open_store(tmp_path / "contract.db")
    yield s
    s.close()


def _four(gs: GraphStore) -> list[int]:
    """Four records, ids ascending."""
    names = [("r1", "Ann", "Moss"), ("r2", "Ann", "Moss"), ("r3", "Ben", "Cole"), ("r4", "Ben", "Cole")]
    gs.upsert_batch([prepared(record(sid, first, last)) for sid, first, last in names])
    return gs.record_ids()


def test_a_live_or_unknown_id_is_not_retired(gs: GraphStore) -> None:
    a, b, c, d = _four(gs)
    apply_clustering(gs, [[a, b], [c, d]], "test")
    live = gs.assignments([a])[a]
    assert gs.retired_person(live) is None
    assert gs.retired_person(live + 1000) is None


def test_a_split_without_heir_points_at_the_persons_holding_its_records(gs: GraphStore) -> None:
    a, b, c, d = _four(gs)
    apply_clustering(gs, [[a, b], [c, d]], "test")
    first = gs.assignments([a, c])
    p1, p2 = first[a], first[c]
    apply_clustering(gs, [[a, b, c, d]], "test")  # p2 merged into p1: it leads to a live person
    assert gs.resolve_person_id(p2) == p1 and gs.retired_person(p2) is None
    apply_clustering(gs, [[a], [b], [c], [d]], "test")  # p1 keeps no quarter: retired without heir
    heirs = tuple(sorted(gs.assignments([a, b, c, d]).values()))
    assert gs.resolve_person_id(p1) is None
    assert gs.retired_person(p1) == RetiredPerson(person_id=p1, erased=False, heirs=heirs)
    assert gs.retired_person(p2) == RetiredPerson(person_id=p2, erased=False, heirs=heirs)  # through its merge


def test_an_erased_person_is_gone_with_no_pointer(gs: GraphStore) -> None:
    a, b, c, d = _four(gs)
    apply_clustering(gs, [[a, b, c, d]], "test")
    p1 = gs.assignments([a])[a]
    apply_clustering(gs, [[a], [b], [c], [d]], "test")  # p1 keeps no half: retired without heir
    owners = gs.assignments([a, b, c, d])
    gs.erase_records(owners[a], [a], ["Ann Moss"], tombstones=False)
    assert gs.retired_person(owners[a]) == RetiredPerson(person_id=owners[a], erased=True)
    assert gs.retired_person(p1) == RetiredPerson(person_id=p1, heirs=(owners[b], owners[c], owners[d]))
