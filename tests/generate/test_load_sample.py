"""End to end: `idgraph load` takes the shipped sample through the real connectors with nothing quarantined."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import identity_graph.cli.main  # noqa: F401  (registers every command)
from identity_graph.cli.app import app
from identity_graph.generate import generate, sample_dir
from identity_graph.ingest_manifest import load_manifest
from identity_graph.settings import load_settings
from tests.generate.readers import DataSet

#: Kinds of stored records that are native items of the truth (the others are parties of an interaction).
NATIVE_RECORD_KINDS = ("contact", "social_account")


def stored_items(db: Path) -> set[tuple[str, str]]:
    """(source, source_id) of every interaction and native record in the store."""
    with sqlite3.connect(db) as conn:
        marks = ",".join("?" * len(NATIVE_RECORD_KINDS))
        rows = conn.execute(
            f"SELECT source, source_id FROM records WHERE kind IN ({marks}) "
            "UNION ALL SELECT source, source_id FROM interactions",
            NATIVE_RECORD_KINDS,
        ).fetchall()
    return {(str(s), str(i)) for s, i in rows}


def test_idgraph_load_takes_the_sample_with_zero_quarantined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file of the sample loads; the store holds exactly the items the truth lists."""
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "sample.db"
    args = [
        "--db",
        str(db),
        "--config",
        str(sample_dir() / "idgraph.toml"),
        "load",
        str(sample_dir() / "manifest.toml"),
    ]
    result = CliRunner().invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "quarantined rows of" not in result.output and "rejected" not in result.output
    truth = set(DataSet(sample_dir()).truth_map)
    assert stored_items(db) == truth


@pytest.mark.slow
def test_a_fresh_larger_set_validates_with_zero_quarantined(tmp_path: Path) -> None:
    """A freshly generated 1,000-person set passes every connector's validation (dry run)."""
    out = tmp_path / "set"
    generate(out, 1000, 99)
    settings = load_settings(out / "idgraph.toml", db=tmp_path / "unused.db")
    results = load_manifest(None, out / "manifest.toml", settings, dry_run=True)
    assert [r.source for r in results] == ["crm", "hubspot", "calls", "support_mail", "marketing", "x"]
    assert {r.source: r.quarantined for r in results} == dict.fromkeys(
        ("crm", "hubspot", "calls", "support_mail", "marketing", "x"), 0
    )
    assert all(r.records_seen + r.interactions_seen > 0 for r in results)
