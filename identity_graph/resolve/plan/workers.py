"""Worker processes for the plan's per-batch Python work on one machine.

Comparing is Python and numpy over object arrays: it holds the interpreter lock, so threads of one process take
turns rather than add up. A batch function that comes in two parts (`Split`: a `local` part that needs the run's
large tables, a small picklable `remote` part that does the work) is run with its remote part in worker
processes instead: `remote` is pickled once and sent to each worker as it starts (a feature table pickles as
its distinct values and a code per row), each batch travels as its local part's few arrays. The workers are
programs of their own (`plan.worker`), not forks of this one nor `multiprocessing` children: nothing of the
caller's main module is imported again, and no thread of DuckDB's is forked.
"""

from __future__ import annotations

import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, runtime_checkable

from identity_graph.resolve.plan.worker import Worker

#: Worker processes a large run compares its pairs on besides this process (one a core beyond the first, at
#: most this many: each holds the compared columns of the feature table, about 0.5 GB at 1M records); see
#: `compare_workers`.
MAX_PROCESSES = 2
#: Below this many candidate pairs the pairs are compared on this process's threads: starting workers (each
#: imports the matchers and unpickles the features) costs more than it saves.
PROCESS_MIN_PAIRS = 2_000_000


@runtime_checkable
class Split(Protocol):
    """A batch function in two parts: `local(batch)` here, then `remote(...)` of that in a worker process."""

    def local(self, batch: Any) -> Any:
        """What the remote part needs of a batch (small: it is pickled to a worker)."""

    def remote(self) -> Callable[[Any], Any]:
        """The picklable part that does the work in a worker."""


def in_processes(fn: Split, batches: Iterable[Any], processes: int) -> Iterator[Any]:
    """`fn.remote()(fn.local(batch))` of each batch, in order: the local part on this thread, the remote part in
    `processes` worker processes (`plan.worker`) and on this thread too, in turn (of every `processes` + 1
    batches, one is done here: this process holds the tables already, and a worker's memory is what it costs).
    A worker has one batch in flight, and the next one's local part is made meanwhile. An error in a worker is
    raised here (`WorkerError`), and the workers are stopped however the caller stops reading."""
    work = fn.remote()
    payload = pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL)
    pool: list[Worker] = []
    try:
        for _ in range(max(processes, 1)):
            pool.append(Worker.start(payload))
        del payload  # each worker has it: not held while the batches run
        idle = list(pool)
        pending: deque[tuple[Worker | None, Any]] = deque()  # in batch order: a worker's batch, or a result
        for number, batch in enumerate(batches):
            job = fn.local(batch)
            if number % (len(pool) + 1) == len(pool):
                pending.append((None, work(job)))
                continue
            while not idle:
                yield _next(pending, idle)
            worker = idle.pop(0)
            worker.send(job)
            pending.append((worker, None))
        while pending:
            yield _next(pending, idle)
    finally:
        for worker in pool:
            worker.stop()


def _next(pending: deque[tuple[Worker | None, Any]], idle: list[Worker]) -> Any:
    """The oldest pending batch's result (its worker is idle again)."""
    worker, value = pending.popleft()
    if worker is None:
        return value
    idle.append(worker)
    return worker.result()


def compare_workers(pairs: int, cores: int | None = None) -> int:
    """Worker processes to compare `pairs` candidate pairs on beside this process: none below PROCESS_MIN_PAIRS
    or on one core, else one a core beyond the first, up to MAX_PROCESSES."""
    available = cores if cores is not None else (os.cpu_count() or 1)
    if pairs < PROCESS_MIN_PAIRS or available < 2:
        return 0
    return min(MAX_PROCESSES, available - 1)
