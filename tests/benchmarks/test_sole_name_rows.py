"""The bench's sole-namesake rows: the rule turned off, on a copy of the store, scored against the truth."""

from __future__ import annotations

from pathlib import Path

from benchmarks.bench_matching import sole_name_rows
from identity_graph.resolve import resolve_all
from identity_graph.settings import Settings
from identity_graph.store import open_store
from tests.resolve.conftest import load, mail, person, together


def test_the_rows_score_the_rule_on_a_copy(tmp_path: Path) -> None:
    db = tmp_path / "bench.db"
    settings = Settings(db=db)
    store = open_store(db)
    try:
        a, b = load(store, [person("c1", "Rafael", "McDonald", city="Denver", emails=["r@initech.example.com"]),
                            mail("m1", "rmcdonald@yahoo.com", "Rafael McDonald")], settings)  # fmt: skip
        resolve_all(store, settings)
        assert together(store, a, b)  # the only two bearers of the name: on by default
    finally:
        store.close()
    truth = tmp_path / "truth.csv"
    truth.write_text("source,source_id,person_id\ncrm,c1,T1\nmail,m1,T1\n", encoding="utf-8")
    rows = {str(r["metric"]): r["value"] for r in sole_name_rows(db, truth, settings, "tiny")}  # no pair: P is 1
    assert rows == {"ours precision, sole-namesake rule off": 1.0, "ours F1, sole-namesake rule off": 0.0}
    store = open_store(db)
    try:
        assert together(store, a, b)  # the bench's own store is left as it was
    finally:
        store.close()
