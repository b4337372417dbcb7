"""The SQLite connection, transactions and shared helpers of the embedded store."""

from __future__ import annotations

import json
import sqlite3
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Self, TypeVar

from identity_graph.errors import StoreError
from identity_graph.model import Identifier
from identity_graph.store.schema import migrate
from identity_graph.store.sqlite_checkpoint import (
    CLOSE_WAIT_MS,
    Checkpointer,
    CheckpointPolicy,
    CheckpointResult,
    WalMode,
    exclusive_checkpoint,
)
from identity_graph.store.tombstones import ensure_secret

T = TypeVar("T")

#: SQLite's default limit on bound parameters is 32766 on recent builds; stay far below it.
PARAM_CHUNK = 900
#: Page cache per connection, in KiB (negative cache_size means KiB in SQLite).
CACHE_KIB = 64 * 1024
#: How long a writer waits for another writer's lock before failing, in milliseconds.
BUSY_TIMEOUT_MS = 30_000


def utcnow() -> str:
    """The current UTC time as ISO-8601 text, the store's time format."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def to_json(value: Any) -> str:
    """Compact, key-sorted JSON for storage and hashing."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chunks(items: Sequence[T], size: int = PARAM_CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def placeholders(n: int) -> str:
    """`?,?,...` with n marks."""
    return ",".join("?" * n)


def _checkpoint_connection(path: Path) -> sqlite3.Connection:
    """The checkpoint thread's own connection (opened in that thread); it never waits for a lock (PASSIVE
    checkpoints do not, and a lock it cannot have now is tried again at the thread's next wake-up)."""
    return sqlite3.connect(path, isolation_level=None, timeout=0)


def identifier_ids_of(conn: sqlite3.Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Map (kind, value) pairs of known identifiers to their ids."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, value in keys:
        by_kind[kind].append(value)
    found: dict[tuple[str, str], int] = {}
    for kind, values in by_kind.items():
        for part in chunks(values):
            rows = conn.execute(
                f"SELECT value, id FROM identifiers WHERE kind = ? AND value IN ({placeholders(len(part))})",
                (kind, *part),
            )
            for value, ident_id in rows:
                found[(kind, value)] = int(ident_id)
    return found


class SQLiteBase:
    """Owns one SQLite connection per thread, in WAL mode with foreign keys on, and (with the background
    checkpoint policy) the thread that copies the write-ahead log into the file."""

    def __init__(self, path: Path | str, checkpoint: CheckpointPolicy | None = None) -> None:
        self.path = Path(path)
        self.checkpoint_policy = checkpoint or CheckpointPolicy.from_settings()
        self._local = threading.local()
        self._all_conns: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._checkpointer = self._new_checkpointer()
        conn = self._conn()
        try:
            migrate(conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        self._tombstone_secret: bytes | None = None  # made by the schema (version 5), read on first use

    def tombstone_secret(self) -> bytes:
        """The store's secret for keyed tombstone hashes (kept in `meta`; never logged)."""
        if self._tombstone_secret is None:
            self._tombstone_secret = ensure_secret(self)
        return self._tombstone_secret

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self.path.parent and not self.path.parent.exists():
                raise StoreError(f"folder {self.path.parent} does not exist")
            try:
                conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
                conn.execute("PRAGMA temp_store = MEMORY")
                conn.execute(f"PRAGMA wal_autocheckpoint = {self.checkpoint_policy.autocheckpoint_pages()}")
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"cannot open store {self.path}: {exc}") from exc
            self._local.conn = conn
            self._local.depth = 0
            with self._lock:
                self._all_conns.append(conn)
        return conn

    def in_transaction(self) -> bool:
        """True while this thread has a write transaction open (another thread's writes wait for its end)."""
        return bool(getattr(self._local, "depth", 0))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE); nested uses join the outer one."""
        conn = self._conn()
        depth: int = self._local.depth
        if depth:
            self._local.depth = depth + 1
            try:
                yield conn
            finally:
                self._local.depth = depth
            return
        conn.execute("BEGIN IMMEDIATE")
        self._local.depth = 1
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
            if self._checkpointer is not None:
                self._checkpointer.notify()
        finally:
            self._local.depth = 0

    def _new_checkpointer(self) -> Checkpointer | None:
        """A checkpoint thread's controller for the background policy (its thread starts on the first commit)."""
        if self.checkpoint_policy.mode != "background":
            return None
        checkpointer = Checkpointer(partial(_checkpoint_connection, self.path), self.checkpoint_policy.interval_s)
        # a store dropped without close() still stops its thread (the thread holds no reference to the store)
        weakref.finalize(self, checkpointer.stop)
        return checkpointer

    @property
    def checkpointer(self) -> Checkpointer | None:
        """The background checkpoint thread's controller (None with the writer policy)."""
        return self._checkpointer

    def checkpoint(self, mode: WalMode = "TRUNCATE", wait_ms: int = BUSY_TIMEOUT_MS) -> CheckpointResult:
        """Copy the write-ahead log into the file now (TRUNCATE also empties the log), waiting up to `wait_ms` for
        readers and for a checkpoint running elsewhere; the result says whether it got everything."""
        lock = self._checkpointer.lock if self._checkpointer is not None else None
        return exclusive_checkpoint(self._conn(), mode, lock, wait_ms)

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Run a read query and return all rows (as sqlite3.Row)."""
        cur = self._conn().execute(sql, tuple(params))
        cur.row_factory = sqlite3.Row
        return list(cur.fetchall())

    def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        """Run a query returning one value (None when there is no row)."""
        row = self._conn().execute(sql, tuple(params)).fetchone()
        return None if row is None else row[0]

    def get_meta(self, key: str) -> str | None:
        """A value from the store's key-value metadata."""
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        """Set a metadata value."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def identifier_ids(
        self, identifiers: Sequence[Identifier], conn: sqlite3.Connection | None = None
    ) -> dict[tuple[str, str], int]:
        """Map (kind, value) of known identifiers to their ids."""
        return identifier_ids_of(conn or self._conn(), [(str(i.kind), i.value) for i in identifiers])

    def close(self) -> None:
        """Stop the checkpoint thread, then close every connection this store opened (with the background policy,
        after a final TRUNCATE checkpoint, so the file holds everything even while other connections stay open)."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
        with self._lock:
            for conn in self._all_conns:
                with suppress(sqlite3.Error):
                    conn.execute("PRAGMA optimize")  # refresh planner statistics where they went stale
            if self._checkpointer is not None and self._all_conns:
                with suppress(sqlite3.Error):
                    exclusive_checkpoint(self._all_conns[0], "TRUNCATE", self._checkpointer.lock, CLOSE_WAIT_MS)
            for conn in self._all_conns:
                conn.close()
            self._all_conns.clear()
        self._local = threading.local()
        self._checkpointer = self._new_checkpointer()  # a store used again after close() reopens lazily

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
