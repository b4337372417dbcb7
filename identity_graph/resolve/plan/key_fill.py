"""The store's blocking keys (what the real-time path looks candidates up by), written while the plan works.

`load_keys` makes the keys a slice of records at a time, in record order; each slice's stored keys are sorted
(record id, then key: the store table's own order) and appended to a Parquet file in a temporary directory, so
the file holds every key in the store's order and this process holds one slice. The store's one fill
(`fill_blocking_keys`: one transaction, its B-tree filled by appending) then reads the file back on a thread of
its own while the model is trained and the pairs are scored: the keys take neither the engine's memory nor its
time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from identity_graph.resolve.plan.tables import STORED_SCHEMA
from identity_graph.store.protocol import GraphStore

#: Blocking keys written to the store a statement batch at a time (and read back from the file as many).
FILL_BATCH = 200_000
#: The order the store's table keeps its keys in (its primary key is record_id, key).
STORE_ORDER = [("record_id", "ascending"), ("key", "ascending")]


class KeyFill:
    """Stored keys spilled to a sorted Parquet file (`add`, a slice of records at a time, in record order), then
    written into the store on a thread of its own (`start`); `finish` waits for the writing (before anything
    else writes to the store), re-raises what it raised and removes the file."""

    def __init__(self, batch: int | None = None) -> None:
        self.batch = batch or FILL_BATCH
        self._folder = tempfile.TemporaryDirectory(prefix="idgraph-keys-")
        self.path = Path(self._folder.name) / "stored_keys.parquet"
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(self.path, STORED_SCHEMA)
        self._future: Future[None] | None = None

    def add(self, keys: pa.RecordBatch) -> None:
        """A slice's stored keys (`key_arrays.stored_keys`); slices come in record order, none shares a record."""
        assert self._writer is not None, "add after start"
        self._writer.write_table(pa.Table.from_batches([keys], schema=STORED_SCHEMA).sort_by(STORE_ORDER))

    def start(self, store: GraphStore) -> None:
        """Close the file and begin writing its keys into the store on a thread of its own; inside a transaction
        of the caller's (a real-time add that trains the first model), here and now, in that transaction: another
        thread's would wait for it to end."""
        assert self._writer is not None, "started twice"
        self._writer.close()
        self._writer = None
        if store.in_transaction():
            store.fill_blocking_keys(self.rows())
            return
        pool = ThreadPoolExecutor(1, thread_name_prefix="idgraph-keys")
        try:
            self._future = pool.submit(store.fill_blocking_keys, self.rows())
        finally:
            pool.shutdown(wait=False)  # the thread ends with the fill

    def rows(self) -> Iterator[list[tuple[str, int]]]:
        """The file's keys in the store's order as (key, record_id) rows, `batch` at a time."""
        for batch in pq.ParquetFile(self.path).iter_batches(batch_size=self.batch):
            yield list(zip(batch.column("key").to_pylist(), batch.column("record_id").to_pylist(), strict=True))

    def busy(self) -> bool:
        """Whether the keys are still being written into the store on the fill's thread."""
        return self._future is not None and not self._future.done()

    def wait(self) -> None:
        """Wait for the writing to end, however it ends (the caller may be failing itself)."""
        if self._future is not None:
            wait([self._future])

    def finish(self) -> None:
        """Wait for the writing, remove the file, and raise what the writing raised."""
        try:
            self.wait()
            if self._future is not None:
                self._future.result()
        finally:
            self.close()

    def close(self) -> None:
        """Remove the file (the writing must be over: `wait`)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._folder.cleanup()
