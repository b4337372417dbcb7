"""Loading keeps storing exactly what it stored before it was made faster.

`load_snapshot.json` holds, per table, the row count and a digest of every row (times left out) after these
loads, taken with the loading code as it was before issue 18's speed work:
- the bundled sample as it was then (a frozen copy in `fixtures/sample`: the bundled one is regenerated as the
  generator grows), with its own settings, then the same manifest again (nothing may change);
- a febrl-pool set of CRM, call, send and social rows (`benchmarks/bench_load.py`), then a second CRM file
  with changed rows (new versions), a malformed row (quarantined with file and line), a bad birth date and a
  bad phone (the field or claim dropped and counted, the record kept), and the same set again.

A failing table names what changed; rewrite the snapshot only for a change meant to alter stored rows:
`python -m tests.ingest.test_load_snapshot --write`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from identity_graph import ingest_parallel
from identity_graph.ingest_manifest import load_manifest
from identity_graph.settings import Settings, load_settings
from identity_graph.store import open_store

SNAPSHOT = Path(__file__).with_name("load_snapshot.json")
#: The bundled sample of commit ef5da92, frozen (its README says how it was made).
SAMPLE = Path(__file__).parent / "fixtures" / "sample"
#: febrl-pool rows of the generated set (whole people, four channels).
GENERATED_ROWS = 3_000

#: What is compared of each table: its columns but the times of the load (first seen, changed, replaced).
TABLES = {
    "records": "SELECT id, source, source_id, kind, first_name, middle_name, last_name, full_name, dob, street, "
    "city, state, postal_code, country, address_full, company, attributes, created_at, updated_at, "
    "content_hash, version, dirty FROM records ORDER BY id",
    "record_names": "SELECT rowid, name FROM record_names ORDER BY rowid",
    "identifiers": "SELECT id, kind, value FROM identifiers ORDER BY id",
    "record_identifiers": "SELECT record_id, identifier_id, field, strength, raw FROM record_identifiers "
    "ORDER BY record_id, identifier_id, field",
    "interactions": "SELECT id, source, source_id, channel, occurred_at, direction, subject, summary, thread_key, "
    "attributes, content_hash, version FROM interactions ORDER BY id",
    "participations": "SELECT interaction_id, record_id, role FROM participations ORDER BY 1, 2, 3",
    "item_versions": "SELECT item_kind, item_id, version, content_hash, data FROM item_versions ORDER BY 1, 2, 3",
    "change_events": "SELECT id, type, person_id, other_person_id, record_id, cause FROM change_events ORDER BY id",
    "ingest_runs": "SELECT id, source, format, loaded, updated, unchanged, quarantined, notes FROM ingest_runs "
    "ORDER BY id",
}


def _digest(rows: Iterator[tuple[object, ...]]) -> tuple[int, str]:
    """Row count and a digest of the rows in order."""
    h = hashlib.sha256()
    n = 0
    for row in rows:
        n += 1
        h.update(json.dumps(row, default=str).encode("utf-8"))
    return n, h.hexdigest()


def _notes_without_paths(notes: str) -> str:
    """A load's notes with its quarantine file's path cut to its name's absence (it holds a time and a folder)."""
    return json.dumps([n.split(": ", 1)[0] if n.startswith("quarantine: ") else n for n in json.loads(notes)])


def store_contents(db: Path, quarantine: Path) -> dict[str, list[object]]:
    """Per table [row count, digest]; and the quarantined rows (file name, line, reason, text), by content."""
    conn = sqlite3.connect(db)
    try:
        out: dict[str, list[object]] = {}
        for table, sql in TABLES.items():
            rows: Iterable[tuple[Any, ...]] = conn.execute(sql)
            if table == "ingest_runs":
                rows = ((*r[:-1], _notes_without_paths(r[-1])) for r in rows)
            out[table] = list(_digest(iter(rows)))
    finally:
        conn.close()
    quarantined = []
    for path in sorted(quarantine.rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            quarantined += [tuple(Path(c).name if i == 0 else c for i, c in enumerate(row)) for row in csv.reader(fh)]
    out["quarantine"] = list(_digest(iter(sorted(quarantined))))
    return out


def _settings(db: Path, quarantine: Path, config: Path | None = None) -> Settings:
    """Settings of one snapshot store."""
    return load_settings(config, db=str(db), ingest={"quarantine_dir": str(quarantine)})


def load_sample(folder: Path) -> dict[str, list[object]]:
    """The frozen sample loaded twice into a fresh store; the store's contents."""
    data = SAMPLE
    folder.mkdir(parents=True, exist_ok=True)
    db, quarantine = folder / "sample.db", folder / "q-sample"
    settings = _settings(db, quarantine, data / "idgraph.toml")
    store = open_store(db)
    try:
        for _ in range(2):
            load_manifest(store, data / "manifest.toml", settings)
    finally:
        store.close()
    return store_contents(db, quarantine)


def _changed_crm(folder: Path) -> None:
    """A second CRM file: every seventh row's surname changed, a malformed row, a bad birth date, a bad phone."""
    with (folder / "crm.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    for n, row in enumerate(body):
        if n % 7 == 0:
            row[2] = (row[2] or "x") + "son"
    body[3][3] = "19991399"  # no such day: the birth date is left out, the record kept
    body[5][9] = "12"  # not a phone: the claim is left out and counted
    body.insert(10, ["", "no id"])  # malformed: too few columns and no id
    with (folder / "crm2.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *body])
    text = (folder / "manifest.toml").read_text(encoding="utf-8")
    (folder / "manifest2.toml").write_text(text.replace('"crm.csv"', '"crm2.csv"'), encoding="utf-8")


def load_generated(folder: Path) -> dict[str, list[object]]:
    """The febrl-pool set loaded, then a changed CRM file, then the set again; the store's contents."""
    from benchmarks.bench_load import write_load_set

    data = folder / "set"
    write_load_set(data, GENERATED_ROWS)
    _changed_crm(data)
    db, quarantine = folder / "generated.db", folder / "q-generated"
    settings = _settings(db, quarantine)
    store = open_store(db)
    try:
        for manifest in ("manifest.toml", "manifest2.toml", "manifest.toml"):
            load_manifest(store, data / manifest, settings)
    finally:
        store.close()
    return store_contents(db, quarantine)


def _expected(name: str) -> dict[str, list[object]]:
    """The snapshot of one scenario."""
    found: dict[str, dict[str, list[object]]] = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return found[name]


def _compare(name: str, got: dict[str, list[object]]) -> None:
    """Fail naming every table whose rows differ from the snapshot."""
    want = _expected(name)
    differ = {t: (want.get(t), got.get(t)) for t in sorted(set(want) | set(got)) if want.get(t) != got.get(t)}
    assert not differ, f"{name}: stored rows differ from the snapshot in {differ}"


#: Each load in one process, and with a worker process reading (`identity_graph.ingest_parallel`).
WAYS = {"one process": 2**62, "worker": 0}


@pytest.fixture(params=list(WAYS))
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Loads below take the worker from this input size on."""
    monkeypatch.setattr(ingest_parallel, "PARALLEL_MIN_BYTES", WAYS[request.param])
    return str(request.param)


def test_sample_load_stores_what_it_stored_before(tmp_path: Path, way: str) -> None:
    _compare("sample", load_sample(tmp_path))


def test_generated_load_stores_what_it_stored_before(tmp_path: Path, way: str) -> None:
    pytest.importorskip("recordlinkage")
    _compare("generated", load_generated(tmp_path))


def test_the_snapshot_sees_a_changed_row(tmp_path: Path) -> None:
    """The comparison can fail: one changed name changes the records' digest and no other table's."""
    got = load_sample(tmp_path)
    conn = sqlite3.connect(tmp_path / "sample.db")
    with conn:
        conn.execute("UPDATE records SET first_name = 'Zed' WHERE id = (SELECT min(id) FROM records)")
    conn.close()
    changed = store_contents(tmp_path / "sample.db", tmp_path / "q-sample")
    assert changed["records"] != got["records"]
    assert {t for t in got if got[t] != changed[t]} == {"records"}


def main() -> None:
    """--write: take the snapshot with the code as it is."""
    import tempfile

    if "--write" not in sys.argv:
        sys.exit("usage: python -m tests.ingest.test_load_snapshot --write")
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = {"sample": load_sample(Path(tmp) / "a"), "generated": load_generated(Path(tmp) / "b")}
    SNAPSHOT.write_text(json.dumps(snapshot, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT}")


if __name__ == "__main__":
    main()
