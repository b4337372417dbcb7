"""What a new user meets first: `idgraph demo` leaves its loads and its resolve in the audit log (as `load` and
`resolve` do), and `campaigns briefing --help` says what --at takes (no text eaten as markup)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import identity_graph.cli.main  # noqa: F401  (registers every command)
from identity_graph.cli.app import app
from identity_graph.store import open_store


def test_the_demo_audits_its_loads_and_its_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "demo.db"
    done = CliRunner().invoke(app, ["--db", str(db), "demo", "--no-serve"], terminal_width=200)
    assert done.exit_code == 0, done.output
    store = open_store(db)
    try:
        entries = [e for e in store.audit_entries(100) if e.actor == "cli:demo"]
    finally:
        store.close()
    loads = {e.target: e.detail for e in entries if e.action == "ingest"}
    assert set(loads) == {f"source:{s}" for s in ("crm", "hubspot", "calls", "support_mail", "marketing", "x")}
    assert "loaded=92 updated=0" in loads["source:crm"]
    resolves = [e.detail for e in entries if e.action == "resolve"]
    assert len(resolves) == 1 and resolves[0].startswith("mode=full records=578 persons=")
    assert resolves[0].endswith(" engine=duckdb")  # the batch plan, as `idgraph resolve` runs it by default


def test_briefing_help_says_what_at_takes() -> None:
    done = CliRunner().invoke(app, ["campaigns", "briefing", "--help"], terminal_width=200)
    assert done.exit_code == 0
    text = " ".join(done.stdout.replace("│", " ").split())
    assert "like 2025-06-30T17:00 (UTC unless a zone is given); default: now." in text


def test_whois_with_nothing_to_look_up_is_an_input_error(tmp_path: Path) -> None:
    """A blank handle is a readable error (the command line prints it as one line, exit 1), not a 'Unknown' answer."""
    from identity_graph.errors import InputError

    done = CliRunner().invoke(app, ["--db", str(tmp_path / "w.db"), "whois", "  "])
    assert isinstance(done.exception, InputError) and str(done.exception).startswith("nothing to look up")


def test_the_audit_command_shows_whole_times_and_token_names(tmp_path: Path) -> None:
    """At a narrow terminal the time is whole (not '2026-12-07T1…') and a token's entries show its name."""
    from identity_graph.service.auth import Role, create_token

    db = tmp_path / "a.db"
    store = open_store(db)
    try:
        _, token = create_token(store, Role.AGENT, "desk-1")
        store.add_audit(actor=f"token:{token.id}", action="lookup", target="", detail="kind=phone hits=1")
    finally:
        store.close()
    done = CliRunner().invoke(app, ["--db", str(db), "audit"], terminal_width=80)
    assert done.exit_code == 0, done.output
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", done.stdout)
    assert "…" not in done.stdout
    assert "desk-1 (token" in done.stdout and f"token:{token.id}" not in done.stdout  # the name, not the id
