"""The engines that run the plan's SQL: DuckDB embedded (in-process, spills to disk past its memory limit) and
Spark SQL (`plan.spark`). Both take the same SQL text and hand Arrow batches in and out."""

from __future__ import annotations

import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pyarrow as pa  # type: ignore[import-untyped]

from identity_graph.resolve.plan.workers import Split, in_processes

#: A function from a batch of rows to a batch of rows (what `Engine.map_batches` applies).
BatchFn = Callable[[pa.RecordBatch], pa.RecordBatch]
#: DuckDB's memory limit unless a setting says otherwise: past it, sorts and joins spill to its temp directory.
DUCKDB_MEMORY = "512MB"
#: The engines `idgraph resolve --engine` knows; `python` is the path without a plan.
ENGINES = ("python", "duckdb", "spark")
#: `idgraph resolve`'s engine: the plan on DuckDB (the same answers as `python`: tests/resolve/test_engines_identical).
DEFAULT_ENGINE = "duckdb"


class Engine(Protocol):
    """What the plan asks of an engine."""

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable as `name`."""

    def materialize(self, name: str, sql: str) -> None:
        """Compute a query once and keep its rows as table `name`."""

    def batches(self, sql: str, size: int) -> Iterator[pa.RecordBatch]:
        """A query's rows, `size` at a time."""

    def append(self, name: str, batch: pa.RecordBatch) -> None:
        """Add rows to table `name` (created by the first batch)."""

    def finish(self, name: str, schema: pa.Schema) -> None:
        """No more rows for `name`: it is queryable (empty with `schema` when nothing was appended)."""

    def map_batches(self, name: str, sql: str, fn: BatchFn, schema: pa.Schema, size: int, workers: int = 0) -> None:
        """Table `name` (of `schema`) made of `fn` applied to the query's rows, a batch of about `size` at a time
        (`workers`: processes of this machine to run a `workers.Split` function's work on; 0: this process)."""

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """A small query's rows."""

    def drop(self, names: tuple[str, ...]) -> None:
        """Let these tables go (their memory and spill files)."""

    def close(self) -> None:
        """Release the engine (a second call does nothing)."""


In = TypeVar("In")
Out = TypeVar("Out")
#: Threads that apply a function to DuckDB's batches (rapidfuzz and numpy work without holding the GIL).
MAP_THREADS = 2


def in_threads(fn: Callable[[In], Out], batches: Iterable[In], threads: int) -> Iterator[Out]:
    """`fn` of each batch, in order, `threads` batches at a time (at most twice that many held)."""
    if threads <= 1:
        yield from map(fn, batches)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="idgraph-plan") as pool:
        pending: deque[Future[Out]] = deque()
        try:
            for batch in batches:
                pending.append(pool.submit(fn, batch))
                if len(pending) >= 2 * threads:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BaseException:  # an error, or the caller stopped: the batches not started yet never start
            pool.shutdown(wait=True, cancel_futures=True)
            raise


class DuckDBEngine:
    """DuckDB in this process: an in-memory database that spills to a temporary directory."""

    def __init__(self, memory_limit: str = DUCKDB_MEMORY, threads: int | None = None, temp: Path | None = None):
        import duckdb

        self._tmp = tempfile.TemporaryDirectory(prefix="idgraph-duckdb-", dir=temp)
        self.con = duckdb.connect(":memory:")
        self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.con.execute(f"SET temp_directory = '{self._tmp.name}'")
        self.con.execute("SET preserve_insertion_order = false")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self._writer = self.con.cursor()  # appends while another cursor streams a result
        self._created: set[str] = set()
        self._closed = False

    def register(self, name: str, table: pa.Table) -> None:
        """Copy the Arrow table into DuckDB as `name`."""
        self.con.register("_incoming", table)
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
        self.con.unregister("_incoming")

    def materialize(self, name: str, sql: str) -> None:
        """CREATE TABLE name AS the query."""
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")

    def batches(self, sql: str, size: int) -> Iterator[pa.RecordBatch]:
        """Stream the query's result in Arrow record batches (on a cursor of its own)."""
        cursor = self.con.cursor()
        try:
            reader = cursor.sql(sql).to_arrow_reader(size)
            yield from reader
        finally:
            cursor.close()

    def append(self, name: str, batch: pa.RecordBatch) -> None:
        """INSERT the batch's rows (CREATE the table from the first)."""
        self._writer.register("_batch", batch)
        if name in self._created:
            self._writer.execute(f"INSERT INTO {name} SELECT * FROM _batch")
        else:
            self._writer.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _batch")
            self._created.add(name)
        self._writer.unregister("_batch")

    def finish(self, name: str, schema: pa.Schema) -> None:
        """Create `name` empty when no batch came."""
        if name not in self._created:
            self.register(name, schema.empty_table())
            self._created.add(name)

    def map_batches(self, name: str, sql: str, fn: BatchFn, schema: pa.Schema, size: int, workers: int = 0) -> None:
        """Stream the query's batches through `fn` on MAP_THREADS threads of this process (or, for a `Split`
        function and `workers` > 0, its work on that many worker processes), appending each result in the
        query's order."""
        batches = self.batches(sql, size)
        if workers and isinstance(fn, Split):
            results = in_processes(fn, batches, workers)
        else:
            results = in_threads(fn, batches, MAP_THREADS)
        for result in results:
            self.append(name, result)
        self.finish(name, schema)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """fetchall of the query."""
        return list(self.con.execute(sql).fetchall())

    def drop(self, names: tuple[str, ...]) -> None:
        """DROP TABLE each."""
        for name in names:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")
            self._created.discard(name)

    def close(self) -> None:
        """Close the connection and remove the spill directory (a second call does nothing)."""
        if self._closed:
            return
        self._closed = True
        self._writer.close()
        self.con.close()
        self._tmp.cleanup()


def open_engine(name: str, *, master: str = "local[2]", memory_limit: str = DUCKDB_MEMORY) -> Engine:
    """An engine by name (`duckdb` or `spark`)."""
    if name == "duckdb":
        return DuckDBEngine(memory_limit=memory_limit)
    if name == "spark":
        from identity_graph.resolve.plan.spark import SparkEngine

        return SparkEngine(master)
    raise ValueError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
