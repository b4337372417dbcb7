"""Reads and changes made at the command line are written to the audit log, with ids and counts only."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from identity_graph.cli.main import app
from identity_graph.store import open_store

CRM = """Id,FirstName,LastName,Email,Phone,MobilePhone,MailingStreet,MailingCity,MailingState,MailingPostalCode,MailingCountry,Birthdate,CreatedDate,LastModifiedDate
003A,Tessa,Defren,tessa.defren@example.com,(415) 555-0134,,,,,,,,2024-01-02T10:00:00.000+0000,2024-01-02T10:00:00.000+0000
"""  # noqa: E501


def test_ingest_lookup_profile_whois_and_export_are_audited_without_pii(tmp_path: Path) -> None:
    db, crm, out = tmp_path / "a.db", tmp_path / "contacts.csv", tmp_path / "clusters.csv"
    crm.write_text(CRM, encoding="utf-8")
    runner = CliRunner()
    for args in (
        ["ingest", "--format", "salesforce", "--source", "crm", str(crm)],
        ["resolve"],
        ["profile", "--phone", "415 555 0134"],
        ["whois", "@tdefren"],
        ["export", "clusters", "--out", str(out)],
    ):
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 0, (args, result.output)
    store = open_store(db)
    entries = store.audit_entries(100, None, None)
    store.close()
    actions = [e.action for e in entries]
    for action in ("ingest", "lookup", "profile.read", "whois", "export.clusters"):
        assert action in actions, actions
    assert all(e.actor.startswith("cli") for e in entries)
    text = " ".join(f"{e.action} {e.target} {e.detail}" for e in entries).lower()
    for pii in ("tessa", "defren", "555", "0134", "example.com"):
        assert pii not in text


def test_an_error_is_one_readable_line_not_a_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = "from identity_graph.cli.main import main; main()"
    missing = tmp_path / "nowhere" / "x.db"
    result = subprocess.run(
        [sys.executable, "-c", script, "--db", str(missing), "profile", "--phone", "415 555 0134"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and "does not exist" in lines[0]
    assert "Traceback" not in result.stderr
