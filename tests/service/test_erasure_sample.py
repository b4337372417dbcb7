"""Erasure on the bundled sample (real formats: CRM rows, call records, mail threads, posts, campaign events):
whatever only the erased person had is gone from every table and from the file's bytes."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

import identity_graph
from identity_graph.erasure import erase_person
from identity_graph.ingest_manifest import load_manifest
from identity_graph.resolve import resolve_all
from identity_graph.settings import load_settings
from identity_graph.store import SQLiteStore, open_store
from tests.service.test_erasure import _byte_hits, _table_hits

pytestmark = pytest.mark.slow

SAMPLE = Path(identity_graph.__file__).parent / "sample"
#: Persons erased in turn (the ones with the most records: the richest traces).
PERSONS = 4
#: Shorter names are not checked (they occur inside other words).
MIN_NEEDLE = 4


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample loaded and resolved once."""
    path = tmp_path_factory.mktemp("erase-sample") / "sample.db"
    settings = load_settings(SAMPLE / "idgraph.toml", db=path)
    store = open_store(path)
    load_manifest(store, SAMPLE / "manifest.toml", settings)
    resolve_all(store, settings)
    store.close()
    return path


def _others_text(store: SQLiteStore, records: set[int]) -> str:
    """Every text cell of the records and interactions the person has no part in, and the identifiers someone
    else holds (lower case)."""
    conn = sqlite3.connect(store.path)
    marks = ",".join("?" * len(records))
    mine = sorted(records)
    try:
        touched = {
            int(i)
            for (i,) in conn.execute(f"SELECT interaction_id FROM participations WHERE record_id IN ({marks})", mine)
        }
        rows = conn.execute("SELECT * FROM records").fetchall()
        parts = [" ".join(map(str, row[1:])) for row in rows if row[0] not in records]
        rows = conn.execute("SELECT * FROM interactions").fetchall()
        parts += [" ".join(map(str, row[1:])) for row in rows if row[0] not in touched]
        held = conn.execute(
            "SELECT DISTINCT i.kind, i.value FROM identifiers i JOIN record_identifiers ri ON ri.identifier_id = i.id "
            f"WHERE ri.record_id NOT IN ({marks})",
            mine,
        ).fetchall()
        parts += [f"{kind} {value}" for kind, value in held]
    finally:
        conn.close()
    return "\n".join(parts).lower()


def _their_traces(store: SQLiteStore, person: int) -> tuple[str, ...]:
    """Names, emails and phones of the person that nobody else's data contains."""
    ids = store.person_record_ids([person])[person]
    needles: set[str] = set()
    for r in store.get_records(ids):
        needles.update(t for t in (r.first_name, r.last_name) if t and len(t) >= MIN_NEEDLE)
        for c in r.claimed:
            if c.identifier.kind.value in ("email", "phone"):
                needles.update((c.identifier.value, c.raw))
    others = _others_text(store, set(ids))
    return tuple(sorted(n for n in needles if n.lower() not in others))


@pytest.mark.parametrize("rank", range(PERSONS))
def test_erasing_a_sample_person_leaves_none_of_their_own_traces(sample_db: Path, tmp_path: Path, rank: int) -> None:
    path = tmp_path / "copy.db"
    shutil.copy(sample_db, path)
    store = open_store(path)
    rows = store.query("SELECT person_id FROM record_person GROUP BY person_id ORDER BY count(*) DESC, person_id")
    person = int(rows[rank][0])
    needles = _their_traces(store, person)
    assert needles, "the person should have some traces of their own"
    assert _table_hits(path, needles), "the traces are in the store before erasure"
    erase_person(store, person, load_settings(SAMPLE / "idgraph.toml", db=path))
    store.close()
    assert _table_hits(path, needles) == []
    assert _byte_hits(path, needles) == []
