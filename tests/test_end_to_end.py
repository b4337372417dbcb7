"""End to end over the bundled sample: the demo path, then profile, whois, export and evaluate by command line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from identity_graph.cli.demo import sample_dir
from identity_graph.cli.main import app
from identity_graph.evaluate import evaluate
from identity_graph.model import Channel
from identity_graph.store import open_store

#: A floor against catastrophic over-merging on the sample (the accuracy targets live in `make bench`).
MIN_SAMPLE_PRECISION = 0.9


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built by `idgraph demo --no-serve` from the bundled sample."""
    db = tmp_path_factory.mktemp("e2e") / "demo.db"
    result = CliRunner().invoke(app, ["--db", str(db), "demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "resolved" in result.output and "A customer seen on several channels" in result.output
    return db


def test_demo_loads_every_sample_item_and_links_across_channels(demo_db: Path) -> None:
    store = open_store(demo_db)
    with (sample_dir() / "truth.csv").open(encoding="utf-8") as fh:
        truth_keys = {(r["source"], r["source_id"]) for r in csv.DictReader(fh)}
    exported = {(r.source, r.source_id) for r in store.iter_export()}
    assert truth_keys <= exported
    scores = evaluate(store, sample_dir() / "truth.csv")
    assert scores.precision >= MIN_SAMPLE_PRECISION and scores.non_customer_joined == 0
    assert scores.missing == 0
    counts = store.counts()
    assert 0 < counts["persons"] < counts["records"]
    store.close()


def test_profile_by_phone_typed_with_spaces_shows_calls_and_other_channels(demo_db: Path) -> None:
    store = open_store(demo_db)
    rows = store.query(
        "SELECT i.value, count(DISTINCT x.channel) AS channels FROM identifiers i "
        "JOIN record_identifiers ri ON ri.identifier_id = i.id JOIN record_person rp ON rp.record_id = ri.record_id "
        "JOIN record_person rp2 ON rp2.person_id = rp.person_id JOIN participations p ON p.record_id = rp2.record_id "
        "JOIN interactions x ON x.id = p.interaction_id WHERE i.kind = 'phone' AND ri.strength = 'declared' "
        "GROUP BY i.value HAVING sum(x.channel = 'call') > 0 AND count(DISTINCT rp.person_id) = 1 "
        "ORDER BY channels DESC, i.value LIMIT 1"
    )
    store.close()
    phone, channels = rows[0]["value"], rows[0]["channels"]
    assert channels >= 2
    spaced = f"{phone[2:5]} {phone[5:8]} {phone[8:]}"  # +14155550134 -> "415 555 0134", as an agent types it
    result = CliRunner().invoke(app, ["--db", str(demo_db), "profile", "--phone", spaced, "--limit", "50"])
    assert result.exit_code == 0, result.output
    assert "☎ call" in result.output
    assert sum(icon in result.output for icon in ("✉ email", "# post", "✦ campaign", "▤ crm")) >= 1


def test_whois_on_a_sample_handle(demo_db: Path) -> None:
    store = open_store(demo_db)
    handle = store.scalar("SELECT value FROM identifiers WHERE kind = 'handle' ORDER BY value LIMIT 1")
    store.close()
    result = CliRunner().invoke(app, ["--db", str(demo_db), "whois", f"@{handle.split(':', 1)[1]}"])
    assert result.exit_code == 0, result.output
    assert handle in result.output and "person" in result.output


def test_demo_refuses_to_overwrite_a_store_it_did_not_make(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    open_store(db).close()
    result = CliRunner().invoke(app, ["--db", str(db), "demo", "--no-serve"])
    assert result.exit_code != 0 and "did not make" in str(result.exception or result.output)


def test_channel_filter_on_profile(demo_db: Path) -> None:
    store = open_store(demo_db)
    person = store.scalar(
        "SELECT rp.person_id FROM record_person rp JOIN participations p ON p.record_id = rp.record_id "
        "JOIN interactions x ON x.id = p.interaction_id WHERE x.channel = 'email' LIMIT 1"
    )
    store.close()
    result = CliRunner().invoke(
        app, ["--db", str(demo_db), "profile", "--person", str(person), "--channel", Channel.EMAIL.value]
    )
    assert result.exit_code == 0, result.output
    assert "✉ email" in result.output and "☎ call" not in result.output
