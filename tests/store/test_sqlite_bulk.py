"""Bulk writes of the embedded store: whole-table replaces as a difference, indexes built after a big load."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from identity_graph.errors import StoreError
from identity_graph.store import SQLiteStore, open_store, sqlite_bulk
from identity_graph.store.sqlite_bulk import (
    BULK_PARAMS,
    bulk_params,
    indexes_built_after,
    insert_rows,
    replace_table,
    secondary_indexes,
    sorted_on_disk,
)
from identity_graph.store.sqlite_read import missing_records
from tests.factories import prepared, record


def _store_with_records(tmp_path: Path, n: int) -> tuple[SQLiteStore, list[int]]:
    s = open_store(tmp_path / "bulk.db")
    s.upsert_batch([prepared(record(str(i), f"Ann{i}", "Lee")) for i in range(n)])
    return s, s.record_ids()


def _keys(s: SQLiteStore) -> set[tuple[str, int]]:
    return {(str(k), int(r)) for k, r in s._conn().execute("SELECT key, record_id FROM blocking_keys")}


def test_replace_writes_only_the_difference(tmp_path: Path) -> None:
    s, ids = _store_with_records(tmp_path, 4)
    first = [("a", ids[0]), ("a", ids[1]), ("b", ids[2]), ("c", ids[3])]
    s.replace_blocking_keys(first, None)
    changes: list[str] = []
    s._conn().set_trace_callback(changes.append)
    s.replace_blocking_keys([("a", ids[0]), ("a", ids[1]), ("b", ids[2]), ("d", ids[3])], None)
    s._conn().set_trace_callback(None)
    writes = [c for c in changes if c.startswith(("INSERT", "DELETE"))]
    assert writes == [
        f"DELETE FROM blocking_keys WHERE key = 'c' AND record_id = {ids[3]}",
        f"INSERT OR IGNORE INTO blocking_keys(key, record_id) VALUES ('d', {ids[3]})",
    ]
    assert _keys(s) == {("a", ids[0]), ("a", ids[1]), ("b", ids[2]), ("d", ids[3])}
    s.close()


def test_replace_with_the_same_keys_writes_nothing(tmp_path: Path) -> None:
    s, ids = _store_with_records(tmp_path, 3)
    keys = [("k1", ids[0]), ("k1", ids[1]), ("k2", ids[2]), ("k2", ids[2])]  # a repeated pair is one row
    s.replace_blocking_keys(keys, None)
    changes: list[str] = []
    s._conn().set_trace_callback(changes.append)
    s.replace_blocking_keys(keys, None)
    s._conn().set_trace_callback(None)
    assert not [c for c in changes if c.startswith(("INSERT", "DELETE"))]
    assert _keys(s) == set(keys)
    s.close()


def test_big_load_into_empty_table_rebuilds_indexes_and_lookups_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_bulk, "BULK_INDEX_ROWS", 10)  # the path a real bulk load takes, on a small table
    s, ids = _store_with_records(tmp_path, 30)
    before = secondary_indexes(s._conn(), "blocking_keys")
    assert before  # the record index the real-time path and cascades use
    keys = [(f"k{i % 7}", rid) for i, rid in enumerate(ids)]
    changes: list[str] = []
    s._conn().set_trace_callback(changes.append)
    s.replace_blocking_keys(keys, None)
    s._conn().set_trace_callback(None)
    assert any(c.startswith("DROP INDEX") for c in changes)
    assert secondary_indexes(s._conn(), "blocking_keys") == before
    assert s._conn().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert s.records_with_blocking_keys(["k3"], 10) == {"k3": sorted(r for k, r in keys if k == "k3")}
    s.close()


def test_failed_bulk_load_rolls_back_and_keeps_indexes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_bulk, "BULK_INDEX_ROWS", 2)
    s, ids = _store_with_records(tmp_path, 3)
    before = secondary_indexes(s._conn(), "blocking_keys")
    real_insert = sqlite_bulk.insert_rows

    def insert_then_fail(*args: Any, **kwargs: Any) -> None:
        real_insert(*args, **kwargs)  # the rows are in, the index is dropped: then the write fails
        assert secondary_indexes(s._conn(), "blocking_keys") == []
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(sqlite_bulk, "insert_rows", insert_then_fail)
    with pytest.raises(sqlite3.OperationalError):
        s.replace_blocking_keys([("a", ids[0]), ("a", ids[1]), ("b", ids[2])], None)
    assert _keys(s) == set()
    assert secondary_indexes(s._conn(), "blocking_keys") == before
    s.close()


@pytest.mark.parametrize("record_ids", [None, "given"])
def test_keys_of_a_record_not_in_the_store_are_refused(tmp_path: Path, record_ids: str | None) -> None:
    s, ids = _store_with_records(tmp_path, 3)
    s.replace_blocking_keys([("a", ids[0]), ("b", ids[1])], None)
    for bad in ([("a", ids[2]), ("a", 999_999)], [("c", 999_999)]):
        with pytest.raises(StoreError, match=r"1 record.* not in the store \(first id 999999\)"):
            s.replace_blocking_keys(bad, None if record_ids is None else ids[2:])
    assert _keys(s) == {("a", ids[0]), ("b", ids[1])}  # nothing written
    s.close()


def test_deleting_a_record_deletes_its_keys(tmp_path: Path) -> None:
    s, ids = _store_with_records(tmp_path, 3)
    s.replace_blocking_keys([("a", ids[0]), ("a", ids[1]), ("b", ids[1]), ("c", ids[2])], None)
    with s.transaction() as conn:
        conn.execute("DELETE FROM records WHERE id = ?", (ids[1],))  # the trigger does what the cascade did
    assert _keys(s) == {("a", ids[0]), ("c", ids[2])}
    assert s.records_with_blocking_keys(["a", "b"], 10) == {"a": [ids[0]], "b": []}
    s.close()


def test_indexes_built_after_needs_a_transaction(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "plain.db", isolation_level=None)
    conn.execute("CREATE TABLE t (a TEXT, b INTEGER)")
    conn.execute("CREATE INDEX ix_t_b ON t(b)")
    with pytest.raises(RuntimeError), indexes_built_after(conn, "t"):
        pass
    assert secondary_indexes(conn, "t") == [("ix_t_b", "CREATE INDEX ix_t_b ON t(b)")]
    conn.execute("BEGIN")
    assert replace_table(conn, "t", ("a", "b"), {("x", 1), ("y", 2)}) == (2, 0)
    assert replace_table(conn, "t", ("a", "b"), {("x", 1), ("z", 3)}) == (1, 1)
    conn.execute("COMMIT")
    assert sorted(conn.execute("SELECT a, b FROM t")) == [("x", 1), ("z", 3)]
    conn.close()


def test_a_table_too_big_to_diff_is_emptied_and_filled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_bulk, "DIFF_MAX_ROWS", 3)
    s, ids = _store_with_records(tmp_path, 5)
    s.replace_blocking_keys([(f"k{i}", rid) for i, rid in enumerate(ids)], None)  # 5 rows: more than 3
    changes: list[str] = []
    s._conn().set_trace_callback(changes.append)
    s.replace_blocking_keys([("k0", ids[0]), ("new", ids[1])], None)
    s._conn().set_trace_callback(None)
    assert "DELETE FROM blocking_keys" in changes
    assert _keys(s) == {("k0", ids[0]), ("new", ids[1])}
    s.close()


@pytest.mark.parametrize("n", [0, 1, 449, 450, 451, 1000])
def test_insert_rows_many_per_statement_as_one_by_one(tmp_path: Path, n: int) -> None:
    conn = sqlite3.connect(tmp_path / "rows.db", isolation_level=None)
    conn.execute("CREATE TABLE t (a TEXT, b INTEGER, UNIQUE (a))")
    rows = [(f"k{i % 700}", i) for i in range(n)]  # from 700 on, keys repeat: OR IGNORE keeps the first
    insert_rows(conn, "INSERT OR IGNORE INTO t(a, b)", 2, rows)
    first: dict[str, int] = {}
    for a, b in rows:
        first.setdefault(a, b)
    expected = list(first.items())
    assert conn.execute("SELECT a, b FROM t ORDER BY rowid").fetchall() == expected
    conn.close()


def test_insert_rows_with_an_upsert_suffix_takes_the_last_row_of_a_key(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "upsert.db", isolation_level=None)
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER)")
    rows = [(i % 600, i) for i in range(1000)]  # keys 0..399 come twice, in two different statements or one
    insert_rows(conn, "INSERT INTO t(k, v)", 2, rows, "ON CONFLICT(k) DO UPDATE SET v = excluded.v")
    assert dict(conn.execute("SELECT k, v FROM t")) == dict(rows)
    conn.close()


@pytest.mark.parametrize(("n", "params"), [(40_001, BULK_PARAMS), (7, 3), (5, 1)])
def test_insert_rows_with_big_statements_as_one_by_one(tmp_path: Path, n: int, params: int) -> None:
    conn = sqlite3.connect(tmp_path / "big.db", isolation_level=None)
    conn.execute("CREATE TABLE t (a TEXT, b INTEGER, UNIQUE (a))")
    rows = [(f"k{i % 30_000}", i) for i in range(n)]  # from 30,000 on, keys repeat: OR IGNORE keeps the first
    insert_rows(conn, "INSERT OR IGNORE INTO t(a, b)", 2, rows, params=params)
    first: dict[str, int] = {}
    for a, b in rows:
        first.setdefault(a, b)
    assert conn.execute("SELECT a, b FROM t ORDER BY rowid").fetchall() == list(first.items())
    conn.close()


def test_bulk_statements_stay_within_this_sqlites_parameter_limit(tmp_path: Path) -> None:
    s = open_store(tmp_path / "limit.db")
    s.upsert_batch([prepared(record(str(i), "A", "B")) for i in range(3)])
    ids = s.record_ids()
    conn = s._conn()
    assert bulk_params(conn) == min(BULK_PARAMS, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 101)
    assert bulk_params(conn) == 101
    keys = {(f"k{i}", ids[i % 3]) for i in range(500)}
    s.replace_blocking_keys(sorted(keys), None)  # 50 rows a statement: more would fail with "too many SQL variables"
    assert _keys(s) == keys
    s.close()


def test_an_empty_keyed_table_is_filled_without_deduplicating_first(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "keyed.db", isolation_level=None)
    conn.execute("CREATE TABLE t (a TEXT NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (b, a)) WITHOUT ROWID")
    conn.execute("CREATE INDEX ix_t_a ON t(a)")
    conn.execute("BEGIN")
    rows = [("x", 2), ("y", 1), ("x", 2), ("z", 3), ("y", 1)]  # repeats: the primary key drops them on insert
    assert replace_table(conn, "t", ("a", "b"), rows, order_by=1, keyed=True) == (3, 0)
    assert replace_table(conn, "t", ("a", "b"), [("x", 2), ("w", 4), ("w", 4)], order_by=1, keyed=True) == (1, 2)
    conn.execute("COMMIT")
    assert sorted(conn.execute("SELECT a, b FROM t")) == [("w", 4), ("x", 2)]
    assert secondary_indexes(conn, "t") == [("ix_t_a", "CREATE INDEX ix_t_a ON t(a)")]
    conn.close()


def test_a_big_fill_of_an_empty_keyed_table_builds_its_index_after(tmp_path: Path) -> None:
    s, ids = _store_with_records(tmp_path, 3)
    keys = [(f"k{i % 9000}", ids[i % 3]) for i in range(sqlite_bulk.BULK_INDEX_ROWS + 50)]
    statements: list[str] = []
    s._conn().set_trace_callback(statements.append)
    s.replace_blocking_keys(keys, None)
    s._conn().set_trace_callback(None)
    assert [c for c in statements if "INDEX" in c] == [
        'DROP INDEX "ix_blocking_keys_key"',
        "CREATE INDEX ix_blocking_keys_key ON blocking_keys(key)",
    ]
    assert _keys(s) == set(keys)
    assert s.records_with_blocking_keys(["k5"], 10) == {"k5": [ids[2]]}
    s.close()


def test_beside_runs_the_write_on_a_worker_and_meanwhile_here() -> None:
    threads: dict[str, int] = {}
    sqlite_bulk.beside(
        lambda: threads.update(write=threading.get_ident()), lambda: threads.update(meanwhile=threading.get_ident())
    )
    assert threads["meanwhile"] == threading.get_ident() != threads["write"]
    ran: list[str] = []
    sqlite_bulk.beside(lambda: ran.append("write"), None)  # nothing beside: the write runs here
    assert ran == ["write"]


def test_beside_raises_an_error_of_either_once_both_are_done() -> None:
    done: list[str] = []

    def slow_write() -> None:
        time.sleep(0.05)
        done.append("write")

    def failing() -> None:
        raise ValueError("meanwhile failed")

    with pytest.raises(ValueError, match="meanwhile failed"):
        sqlite_bulk.beside(slow_write, failing)
    assert done == ["write"]  # waited for the write before raising

    def failing_write() -> None:
        raise sqlite3.OperationalError("write failed")

    with pytest.raises(sqlite3.OperationalError, match="write failed"):
        sqlite_bulk.beside(failing_write, lambda: done.append("meanwhile"))
    assert done == ["write", "meanwhile"]


@pytest.mark.parametrize("size", [5, sqlite_bulk.BULK_INDEX_ROWS + 5])
def test_meanwhile_runs_once_whatever_the_replace_writes(tmp_path: Path, size: int) -> None:
    s, ids = _store_with_records(tmp_path, 3)
    calls: list[int] = []
    keys = [(f"k{i}", ids[i % 3]) for i in range(size)]
    s.replace_blocking_keys(keys, None, meanwhile=lambda: calls.append(1))  # a fresh fill
    s.replace_blocking_keys([*keys[1:], ("new", ids[0])], None, meanwhile=lambda: calls.append(2))  # a difference
    s.replace_blocking_keys([("own", ids[1])], [ids[1]], meanwhile=lambda: calls.append(3))  # one record's keys
    assert calls == [1, 2, 3]
    expected = {*keys[1:], ("new", ids[0])} - {k for k in keys if k[1] == ids[1]} | {("own", ids[1])}
    assert _keys(s) == expected
    assert secondary_indexes(s._conn(), "blocking_keys") == [
        ("ix_blocking_keys_key", "CREATE INDEX ix_blocking_keys_key ON blocking_keys(key)")
    ]
    s.close()


def test_a_failure_beside_the_index_build_writes_nothing(tmp_path: Path) -> None:
    s, ids = _store_with_records(tmp_path, 3)
    s.replace_blocking_keys([("old", ids[0])], None)

    def failing() -> None:
        raise RuntimeError("clustering failed")

    with s.transaction() as conn:
        conn.execute("DELETE FROM blocking_keys")  # an empty table: the big fill drops and rebuilds the index
    keys = [(f"k{i}", ids[i % 3]) for i in range(sqlite_bulk.BULK_INDEX_ROWS + 5)]
    with pytest.raises(RuntimeError, match="clustering failed"), s.transaction():
        s.replace_blocking_keys(keys, None, meanwhile=failing)
    assert _keys(s) == set()  # the delete above was committed on its own; the fill rolled back
    assert secondary_indexes(s._conn(), "blocking_keys") == [
        ("ix_blocking_keys_key", "CREATE INDEX ix_blocking_keys_key ON blocking_keys(key)")
    ]
    s.close()


def test_missing_records_of_a_gapless_run_of_ids(tmp_path: Path) -> None:
    s, ids = _store_with_records(tmp_path, 5)
    conn = s._conn()
    assert ids == list(range(ids[0], ids[0] + 5))
    assert missing_records(conn, set(ids)) == []  # all there: one count
    assert missing_records(conn, {*ids, ids[-1] + 1}) == [ids[-1] + 1]  # a run past the last record
    with s.transaction() as tx:
        tx.execute("DELETE FROM records WHERE id = ?", (ids[2],))
    assert missing_records(conn, set(ids)) == [ids[2]]  # a hole inside the run
    assert missing_records(conn, set()) == []
    s.close()


def test_sorts_spill_to_disk_for_the_body_only(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("CREATE TABLE t(k TEXT)")
    with sorted_on_disk(conn):
        assert conn.execute("PRAGMA temp_store").fetchone()[0] == 1  # FILE
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO t VALUES (?)", [(str(i),) for i in range(1000)])
        conn.execute("CREATE INDEX t_k ON t(k)")
        conn.execute("COMMIT")
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY again
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM t")
    with sorted_on_disk(conn):  # inside a transaction SQLite refuses the change: the body runs as it is
        assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2
    conn.execute("COMMIT")
    conn.close()
