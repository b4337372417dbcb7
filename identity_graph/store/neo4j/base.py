"""The Neo4j driver, transactions and shared helpers of the server store.

Outside `transaction()` every method runs in its own managed transaction (`session.execute_read` /
`execute_write`, which the driver retries on transient errors). Inside it, every method on that thread joins
one explicit transaction, so nested uses commit or roll back together, as with the embedded store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j.exceptions import DriverError, Neo4jError

from identity_graph.errors import StoreError
from identity_graph.store.neo4j import cypher
from identity_graph.store.sqlite_base import utcnow
from identity_graph.store.tombstones import ensure_secret

R = TypeVar("R")
T = TypeVar("T")
Tx = neo4j.ManagedTransaction | neo4j.Transaction

#: Rows per `UNWIND $rows` statement: large enough to amortize round trips, small enough for the server's heap.
UNWIND_BATCH = 5_000
#: Records, postings or export rows fetched per page by the iterating reads.
PAGE_SIZE = 10_000


def batches(items: Sequence[T], size: int = UNWIND_BATCH) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def run(tx: Tx, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
    """Run one statement and return its rows as plain dicts (results are consumed before returning)."""
    return [record.data() for record in tx.run(query, params)]


def run_rows(tx: Tx, query: LiteralString, rows: Sequence[Any], **params: Any) -> list[dict[str, Any]]:
    """Run an `UNWIND $rows` statement over `rows` in batches, collecting whatever it returns."""
    out: list[dict[str, Any]] = []
    for part in batches(rows):
        out.extend(run(tx, query, rows=list(part), **params))
    return out


def run_ids(tx: Tx, query: LiteralString, ids: Sequence[int], **params: Any) -> list[dict[str, Any]]:
    """Run an `UNWIND $ids` statement over `ids` in batches, collecting whatever it returns."""
    out: list[dict[str, Any]] = []
    for part in batches(ids):
        out.extend(run(tx, query, ids=[int(i) for i in part], **params))
    return out


def run_keys(tx: Tx, query: LiteralString, keys: Sequence[dict[str, Any]], **params: Any) -> list[dict[str, Any]]:
    """Run an `UNWIND $keys` lookup over natural-key maps in batches, collecting what it returns."""
    out: list[dict[str, Any]] = []
    for part in batches(keys):
        out.extend(run(tx, query, keys=list(part), **params))
    return out


def open_session(driver: neo4j.Driver, database: str | None) -> neo4j.Session:
    """A session sharing the driver's bookmarks, so a read in a new session sees every write committed before it
    (causal consistency: on a cluster, a secondary waits until it has caught up)."""
    return driver.session(database=database, bookmark_manager=driver.execute_query_bookmark_manager)


def count_of(rows: list[dict[str, Any]], key: str = "n") -> int:
    """Sum of a count column over result rows (0 when there are none)."""
    return sum(int(r[key] or 0) for r in rows)


@dataclass
class _Explicit:
    """The explicit transaction a thread is inside, and how deeply."""

    session: neo4j.Session
    tx: neo4j.Transaction
    depth: int = 1


class Neo4jBase:
    """Owns the driver; gives each method a transaction (its own, or the caller's explicit one)."""

    def __init__(self, driver: neo4j.Driver, database: str | None = None) -> None:
        self._driver = driver
        self._database = database
        self._local = threading.local()
        self._tombstone_secret: bytes | None = None

    def tombstone_secret(self) -> bytes:
        """The store's secret for keyed tombstone hashes (kept in its metadata; never logged)."""
        if self._tombstone_secret is None:
            self._tombstone_secret = ensure_secret(self)
        return self._tombstone_secret

    def _explicit(self) -> _Explicit | None:
        """This thread's open explicit transaction, if any."""
        state: _Explicit | None = getattr(self._local, "explicit", None)
        return state

    def in_transaction(self) -> bool:
        """True while this thread has an explicit write transaction open (another thread's writes wait for it)."""
        return self._explicit() is not None

    @contextmanager
    def transaction(self) -> Iterator[neo4j.Transaction]:
        """A write transaction; nested uses join the outer one, which commits or rolls back everything."""
        state = self._explicit()
        if state is not None:
            state.depth += 1
            try:
                yield state.tx
            finally:
                state.depth -= 1
            return
        try:
            session = open_session(self._driver, self._database)
            tx = session.begin_transaction()
        except (Neo4jError, DriverError) as exc:
            raise _store_error(exc) from exc
        self._local.explicit = _Explicit(session, tx)
        try:
            yield tx
        except BaseException:
            if not tx.closed():
                tx.rollback()
            raise
        else:
            try:
                tx.commit()
            except (Neo4jError, DriverError) as exc:
                raise _store_error(exc) from exc
        finally:
            self._local.explicit = None
            tx.close()
            session.close()

    def _write(self, work: Callable[[Tx], R]) -> R:
        """Run `work` in the caller's explicit transaction, or in a managed write transaction of its own."""
        state = self._explicit()
        try:
            if state is not None:
                return work(state.tx)
            with open_session(self._driver, self._database) as session:
                return session.execute_write(work)
        except (Neo4jError, DriverError) as exc:
            raise _store_error(exc) from exc

    def _read(self, work: Callable[[Tx], R]) -> R:
        """Run `work` in the caller's explicit transaction (to see its writes), or in a managed read transaction."""
        state = self._explicit()
        try:
            if state is not None:
                return work(state.tx)
            with open_session(self._driver, self._database) as session:
                return session.execute_read(work)
        except (Neo4jError, DriverError) as exc:
            raise _store_error(exc) from exc

    def _query(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        """A read of one statement, as plain dict rows."""
        return self._read(lambda tx: run(tx, query, **params))

    def _execute(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        """A write of one statement, as plain dict rows."""
        return self._write(lambda tx: run(tx, query, **params))

    @staticmethod
    def _next_ids(tx: Tx, name: str, n: int) -> list[int]:
        """Allocate `n` new integer ids from the named counter (inside the caller's transaction)."""
        if n <= 0:
            return []
        last = int(run(tx, cypher.COUNTER_ADVANCE, name=name, n=n)[0]["last"])
        return list(range(last - n + 1, last + 1))

    def get_meta(self, key: str) -> str | None:
        """A value from the store's key-value metadata."""
        rows = self._query(cypher.META_GET, key=key)
        return None if not rows or rows[0]["value"] is None else str(rows[0]["value"])

    def set_meta(self, key: str, value: str) -> None:
        """Set a metadata value."""
        self._execute(cypher.META_SET, key=key, value=value)

    def close(self) -> None:
        """Close the driver and its connection pool."""
        self._driver.close()

    def __enter__(self) -> Neo4jBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def now() -> str:
    """The current UTC time as ISO text (the format both stores keep)."""
    return utcnow()


def _store_error(exc: Exception) -> StoreError:
    """A readable StoreError for a driver or server failure (the code only: messages may quote stored values)."""
    code = getattr(exc, "code", None) or type(exc).__name__
    return StoreError(f"Neo4j store: {code}")
