"""`idgraph campaigns verify` through the real CLI, on a real SQLite store with a registry and a send log."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from identity_graph.cli.main import app
from identity_graph.errors import InputError, NotFound
from identity_graph.store import open_store
from tests.campaigns.spike_world import NOW, World
from tests.campaigns.test_verify import HEADERS_FAIL, registry

runner = CliRunner()


def _db(tmp_path: Path) -> tuple[Path, int]:
    """A store with the test registry (spring savings live now, ESP id esp-991) and Carol, who was sent it."""
    path = tmp_path / "verify.db"
    world = World(open_store(path))
    world.customer("carol", "4155550101", "carol@example.com")
    world.send("carol@example.com", NOW, "esp-991", "sent")
    world.send("carol@example.com", NOW + timedelta(hours=1), "esp-991", "open")
    world.load()
    today = datetime.now(UTC)
    for campaign in registry():
        if campaign.campaign_id == "spring":
            campaign = campaign.model_copy(
                update={"starts_at": today - timedelta(days=30), "ends_at": today + timedelta(days=30),
                        "external_ids": ("esp-991",)}
            )  # fmt: skip
        world.store.save_campaign(campaign, "test")
    world.store.close()
    return path, world.persons["carol"]


def test_verify_a_domain_with_the_customer_on_screen(tmp_path: Path) -> None:
    db, carol = _db(tmp_path)
    done = runner.invoke(app, ["--db", str(db), "campaigns", "verify", "news@bank-offers.com", "--person", str(carol)])
    assert done.exit_code == 0, done.output
    out = " ".join(done.stdout.split())
    assert "Ours, and live" in out
    assert "is a registered sender of Spring savings" in out
    assert "This customer was sent Spring savings on 9 March 2026 and opened it on 9 March 2026." in out
    assert "Not a loan; we never ask for a PIN by mail." in out
    store = open_store(db)
    entry = store.audit_entries()[0]
    assert (entry.action, entry.target, entry.detail) == ("verify", f"person:{carol}", "answer=ours_live")
    store.close()


def test_verify_reads_pasted_headers_from_stdin(tmp_path: Path) -> None:
    db, _ = _db(tmp_path)
    done = runner.invoke(app, ["--db", str(db), "campaigns", "verify", "-"], input=HEADERS_FAIL)
    assert done.exit_code == 0, done.output
    out = " ".join(done.stdout.split())
    assert "possible spoof" in out and "DMARC fail" in out


def test_verify_json(tmp_path: Path) -> None:
    db, _ = _db(tmp_path)
    done = runner.invoke(app, ["--db", str(db), "campaigns", "verify", "bank-0ffers.com", "--json"])
    assert done.exit_code == 0, done.output
    answer = json.loads(done.stdout)
    assert answer["answer"] == "lookalike" and answer["campaign"]["campaign_id"] == "spring"
    assert answer["customer"] is None


def test_verify_errors_are_sentences(tmp_path: Path) -> None:
    db, _ = _db(tmp_path)
    empty = runner.invoke(app, ["--db", str(db), "campaigns", "verify", "  "])  # main() prints these as one line
    assert isinstance(empty.exception, InputError) and str(empty.exception).startswith("nothing to verify")
    nobody = runner.invoke(app, ["--db", str(db), "campaigns", "verify", "x.com", "--person", "999"])
    assert isinstance(nobody.exception, NotFound) and str(nobody.exception) == "no person 999"
    helped = runner.invoke(app, ["campaigns", "verify", "--help"])
    assert helped.exit_code == 0 and "look-alike" in helped.stdout
