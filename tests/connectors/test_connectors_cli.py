"""`idgraph ingest` and `idgraph load` from the command line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from identity_graph.cli import main as _registers_commands  # noqa: F401
from identity_graph.cli.app import app
from tests.connectors.helpers import FIXTURES

runner = CliRunner()


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "idgraph.toml").write_text(
        '[own_side]\nphone_numbers = ["+18005550100"]\ncontexts = ["from-internal"]\nemail_domains = ["acme.example"]\n'
    )


def test_ingest_and_load_have_help() -> None:
    for command in ("ingest", "load"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, result.output
    assert "--format" in runner.invoke(app, ["ingest", "--help"]).output


def test_ingest_prints_a_summary_and_quarantines_with_exit_code_zero(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["--db", "t.db", "ingest", "--format", "mbox", "--source", "mail", str(FIXTURES / "mbox/support.mbox")]
    )
    assert result.exit_code == 0, result.output
    assert "load summary" in result.output and "quarantined rows of mail" in result.output
    (qfile,) = (tmp_path / "quarantine").glob("*-mail-mbox.csv")
    assert "message has no Message-ID" in qfile.read_text()
    with sqlite3.connect(tmp_path / "t.db") as conn:
        assert conn.execute("SELECT count(*) FROM interactions").fetchone()[0] == 4


def test_strict_exits_non_zero(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["--db", "t.db", "ingest", "-f", "mbox", "-s", "mail", "--strict", str(FIXTURES / "mbox/support.mbox")]
    )
    assert result.exit_code != 0
    assert "no Message-ID" in str(result.exception)


def test_dry_run_creates_no_store(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["--db", "t.db", "ingest", "-f", "asterisk", "-s", "pbx", "--dry-run", str(FIXTURES / "asterisk/Master.csv")],
    )
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert not (tmp_path / "t.db").exists() and not (tmp_path / "quarantine").exists()


def test_load_runs_a_manifest_with_one_summary(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text(
        f'[[load]]\nformat = "asterisk"\nsource = "pbx"\npaths = ["{FIXTURES}/asterisk/Master.csv"]\n\n'
        f'[[load]]\nformat = "x-api-v2"\nsource = "x"\npaths = ["{FIXTURES}/x-api-v2/*.json*"]\n'
    )
    result = runner.invoke(app, ["--db", "t.db", "load", "manifest.toml"])
    assert result.exit_code == 0, result.output
    assert "pbx" in result.output and "x-api-v2" in result.output
    with sqlite3.connect(tmp_path / "t.db") as conn:
        formats = [r[0] for r in conn.execute("SELECT format FROM ingest_runs ORDER BY id")]
    assert formats == ["asterisk", "x-api-v2"]


def test_mapping_error_is_reported_before_loading(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text('id = "Customer No"\n[fields]\nnickname = "Nick"\n')
    result = runner.invoke(
        app, ["--db", "t.db", "ingest", "-f", "csv", "-s", "shop", "-m", "m.toml", str(FIXTURES / "csv/customers.csv")]
    )
    assert result.exit_code != 0
    assert "nickname" in str(result.exception)
