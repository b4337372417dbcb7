"""`idgraph demo --no-serve` registers the sample's campaign registry and prints the briefing as of the sample's end."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import identity_graph.cli.main  # noqa: F401  (registers every command)
from identity_graph.cli.app import app
from identity_graph.cli.demo_campaigns import briefing_url, read_demo_campaigns
from identity_graph.errors import ConfigError, InputError
from identity_graph.store import open_store


def test_demo_registers_the_campaigns_and_prints_the_briefing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four campaigns registered (audited as the demo), both waves told in a sentence."""
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(app, ["--db", str(db), "demo", "--no-serve"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "campaign registry: 4 added, 0 replaced, 0 unchanged" in result.output
    assert "Briefing as of 2025-06-30 17:00 UTC: 4 campaigns live or starting soon" in result.output
    assert "Blender safety check: call us now: a wave of contacts started Sun 17:00 UTC" in result.output
    assert "Summer Sale: starts Thu 03 Jul 15:00 UTC" in result.output
    store = open_store(db)
    try:
        assert len(store.campaigns()) == 4
        assert {e.actor for e in store.audit_entries(50) if e.action == "campaign.save"} == {"cli:demo"}
    finally:
        store.close()


def test_manifest_campaign_keys_are_checked(tmp_path: Path) -> None:
    """A data set without the keys has no registry; a wrong value is a readable error; the URL carries the end."""
    manifest = tmp_path / "manifest.toml"
    manifest.write_text('[[load]]\nformat = "mbox"\nsource = "m"\npaths = ["a.mbox"]\n', encoding="utf-8")
    found = read_demo_campaigns(manifest)
    assert found.registry is None and found.as_of is None
    assert briefing_url("http://127.0.0.1:8000/", None) == "http://127.0.0.1:8000/briefing"
    manifest.write_text('as_of = "yesterday"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="as_of must be a date and time with a zone"):
        read_demo_campaigns(manifest)
    manifest.write_text("as_of = 2025-06-30T17:00:00+02:00\ncampaigns = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="campaigns must name a registry file"):
        read_demo_campaigns(manifest)
    manifest.write_text('as_of = 2025-06-30T17:00:00+02:00\ncampaigns = "c.toml"\n', encoding="utf-8")
    found = read_demo_campaigns(manifest)
    assert found.registry == tmp_path / "c.toml" and found.as_of is not None
    assert briefing_url("http://x/", found.as_of) == "http://x/briefing?at=2025-06-30T15:00"


def test_campaigns_briefing_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`idgraph campaigns briefing --at` prints the sentences, `--json` the whole briefing; a bad --at is an input
    error (the command line prints it as one line)."""
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "demo.db")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "demo", "--no-serve"]).exit_code == 0
    text = runner.invoke(app, ["--db", db, "campaigns", "briefing", "--at", "2025-06-30T17:00"], terminal_width=200)
    assert text.exit_code == 0, text.output
    assert "One-hour flash sale: a wave of contacts started Mon 16:00 UTC" in text.output
    data = runner.invoke(app, ["--db", db, "campaigns", "briefing", "--at", "2025-06-30T19:00+02:00", "--json"])
    assert data.exit_code == 0, data.output
    assert '"flagged": true' in data.output and '"at": "2025-06-30T17:00:00Z"' in data.output
    bad = runner.invoke(app, ["--db", db, "campaigns", "briefing", "--at", "soon"])
    assert isinstance(bad.exception, InputError) and "is not a date and time" in str(bad.exception)
