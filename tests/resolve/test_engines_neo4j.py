"""The batch plan runs on the Neo4j store too (`idgraph push` and `idgraph resolve` on a Neo4j store use it): on a
live Bolt server (NEO4J_URI's Neo4j, else ArcadeDB's, tests/bolt.py) the DuckDB plan gives the python path's
edges, persons and blocking keys, with the keys written in several slices inside one of the store's
transactions, and both give what the embedded store gives."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from identity_graph.resolve.plan import resolve_batch
from identity_graph.settings import Settings
from identity_graph.store import GraphStore, open_store
from tests.bolt import BoltTarget
from tests.resolve.conftest import load
from tests.resolve.engines import EdgeView, Key, _edges, _persons, differences
from tests.resolve.population import population

PEOPLE, SEED = 60, 11
#: Records whose blocking keys the plan makes at a time here: the store's records in several slices.
KEY_ROWS = 97
#: More records than any key holds here (`records_with_blocking_keys` gives all of a key's records).
ALL = 1_000_000


@dataclass
class Seen:
    """What one run left in its store, by record keys."""

    edges: dict[tuple[Key, Key], EdgeView]
    persons: frozenset[frozenset[Key]]
    keys: frozenset[tuple[str, Key]]
    candidate_pairs: int


def _embedded_keys(db: Path) -> list[str]:
    """Every blocking key an embedded store holds."""
    with closing(sqlite3.connect(db)) as conn:
        return sorted(k for (k,) in conn.execute("SELECT DISTINCT key FROM blocking_keys"))


def _seen(store: GraphStore, keys: list[str], candidate_pairs: int) -> Seen:
    """The store's edges, persons and the records under each of `keys`."""
    members = store.records_with_blocking_keys(keys, ALL)
    ids = sorted({r for rs in members.values() for r in rs})
    by_id = {r.id: (r.source, r.source_id) for r in store.get_records(ids)}
    held = frozenset((k, by_id[r]) for k, rs in members.items() for r in rs)
    return Seen(_edges(store), _persons(store), held, candidate_pairs)  # type: ignore[arg-type]


def _run(store: GraphStore, settings: Settings, engine: str, keys: list[str] | None = None) -> Seen:
    """Load the population into an empty store, resolve it by `engine`, read back what it left."""
    records, _ = population(PEOPLE, seed=SEED)
    load(store, records, settings, model=False)  # type: ignore[arg-type]
    summary = resolve_batch(store, settings, engine, key_rows=KEY_ROWS)
    assert summary.trained and summary.records == len(records)
    return _seen(store, keys if keys is not None else [], summary.candidate_pairs)


def test_the_duckdb_plan_on_the_neo4j_store_gives_the_python_paths_answer(
    bolt_target: BoltTarget, tmp_path: Path
) -> None:
    settings = Settings(db=tmp_path / "embedded.db")
    embedded = open_store(settings.db)
    try:
        _run(embedded, settings, "python")
        keys = _embedded_keys(settings.db)
        yardstick = _seen(embedded, keys, 0)
    finally:
        embedded.close()
    assert len(keys) > 200 and len(yardstick.edges) > 100 and len(yardstick.persons) >= PEOPLE

    seen = {}
    for engine in ("python", "duckdb"):
        store = bolt_target.open()  # emptied
        try:
            seen[engine] = _run(store, settings, engine, keys)
        finally:
            store.close()
    python, plan = seen["python"], seen["duckdb"]
    assert plan.candidate_pairs == python.candidate_pairs > 0
    assert differences(python, plan) == []  # type: ignore[arg-type]
    assert plan.keys == python.keys == yardstick.keys
    assert plan.persons == python.persons == yardstick.persons
    assert plan.edges.keys() == yardstick.edges.keys()
