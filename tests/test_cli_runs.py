"""`idgraph runs`: the load history as a table or JSON, newest first, by source, limited, and audited."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from identity_graph.cli.main import app
from identity_graph.store import open_store

CRM = "Id,FirstName,LastName,Email\n003A,Tessa,Defren,tessa.defren@example.com\n003B,short\n"


def _loaded(tmp_path: Path) -> tuple[CliRunner, Path]:
    """A store with three loads: crm, crm again (unchanged), then shop."""
    db, crm = tmp_path / "a.db", tmp_path / "contacts.csv"
    crm.write_text(CRM, encoding="utf-8")
    runner = CliRunner()
    quarantine = tmp_path / "q"
    for source in ("crm", "crm", "shop"):
        args = ["--db", str(db), "ingest", "--format", "salesforce", "--source", source, str(crm)]
        result = runner.invoke(app, args, env={"IDGRAPH_INGEST__QUARANTINE_DIR": str(quarantine)})
        assert result.exit_code == 0, result.output
    return runner, db


def _json(runner: CliRunner, db: Path, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["--db", str(db), "runs", "--json", *args])
    assert result.exit_code == 0, result.output
    runs: list[dict[str, object]] = json.loads(result.stdout)
    return runs


def test_runs_as_json_newest_first_by_source_and_limited(tmp_path: Path) -> None:
    runner, db = _loaded(tmp_path)
    every = _json(runner, db)
    assert [(r["id"], r["source"], r["loaded"], r["unchanged"]) for r in every] == [
        (3, "shop", 1, 0),
        (2, "crm", 0, 1),
        (1, "crm", 1, 0),
    ]
    assert all(r["format"] == "salesforce" and r["quarantined"] == 1 for r in every)
    assert all(str(r["notes"]).startswith("['quarantine: ") for r in every)
    assert [r["id"] for r in _json(runner, db, "--source", "crm")] == [2, 1]
    assert [r["id"] for r in _json(runner, db, "--source", "crm", "--limit", "1")] == [2]
    assert _json(runner, db, "--source", "nowhere") == []


def test_runs_as_a_table_with_notes(tmp_path: Path) -> None:
    runner, db = _loaded(tmp_path)
    result = runner.invoke(app, ["--db", str(db), "runs", "-n", "2"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "load history: the 2 newest" in out
    assert "shop (salesforce)" in out and "crm (salesforce)" in out
    assert "note (load 3, shop): quarantine: " in out and "(load 1" not in out
    assert "Tessa" not in out and "example.com" not in out  # a run holds counts and notes, no record content


def test_no_runs_yet_and_a_bad_limit(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "empty.db"
    result = runner.invoke(app, ["--db", str(db), "runs", "--source", "crm"])
    assert result.exit_code == 0 and "no loads recorded of source crm yet" in result.stdout
    assert runner.invoke(app, ["--db", str(db), "runs", "--limit", "0"]).exit_code == 2


def test_reading_the_history_is_audited(tmp_path: Path) -> None:
    runner, db = _loaded(tmp_path)
    assert runner.invoke(app, ["--db", str(db), "runs", "--source", "crm"]).exit_code == 0
    assert runner.invoke(app, ["--db", str(db), "runs", "--json"]).exit_code == 0
    store = open_store(db)
    reads = [e for e in store.audit_entries(100, None, None) if e.action == "runs.read"]
    store.close()
    assert [(e.target, e.detail) for e in reads] == [("", "rows=3"), ("source:crm", "rows=2")]
    assert all(e.actor.startswith("cli") for e in reads)
