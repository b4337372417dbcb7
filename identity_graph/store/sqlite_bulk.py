"""Bulk writes of the embedded store: indexes built after a large load, whole-table replaces as a difference.

Everything here runs inside the caller's transaction: a crash rolls the whole write back, dropped indexes
included (SQLite's schema changes are transactional), so a store is never left without an index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import chain
from operator import itemgetter
from typing import Any

from identity_graph.store.sqlite_base import PARAM_CHUNK

#: Inserting at least this many rows into a table that holds fewer rows than that builds the table's
#: secondary indexes once afterwards (one sorted pass) instead of updating them row by row: about half the
#: time on 180k blocking keys. Below it, dropping and rebuilding an index costs more than it saves.
BULK_INDEX_ROWS = 20_000
#: A table holding more rows than this is replaced whole (emptied, refilled with its indexes built after)
#: rather than by a difference, so the rows already there are never all held in memory at once (about 150
#: bytes each in Python).
DIFF_MAX_ROWS = 2_000_000
#: Bound parameters per statement when filling a table with many rows (SQLite's portable limit is 32,766): a
#: dozen statements for 180k blocking keys instead of four hundred. Each statement runs with the interpreter
#: lock released, so a thread scoring beside the write waits for it a dozen times, not four hundred.
BULK_PARAMS = 32_000


def secondary_indexes(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the explicitly created indexes of `table` (not its primary key)."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
        (table,),
    )
    return [(str(name), str(sql)) for name, sql in rows]


#: Python work run beside a bulk write (see `beside`); it must not use the store.
Meanwhile = Callable[[], None] | None


def beside(write: Callable[[], None], meanwhile: Meanwhile) -> None:
    """Run `write` (SQLite statements on the caller's connection, in its transaction) on a worker thread while
    `meanwhile` runs on this one, and return when both are done. SQLite works without the interpreter lock, so
    building an index (a tenth of a second for 190k blocking keys, one statement) overlaps with Python work
    that does not use the store where a second core is free; on a busy machine the two take turns. (Statements
    with many values to bind hold the lock while binding: inserts stay on the calling thread.) The connection
    is used by one thread at a time: this thread does not touch it until the worker is done. An error of
    either is raised once both are done (`meanwhile`'s first)."""
    if meanwhile is None:
        write()
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-write") as worker:
        done = worker.submit(write)
        try:
            meanwhile()
        finally:
            error = done.exception()  # waits for the write, whatever `meanwhile` did
        if error is not None:
            raise error


@contextmanager
def indexes_built_after(
    conn: sqlite3.Connection, table: str, enabled: bool = True, meanwhile: Meanwhile = None
) -> Iterator[None]:
    """Drop `table`'s secondary indexes for the body and create them again after it (same transaction), with
    `meanwhile` run beside that (see `beside`; after the body when not `enabled`, and not at all on an error)."""
    if not enabled:
        yield
        if meanwhile is not None:
            meanwhile()
        return
    if not conn.in_transaction:
        raise RuntimeError("indexes_built_after needs an open transaction")  # never leave a table unindexed
    indexes = secondary_indexes(conn, table)
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')

    def build() -> None:
        for _, sql in indexes:
            conn.execute(sql)

    try:
        yield
    except BaseException:
        build()
        raise
    beside(build, meanwhile)


@contextmanager
def sorted_on_disk(conn: sqlite3.Connection) -> Iterator[None]:
    """Let SQLite's sorts (an index built over millions of rows) spill to temporary files rather than memory for
    the body (the connection's page cache bounds what a sort holds), then keep temporary data in memory again:
    a batch run fills the blocking keys beside its comparing, and the sort must not add to that peak. SQLite
    takes the setting outside a transaction only: inside one (a caller's), the body runs as it is."""
    if conn.in_transaction:
        yield
        return
    conn.execute("PRAGMA temp_store = FILE")
    try:
        yield
    finally:
        conn.execute("PRAGMA temp_store = MEMORY")


def table_rows(conn: sqlite3.Connection, sql: str) -> set[tuple[Any, ...]]:
    """The rows a query returns, as a set of tuples."""
    return {tuple(r) for r in conn.execute(sql)}


def replace_table(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    wanted: Iterable[tuple[Any, ...]],
    *,
    order_by: int = 0,
    keyed: bool = False,
    meanwhile: Meanwhile = None,
) -> tuple[int, int]:
    """Make `table` (its `columns`) hold exactly the `wanted` rows (duplicates ignored), writing only the
    difference.

    Rows already there stay untouched; new rows go in in order of column `order_by` (the first of the table's
    primary key: a B-tree filled almost by appending; `wanted` already in runs of that order sorts fastest), and
    a fresh table gets its indexes built after. A table of more than DIFF_MAX_ROWS rows is emptied and filled
    again instead. `keyed` says the columns are the table's primary key: an empty table is then filled without
    removing repeated rows first (the insert ignores them: a dictionary of 190k rows less on febrl4's blocking
    keys). `meanwhile` runs beside the insert (see `beside`). Returns (rows inserted, rows deleted).
    """
    cols = ", ".join(columns)
    held = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT ?)", (DIFF_MAX_ROWS + 1,)).fetchone()[0]
    if not held and keyed:
        rows = sorted(wanted, key=itemgetter(order_by))
        return _fill(conn, table, cols, len(columns), rows, meanwhile=meanwhile), 0
    distinct = dict.fromkeys(wanted)  # in the order given
    if held > DIFF_MAX_ROWS:
        conn.execute(f"DELETE FROM {table}")
        inserted, _ = replace_table(conn, table, columns, distinct, order_by=order_by, keyed=keyed, meanwhile=meanwhile)
        return inserted, int(held)  # at least this many deleted (counting stopped there)
    have = table_rows(conn, f"SELECT {cols} FROM {table}") if held else set()
    gone = list(have - distinct.keys())
    new = sorted((r for r in distinct if r not in have) if have else distinct, key=itemgetter(order_by))
    if gone:
        where = " AND ".join(f"{c} = ?" for c in columns)
        conn.executemany(f"DELETE FROM {table} WHERE {where}", gone)
    remaining = len(have) - len(gone)
    _fill(conn, table, cols, len(columns), new, rebuild=remaining < len(new), meanwhile=meanwhile)
    return len(new), len(gone)


def _fill(
    conn: sqlite3.Connection,
    table: str,
    cols: str,
    width: int,
    rows: Sequence[tuple[Any, ...]],
    rebuild: bool = True,
    meanwhile: Meanwhile = None,
) -> int:
    """Insert `rows` (repeats and rows already there ignored), the table's indexes built after when there are at
    least BULK_INDEX_ROWS of them and `rebuild` (fewer rows than that are already there), with `meanwhile`
    beside that (see `beside`); returns how many went in."""
    before = conn.total_changes
    insert = f"INSERT OR IGNORE INTO {table}({cols})"

    enabled = len(rows) >= BULK_INDEX_ROWS and rebuild
    with indexes_built_after(conn, table, enabled=enabled, meanwhile=meanwhile):
        insert_rows(conn, insert, width, rows, params=bulk_params(conn))
    return conn.total_changes - before


def bulk_params(conn: sqlite3.Connection) -> int:
    """Bound parameters per statement for large inserts: BULK_PARAMS, or less if this SQLite allows fewer."""
    return min(BULK_PARAMS, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))


def insert_rows(
    conn: sqlite3.Connection,
    insert: str,
    width: int,
    rows: Sequence[Sequence[Any]],
    suffix: str = "",
    *,
    params: int = PARAM_CHUNK,
) -> None:
    """Run `insert` (`INSERT ... INTO t(a, b)`, then `suffix`: `ON CONFLICT ...`) for every row, many rows per
    statement (`VALUES (?, ?), ...`, up to `params` bound values): a third faster than `executemany` one row at
    a time on 180k blocking keys. Rows go in in order, each as its own row would (conflicts are judged row by
    row)."""
    per = max(1, params // width)
    one = "(" + ", ".join("?" * width) + ")"
    tail = f" {suffix}" if suffix else ""
    full = f"{insert} VALUES {', '.join([one] * per)}{tail}"  # one prepared statement for every full chunk
    for start in range(0, len(rows), per):
        part = rows[start : start + per]
        sql = full if len(part) == per else f"{insert} VALUES {', '.join([one] * len(part))}{tail}"
        conn.execute(sql, list(chain.from_iterable(part)))
