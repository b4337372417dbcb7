"""Building a large store's features on a second core: reading records and normalizing them is Python (it holds
the interpreter lock), so a worker process (`plan.worker`: a program of its own, not a fork) reads and
normalizes ranges of record ids from the store's file while this process does the others (`shared_out`).

Each range's `features.feature_part` is a pure function of its records, and the parts are joined in id order
(`features.joined_features`), so the table and postings are the ones `features.build_features` makes reading
the store on one core.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from identity_graph.gc_pause import paused_gc
from identity_graph.resolve.features import FeatureMemo, FeaturePart, Postings, feature_part, joined_features
from identity_graph.resolve.plan.worker import Worker
from identity_graph.store.protocol import GraphStore
from identity_graph.store.sqlite import SQLiteStore
from identity_graph.store.sqlite_read import record_fields_in_range
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
    """The features of a range of record ids read from a store's file (`feature_part` of `record_fields_in_range`): what
    a worker process runs. Pickles as the file's path and the placeholders; the connection and the memo of
    names and streets (`FeatureMemo`) are each process's own."""

    def __init__(self, path: Path, placeholders: frozenset[str]) -> None:
        self.path = path
        self.placeholders = placeholders
        self._conn: sqlite3.Connection | None = None
        self._memo = FeatureMemo()

    def __getstate__(self) -> dict[str, Any]:
        """The path and the placeholders (not the connection nor the memo)."""
        return {"path": self.path, "placeholders": self.placeholders, "_conn": None, "_memo": FeatureMemo()}

    def __call__(self, job: IdRange) -> FeaturePart:
        """One range's features."""
        if self._conn is None:
            self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        with paused_gc():
            return feature_part(record_fields_in_range(self._conn, *job), self.placeholders, self._memo)

    def close(self) -> None:
        """Close the connection (if opened) and drop the memo."""
        self._memo = FeatureMemo()
        if self._conn is not None:
            self._conn.close()
            self._conn = None


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
    """`build_features` of every record of the store at `path`, a range of `job` ids (FEATURE_JOB) at a time, on
    this process and `workers` worker processes (`shared_out`)."""
    ids = store.record_ids()
    if not ids:
        return joined_features([], placeholders, learn=learn)
    work = RangeFeatures(path, placeholders)
    try:
        parts = shared_out(work, id_ranges(ids, job or FEATURE_JOB), workers, progress)
    finally:
        work.close()
    with paused_gc():
        return joined_features(parts, placeholders, learn=learn)


def shared_out(
    work: RangeFeatures,
    jobs: list[IdRange],
    workers: int,
    progress: Callable[[int], None] | None = None,
    *,
    here: bool = True,
) -> list[FeaturePart]:
    """`work` of every job, in job order: whoever is free takes the next job, this process or one of `workers`
    worker processes (`plan.worker`; each fed by a thread of this process that keeps WORKER_QUEUE jobs sent
    ahead and reads each answer as it comes, so a worker never waits for this process to finish a job of its
    own). A worker starts slower, and a core may be busy elsewhere: neither side waits for the other until the
    last jobs. Not `here`: the workers do every job. The workers are stopped however this ends; a worker's
    error is raised here (`WorkerError`)."""
    queue = _Jobs(jobs)
    payload = pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL)
    pool = [Worker.start(payload, task="building features") for _ in range(workers)]
    feeders = [threading.Thread(target=queue.feed, args=(w,), name="idgraph-features", daemon=True) for w in pool]
    try:
        for feeder in feeders:
            feeder.start()
        while here and (index := queue.take()) is not None:
            queue.put(index, work(jobs[index]))
            _report(queue, progress)
        for feeder in feeders:
            feeder.join()
    finally:
        for worker in pool:
            worker.stop()  # a feeder waiting on a stopped worker's answer sees its end and returns
        for feeder in feeders:
            feeder.join()
    queue.raise_failure()
    _report(queue, progress)
    return [part for part in queue.parts if part is not None]


#: Jobs a worker is sent ahead of the answer being read (its next job waits in its input meanwhile).
WORKER_QUEUE = 2


class _Jobs:
    """The jobs `shared_out` hands out, each to one taker, and their parts as they come (from any thread)."""

    def __init__(self, jobs: list[IdRange]) -> None:
        self.jobs = jobs
        self.parts: list[FeaturePart | None] = [None] * len(jobs)
        self.records = 0  # records whose part has come
        self.reported = 0
        self.failure: BaseException | None = None
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> int | None:
        """The next job's index, or None when every job is taken (or a worker failed)."""
        with self._lock:
            if self._next >= len(self.jobs) or self.failure is not None:
                return None
            self._next += 1
            return self._next - 1

    def put(self, index: int, part: FeaturePart) -> None:
        """A job's part."""
        with self._lock:
            self.parts[index] = part
            self.records += len(part.table)

    def feed(self, worker: Worker) -> None:
        """Send `worker` jobs (WORKER_QUEUE ahead) and keep their answers, until no job is left (a feeder
        thread's loop; a failure is kept for `raise_failure`)."""
        sent: deque[int] = deque()
        try:
            while True:
                while len(sent) < WORKER_QUEUE and (index := self.take()) is not None:
                    worker.send(self.jobs[index])
                    sent.append(index)
                if not sent:
                    return
                self.put(sent.popleft(), worker.result())
                worker.busy = bool(sent)
        except BaseException as exc:  # raised on the caller's thread (`raise_failure`)
            with self._lock:
                self.failure = self.failure or exc

    def raise_failure(self) -> None:
        """Raise what a feeder met, if anything."""
        if self.failure is not None:
            raise self.failure


def _report(queue: _Jobs, progress: Callable[[int], None] | None) -> None:
    """Tell `progress` how many more records' features have come (on the caller's thread)."""
    if progress is not None and queue.records > queue.reported:
        count = queue.records
        progress(count - queue.reported)
        queue.reported = count
