"""`idgraph generate` through the real command line (typer's runner and a subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import identity_graph.cli.main  # noqa: F401  (registers every command)
from identity_graph.cli.app import app
from identity_graph.errors import ConfigError
from identity_graph.generate import generate
from tests.generate.readers import DataSet

runner = CliRunner()


def test_help_explains_the_options() -> None:
    """--help names the output, --people, --seed and --force, and what is written."""
    result = runner.invoke(app, ["generate", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for word in ("--people", "--seed", "--force", "truth.csv", "manifest.toml", "Master.csv"):
        assert word in result.output


def test_generate_writes_a_loadable_layout(tmp_path: Path) -> None:
    """The command writes every file and reports counts."""
    out = tmp_path / "set"
    result = runner.invoke(app, ["generate", str(out), "--people", "40", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "40 people" in result.output
    data = DataSet(out)
    assert data.salesforce and data.calls and data.mails and data.sends and data.pages
    assert {r["person_id"] for r in data.truth if r["person_id"].startswith("T")} <= {f"T{i:05d}" for i in range(1, 41)}


def test_refuses_a_non_empty_directory_without_force(tmp_path: Path) -> None:
    """A non-empty OUT is left alone unless --force is given."""
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConfigError, match="not empty"):
        generate(tmp_path, 40, 1)
    generate(tmp_path, 40, 1, overwrite=True)
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "truth.csv").exists()


def test_errors_are_one_line(tmp_path: Path) -> None:
    """Through the installed entry point, a bad size is one readable error line and exit code 1."""
    cmd = [sys.executable, "-m", "identity_graph.cli.main", "generate", str(tmp_path / "x"), "--people", "3"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "--people must be between" in result.stderr
    assert "Traceback" not in result.stderr
