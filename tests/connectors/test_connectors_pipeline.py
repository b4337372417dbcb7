"""The ingest pipeline over a real SQLite store: batches, idempotence, versions, crashes, quarantine, runs."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from identity_graph.errors import ConfigError, InputError
from identity_graph.ingest import IngestResult, ingest, ingest_items
from identity_graph.ingest_manifest import load_manifest
from identity_graph.model import Interaction, Record, SourceItem
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from tests.connectors.helpers import FIXTURES, run_connector

#: (format, inputs, mapping) of every committed fixture.
ALL_FIXTURES = [
    ("salesforce", ["salesforce/contacts.csv"], None),
    ("hubspot", ["hubspot/contacts.csv"], None),
    ("csv", ["csv/customers.csv"], "csv/mapping.toml"),
    ("jsonl", ["jsonl/contacts.jsonl"], "jsonl/mapping.toml"),
    ("asterisk", ["asterisk/Master.csv"], None),
    ("calls-csv", ["calls-csv/calls.csv"], "calls-csv/mapping.toml"),
    ("mbox", ["mbox/support.mbox"], None),
    ("eml", ["eml"], None),
    ("maildir", ["maildir"], None),
    ("esp-csv", ["esp-csv/sends.csv"], "esp-csv/mapping.toml"),
    ("x-api-v2", ["x-api-v2/search.jsonl", "x-api-v2/page.json"], None),
    ("social-jsonl", ["social-jsonl/accounts.jsonl"], "social-jsonl/mapping.toml"),
]


def _load(
    store: SQLiteStore | None, settings: Settings, fmt: str, paths: list[str], mapping: str | None, **kw: object
) -> IngestResult:
    return ingest(
        store, fmt, "src", [FIXTURES / p for p in paths], settings,
        mapping=FIXTURES / mapping if mapping else None, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.parametrize(("fmt", "paths", "mapping"), ALL_FIXTURES, ids=[f[0] for f in ALL_FIXTURES])
def test_every_fixture_loads_then_reloads_unchanged(
    store: SQLiteStore, own_settings: Settings, fmt: str, paths: list[str], mapping: str | None
) -> None:
    first = _load(store, own_settings, fmt, paths, mapping)
    assert first.stats.loaded > 0 and first.stats.updated == 0
    assert first.stats.loaded + first.stats.unchanged == len(
        {("r", r) for r in _keys(fmt, paths, mapping, "record")} | {("i", i) for i in _keys(fmt, paths, mapping, "act")}
    )
    counts = store.counts()
    again = _load(store, own_settings, fmt, paths, mapping)
    assert (again.stats.loaded, again.stats.updated) == (0, 0)
    assert again.stats.unchanged > 0
    assert store.counts() == counts
    runs = store.query("SELECT format, loaded, unchanged, quarantined FROM ingest_runs ORDER BY id")
    assert [tuple(r) for r in runs] == [
        (fmt, first.stats.loaded, first.stats.unchanged, first.quarantined),
        (fmt, 0, again.stats.unchanged, again.quarantined),
    ]


def _keys(fmt: str, paths: list[str], mapping: str | None, what: str) -> set[str]:
    items = run_connector(fmt, paths, mapping)
    if what == "record":
        return {i.source_id for i in items if isinstance(i, Record)}
    return {i.source_id for i in items if isinstance(i, Interaction)}


def test_identifiers_are_normalized_and_ours_never_stored(store: SQLiteStore, own_settings: Settings) -> None:
    _load(store, own_settings, "asterisk", ["asterisk/Master.csv"], None)
    _load(store, own_settings, "mbox", ["mbox/support.mbox"], None)
    values = {f"{r['kind']}:{r['value']}" for r in store.query("SELECT kind, value FROM identifiers")}
    assert {"phone:+14155550134", "email:tdefren@gmail.com", "handle:x:tdefren"} <= values
    assert not {v for v in values if "acme.example" in v or v == "phone:+18005550100"}


def _sf(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text("Id,FirstName,LastName,Email\n" + "".join(r + "\n" for r in rows))
    return path


def test_changed_row_updates_the_record_and_keeps_the_previous_version(
    tmp_path: Path, store: SQLiteStore, own_settings: Settings
) -> None:
    ingest(store, "salesforce", "crm", [_sf(tmp_path, ["003A,Ann,Lee,ann@example.com", "003B,Bo,Ray,"])], own_settings)
    result = ingest(
        store,
        "salesforce",
        "crm",
        [_sf(tmp_path, ["003A,Ann,Lee-Smith,ann@example.com", "003B,Bo,Ray,"])],
        own_settings,
    )
    assert (result.stats.loaded, result.stats.updated, result.stats.unchanged) == (0, 1, 1)
    rec = store.find_record("crm", "003A")
    assert rec is not None and rec.last_name == "Lee-Smith" and rec.version == 2
    (old,) = store.query("SELECT version, data FROM item_versions WHERE item_kind = 'record' AND item_id = ?", [rec.id])
    assert old["version"] == 1 and json.loads(old["data"])["last_name"] == "Lee"


def test_crash_mid_load_leaves_exactly_the_committed_batches(store: SQLiteStore, own_settings: Settings) -> None:
    items = [i for i in run_connector("asterisk", ["asterisk/Master.csv"]) if isinstance(i, Record | Interaction)]

    def crashing() -> Iterator[SourceItem]:
        for n, item in enumerate(items):
            if n == 7:  # batch size 3: two batches (6 items) are committed, the third is in progress
                raise RuntimeError("disk on fire")
            yield item

    result = IngestResult(source="src", format="asterisk", paths=[])
    with pytest.raises(RuntimeError, match="disk on fire"):
        ingest_items(crashing(), store, own_settings, result)
    committed = items[:6]
    stored_records = {r["source_id"] for r in store.query("SELECT source_id FROM records")}
    stored_acts = {r["source_id"] for r in store.query("SELECT source_id FROM interactions")}
    assert stored_records == {i.source_id for i in committed if not isinstance(i, Interaction)}
    assert stored_acts == {i.source_id for i in committed if isinstance(i, Interaction)}
    # loading again after the crash completes the load
    again = _load(store, own_settings, "asterisk", ["asterisk/Master.csv"], None)
    assert again.stats.unchanged == 6 and again.stats.loaded == len(items) - 6


def test_rejected_rows_go_to_one_quarantine_file_and_the_load_goes_on(
    tmp_path: Path, store: SQLiteStore, own_settings: Settings
) -> None:
    path = _sf(tmp_path, ["003A,Ann,Lee,", "003B,short", "003C,Cy,Day,"])
    result = ingest(store, "salesforce", "crm", [path], own_settings)
    assert (result.stats.loaded, result.quarantined) == (2, 1)
    assert result.quarantine_file is not None and result.quarantine_file.parent == own_settings.ingest.quarantine_dir
    with result.quarantine_file.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows == [{"file": str(path), "line": "3", "reason": "expected 4 columns, found 2", "raw": "003B,short\n"}]
    (run,) = store.query("SELECT quarantined, notes FROM ingest_runs")
    assert run["quarantined"] == 1 and str(result.quarantine_file) in run["notes"]


def test_strict_stops_at_the_first_rejected_row(tmp_path: Path, store: SQLiteStore, own_settings: Settings) -> None:
    path = _sf(tmp_path, ["003A,Ann,Lee,", "003B,short", "003C,Cy,Day,"])
    with pytest.raises(InputError, match=":3: expected 4 columns"):
        ingest(store, "salesforce", "crm", [path], own_settings, strict=True)
    assert store.counts()["records"] == 0  # the batch in progress is not committed
    (run,) = store.query("SELECT notes FROM ingest_runs")
    assert "stopped" in run["notes"]


def test_dry_run_writes_nothing(tmp_path: Path, store: SQLiteStore, own_settings: Settings) -> None:
    path = _sf(tmp_path, ["003A,Ann,Lee,", "003B,short"])
    result = ingest(store, "salesforce", "crm", [path], own_settings, dry_run=True)
    assert (result.records_seen, result.quarantined, result.stats.loaded) == (1, 1, 0)
    assert result.rejects == [f"{path}:3: expected 4 columns, found 2"]
    assert store.counts()["records"] == 0
    assert not store.query("SELECT * FROM ingest_runs")
    assert not own_settings.ingest.quarantine_dir.exists()


def test_missing_input_and_unknown_format_are_config_errors(store: SQLiteStore, own_settings: Settings) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        ingest(store, "salesforce", "crm", ["/no/such/file.csv"], own_settings)
    with pytest.raises(ConfigError, match="unknown format"):
        ingest(store, "excel", "crm", [FIXTURES / "csv/customers.csv"], own_settings)
    with pytest.raises(ConfigError, match="folder"):
        ingest(store, "salesforce", "crm", [FIXTURES / "eml"], own_settings)


def test_manifest_loads_entries_in_order(tmp_path: Path, store: SQLiteStore, own_settings: Settings) -> None:
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        f'[[load]]\nformat = "salesforce"\nsource = "crm"\npaths = ["{FIXTURES}/salesforce/*.csv"]\n\n'
        f'[[load]]\nformat = "esp-csv"\nsource = "esp"\npaths = ["{FIXTURES}/esp-csv/sends.csv"]\n'
        f'mapping = "{FIXTURES}/esp-csv/mapping.toml"\n'
    )
    seen: list[int] = []
    results = load_manifest(store, manifest, own_settings, progress=seen.append)
    assert [(r.source, r.format) for r in results] == [("crm", "salesforce"), ("esp", "esp-csv")]
    assert store.counts()["records"] == 3 + 3 and store.counts()["interactions"] == 6
    assert seen == sorted(seen) and seen[-1] > 0


def test_manifest_errors_come_before_any_load(tmp_path: Path, store: SQLiteStore, own_settings: Settings) -> None:
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        f'[[load]]\nformat = "salesforce"\nsource = "crm"\npaths = ["{FIXTURES}/salesforce/contacts.csv"]\n\n'
        '[[load]]\nformat = "esp-csv"\nsource = "esp"\npaths = ["missing/*.csv"]\n'
    )
    with pytest.raises(ConfigError, match="no file matches"):
        load_manifest(store, manifest, own_settings)
    assert store.counts()["records"] == 0


def test_changed_call_updates_the_interaction_and_keeps_its_previous_version(
    tmp_path: Path, store: SQLiteStore, own_settings: Settings
) -> None:
    original = (FIXTURES / "asterisk/Master.csv").read_text()
    path = tmp_path / "Master.csv"
    path.write_text(original)
    ingest(store, "asterisk", "pbx", [path], own_settings)
    path.write_text(original.replace("196,192,", "196,190,"))
    result = ingest(store, "asterisk", "pbx", [path], own_settings)
    assert result.stats.interactions_updated == 1 and result.stats.records_updated == 0
    (old,) = store.query("SELECT data FROM item_versions WHERE item_kind = 'interaction'")
    assert "3m12s" in json.loads(old["data"])["summary"]


def test_summary_notes_say_encoding_fallbacks_and_unusable_identifiers(
    tmp_path: Path, store: SQLiteStore, own_settings: Settings
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes("Id,LastName,Phone,Email\n003A,Müller,123-45,not-an-address\n".encode("cp1252"))
    result = ingest(store, "salesforce", "crm", [path], own_settings)
    notes = result.notes()
    assert any("cp1252" in n for n in notes)
    assert "1 unusable email identifier(s) left out" in notes and "1 unusable phone identifier(s) left out" in notes
    rec = store.find_record("crm", "003A")
    assert rec is not None and rec.last_name == "Müller"
