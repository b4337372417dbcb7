"""Building a large store's features on a second core: reading records and normalizing them is Python (it holds
the interpreter lock), so a worker process (`plan.workers.in_processes`: a program of its own, not a fork)
reads and normalizes every other range of record ids from the store's file while this process does the rest.

Each range's `features.feature_part` is a pure function of its records, and the parts are joined in id order
(`features.joined_features`), so the table and postings are the ones `features.build_features` makes reading
the store on one core.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from identity_graph.gc_pause import paused_gc
from identity_graph.resolve.features import FeaturePart, Postings, feature_part, joined_features
from identity_graph.resolve.plan.workers import in_processes
from identity_graph.store.protocol import GraphStore
from identity_graph.store.sqlite import SQLiteStore
from identity_graph.store.sqlite_read import records_in_range
from matchers.features import FeatureTable

#: Records a job reads and normalizes (a worker's result is pickled back: its table as distinct values and codes).
FEATURE_JOB = 20_000
#: Below this many records the features are built on this process alone: starting a worker (it imports the
#: matchers) costs more than it saves.
FEATURE_MIN_RECORDS = 150_000
#: Worker processes at most (one per core beyond the first).
MAX_FEATURE_WORKERS = 1
#: The highest id SQLite stores: the last range runs to it (records added while reading are read too).
LAST_ID = 2**63 - 1

#: A job: the ids of its records, from and to (both included).
IdRange = tuple[int, int]


def feature_workers(records: int, cores: int | None = None) -> int:
    """Worker processes to build `records` records' features on beside this process: none below
    FEATURE_MIN_RECORDS or on one core, else one a core beyond the first, up to MAX_FEATURE_WORKERS."""
    available = cores if cores is not None else (os.cpu_count() or 1)
    if records < FEATURE_MIN_RECORDS or available < 2:
        return 0
    return min(MAX_FEATURE_WORKERS, available - 1)


def id_ranges(ids: Sequence[int], size: int) -> list[IdRange]:
    """Ranges of `size` ids each of these ascending ids, the last one open to LAST_ID."""
    starts = list(ids[::size])
    return [(low, high - 1) for low, high in pairwise(starts)] + [(starts[-1], LAST_ID)]


class RangeFeatures:
    """The features of a range of record ids read from a store's file (`feature_part` of `records_in_range`): what
    a worker process runs. Pickles as the file's path and the placeholders; the connection is its own."""

    def __init__(self, path: Path, placeholders: frozenset[str]) -> None:
        self.path = path
        self.placeholders = placeholders
        self._conn: sqlite3.Connection | None = None

    def __getstate__(self) -> dict[str, Any]:
        """The path and the placeholders (not the connection)."""
        return {"path": self.path, "placeholders": self.placeholders, "_conn": None}

    def __call__(self, job: IdRange) -> FeaturePart:
        """One range's features."""
        if self._conn is None:
            self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        with paused_gc():
            return feature_part(records_in_range(self._conn, *job), self.placeholders)

    def close(self) -> None:
        """Close the connection (if opened)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class _Ranges:
    """`in_processes`' two parts: a job is its range as it is (`local`), `RangeFeatures` builds it (`remote`)."""

    def __init__(self, work: RangeFeatures) -> None:
        self.work = work

    def local(self, batch: IdRange) -> IdRange:
        """The range itself."""
        return batch

    def remote(self) -> RangeFeatures:
        """The features of a range."""
        return self.work


def parallel_store(store: GraphStore) -> Path | None:
    """The file a worker process can read `store`'s records from: an SQLite store's, unless this thread is in a
    transaction (its uncommitted rows are for it alone); None otherwise."""
    if not isinstance(store, SQLiteStore) or store.in_transaction():
        return None
    path = Path(store.path)
    return path if str(store.path) != ":memory:" and path.is_file() else None


def build_features_in_workers(
    store: GraphStore,
    path: Path,
    placeholders: frozenset[str],
    workers: int,
    progress: Callable[[int], None] | None = None,
    *,
    learn: bool = False,
    job: int | None = None,
) -> tuple[FeatureTable, Postings]:
    """`build_features` of every record of the store at `path`, a range of `job` ids (FEATURE_JOB) at a time, every
    `workers` + 1 ranges one on this process and the others on `workers` worker processes."""
    ids = store.record_ids()
    if not ids:
        return joined_features([], placeholders, learn=learn)
    work = RangeFeatures(path, placeholders)
    try:
        parts = list(_reported(in_processes(_Ranges(work), id_ranges(ids, job or FEATURE_JOB), workers), progress))
    finally:
        work.close()
    with paused_gc():
        return joined_features(parts, placeholders, learn=learn)


def _reported(parts: Iterator[FeaturePart], progress: Callable[[int], None] | None) -> Iterator[FeaturePart]:
    """The parts, each one's records reported as it comes."""
    for part in parts:
        if progress is not None:
            progress(len(part.table))
        yield part
