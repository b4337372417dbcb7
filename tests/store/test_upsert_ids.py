"""A batch's new records get their identifiers and names under the ids SQLite gave them, whether those ids
follow on from the largest one (the usual case) or not (after the largest possible id, SQLite picks at random)."""

from __future__ import annotations

from pathlib import Path

import pytest

from identity_graph.store import PreparedRecord, SQLiteStore, open_store
from identity_graph.store.sqlite_ingest import BULK_ROWS
from tests.factories import prepared, record

#: SQLite's largest rowid: a row inserted without an id after it gets a random free one.
MAX_ROWID = 2**63 - 1


def _batch(n: int, tag: str) -> list[PreparedRecord]:
    return [prepared(record(f"{tag}{i}", f"Name{tag}{i:04d}q", "Lee", phone=f"+1415555{i:04d}")) for i in range(n)]


#: Records in the first batch: looked up in bulk (at least BULK_ROWS) or one by one.
SIZES = [BULK_ROWS + 20, 30]


def _ids(s: SQLiteStore) -> dict[str, int]:
    return {r.source_id: r.id for r in s.get_records(s.record_ids())}


def _check_links(s: SQLiteStore, tag: str, numbers: range) -> None:
    by_source_id = {r.source_id: r for r in s.get_records(s.record_ids())}
    for i in numbers:
        rec = by_source_id[f"{tag}{i}"]
        assert [c.identifier.key for c in rec.claimed] == [f"phone:+1415555{i:04d}"]
        assert s.search_names(f"Name{tag}{i:04d}q") == [rec.id]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("largest", [None, 41, MAX_ROWID])
def test_new_records_get_their_own_identifiers_and_names(tmp_path: Path, largest: int | None, size: int) -> None:
    s = open_store(tmp_path / "ids.db")
    if largest is not None:
        with s.transaction() as conn:  # a record already there under this id
            conn.execute(
                "INSERT INTO records (id, source, source_id, kind, content_hash, first_seen, changed_at) "
                "VALUES (?, 'crm', 'old', 'contact', 'x', 't', 't')",
                (largest,),
            )
    s.upsert_batch(_batch(size, "a"))
    if largest == 41:
        assert _ids(s)["a0"] == 42  # SQLite's usual choice: the largest id plus one
    changed = prepared(record("a3", "Changed", "Lee", phone="+14155559999"))
    s.upsert_batch([*_batch(size, "b"), changed])  # new records and a changed one in one batch
    _check_links(s, "a", range(4, size))
    _check_links(s, "b", range(size))
    ids = _ids(s)
    assert len(set(ids.values())) == len(ids) == 2 * size + (largest is not None)
    assert s.search_names("Changed") == [ids["a3"]]
    assert [c.identifier.key for c in s.get_records([ids["a3"]])[0].claimed] == ["phone:+14155559999"]
    s.close()
