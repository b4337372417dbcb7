"""`idgraph resolve --engine`: each engine through the real CLI gives the same persons; a wrong one is a readable
error, not a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import identity_graph.cli.main  # noqa: F401  (registers every command on the app)
from identity_graph.cli.app import app
from identity_graph.settings import Settings
from identity_graph.store import open_store
from tests.resolve.conftest import load
from tests.resolve.population import population


def _store(db: Path, settings: Settings) -> None:
    store = open_store(db)
    try:
        records, _ = population(40, seed=7)
        load(store, records, settings, model=False)
    finally:
        store.close()


def _persons(db: Path) -> frozenset[frozenset[str]]:
    store = open_store(db)
    try:
        members: dict[int, set[str]] = {}
        for row in store.iter_export():
            if row.person_id is not None:
                members.setdefault(row.person_id, set()).add(f"{row.source}/{row.source_id}")
        return frozenset(frozenset(m) for m in members.values())
    finally:
        store.close()


def test_python_and_duckdb_engines_give_the_same_persons(tmp_path: Path, settings: Settings) -> None:
    found = []
    for engine in ("python", "duckdb"):
        db = tmp_path / f"{engine}.db"
        _store(db, settings)
        result = CliRunner().invoke(app, ["--db", str(db), "resolve", "--engine", engine], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert "trained" in result.output and "persons" in result.output
        found.append(_persons(db))
    assert len(found[0]) > 20 and found[0] == found[1]


def test_an_unknown_engine_is_a_readable_error(tmp_path: Path, settings: Settings) -> None:
    db = tmp_path / "x.db"
    _store(db, settings)
    result = CliRunner().invoke(app, ["--db", str(db), "resolve", "--engine", "oracle"])
    assert result.exit_code != 0
    assert "must be one of python, duckdb, spark" in result.output
    assert "Traceback" not in result.output
