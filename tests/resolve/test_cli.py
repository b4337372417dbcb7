"""The matching commands through the real CLI: resolve, blocking-report, explain, train."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import identity_graph.cli.main  # noqa: F401  (registers every command on the app)
from identity_graph.cli.app import app
from identity_graph.prepare import prepare_record
from identity_graph.resolve import META_KEY
from identity_graph.settings import Settings
from identity_graph.store import open_store
from tests.resolve.conftest import call, load, person
from tests.resolve.population import population


def _store_with_people(db: Path, settings: Settings) -> tuple[int, int]:
    """A store with a small population plus one contact and its call; returns their ids."""
    store = open_store(db)
    try:
        records, _ = population(20, seed=5)
        load(store, records, settings, model=False)
        a, b = load(
            store,
            [
                person("cli1", "Robert", "Zabrowski", phones=["(415) 555-0177"]),
                call("cli-c", "(415) 555-0177", "ZABROWSKI BOB"),
            ],
            settings,
            model=False,
        )
        return a, b
    finally:
        store.close()


def run(db: Path, *args: str) -> str:
    """Invoke idgraph and return its output, failing on a non-zero exit."""
    result = CliRunner().invoke(app, ["--db", str(db), *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_resolve_explain_and_blocking_report(tmp_path: Path, settings: Settings) -> None:
    db = tmp_path / "cli.db"
    a, _ = _store_with_people(db, settings)
    out = run(db, "resolve")
    assert "trained" in out and "persons" in out
    out = run(db, "explain", str(a), "calls/cli-c")
    assert "personal" in out and "phone +1 415-555-0177 matches" in out
    assert "match probability" in out and "auto" in out
    out = run(db, "blocking-report")
    assert "identifier" in out and "full_name" in out and "deduplicated" in out
    assert "nothing changed" in run(db, "resolve", "--changed")
    store = open_store(db)
    try:
        store.upsert_batch([prepare_record(call("cli-c2", "(415) 555-0177", "ZABROWSKI ROBERT"), "US")])
        new = store.find_record("calls", "cli-c2")
        assert new is not None
    finally:
        store.close()
    out = run(db, "resolve", "--changed")
    assert "records" in out
    store = open_store(db)
    try:
        persons = store.assignments([a, new.id])
        assert persons[a] == persons[new.id]  # the real-time path attached the new call to Robert
    finally:
        store.close()


def test_train_writes_and_imports_a_json_model(tmp_path: Path, settings: Settings) -> None:
    db = tmp_path / "cli.db"
    _store_with_people(db, settings)
    model_file = tmp_path / "model.json"
    out = run(db, "train", "--out", str(model_file))
    assert "saved" in out
    data = json.loads(model_file.read_text(encoding="utf-8"))
    assert data["format"] == 1 and data["trained_by"] == "em"
    other = tmp_path / "other.db"
    open_store(other).close()
    run(other, "train", "--import", str(model_file))
    store = open_store(other)
    try:
        assert json.loads(store.get_meta(META_KEY) or "{}")["comparisons"] == data["comparisons"]
    finally:
        store.close()


def test_errors_are_one_readable_line(tmp_path: Path, settings: Settings) -> None:
    db = tmp_path / "cli.db"
    _store_with_people(db, settings)
    result = CliRunner().invoke(app, ["--db", str(db), "explain", "1", "2"])
    assert result.exit_code != 0
    assert "no trained match model" in str(result.exception) or "no trained match model" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 99}', encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", str(db), "train", "--import", str(bad)])
    assert result.exit_code != 0
