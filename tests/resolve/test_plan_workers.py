"""Comparing on worker processes: a job that fails in a worker is a readable WorkerError here, a worker that
dies is one too, the workers end when a job fails, and small runs stay on this process."""

from __future__ import annotations

import os
import pickle
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from identity_graph.resolve.plan.run import PairLevels
from identity_graph.resolve.plan.worker import STOP_WAIT, Worker, WorkerError
from identity_graph.resolve.plan.workers import MAX_PROCESSES, PROCESS_MIN_PAIRS, compare_workers, in_processes
from identity_graph.settings import Settings
from matchers.features import FeatureTable


def _table(rows: int) -> FeatureTable:
    """A feature table of `rows` records with a first name each and nothing else (too little to compare)."""
    names = np.array([f"ann{i % 7}" for i in range(rows)], dtype=object)
    return FeatureTable(record_id=np.arange(rows, dtype=np.int64), kind=np.full(rows, "contact", dtype=object),
                        columns={"first": names})  # fmt: skip


class Broken:
    """A Split whose work fails in the worker: the table lacks every column but `first`."""

    def local(self, batch: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """The batch's pairs: (0, 1), (1, 2) ..."""
        li = np.arange(batch, dtype=np.int64)
        return li, li + 1, np.ones(batch, dtype=np.int8), {}

    def remote(self) -> PairLevels:
        """The real comparing over a table that cannot be compared."""
        return PairLevels(_table(50), Settings().matching)


def test_a_failing_job_is_a_readable_error_here() -> None:
    with pytest.raises(WorkerError, match=r"a worker process \(comparing\) failed: KeyError: '\w+'"):
        list(in_processes(Broken(), [3, 4], 2))  # both batches go to workers (the third would be done here)


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    worker = Worker.start(b"not a pickle")  # the worker fails reading its function and ends
    with pytest.raises(WorkerError, match="stopped"):
        worker.send((1, 2))
        worker.result()
    worker.stop()
    assert worker.process.returncode not in (None, 0)


def test_the_workers_end_when_a_job_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    pool: list[Worker] = []
    real_start = Worker.start.__func__  # type: ignore[attr-defined]

    def kept(cls: type[Worker], function: bytes) -> Worker:
        worker: Worker = real_start(cls, function)
        pool.append(worker)
        return worker

    monkeypatch.setattr(Worker, "start", classmethod(kept))
    with pytest.raises(WorkerError):
        next(in_processes(Broken(), [3, 4], 2))
    with pytest.raises(KeyError):  # the batch done on this process fails as it would on a thread
        next(in_processes(Broken(), [3, 4, 5], 2))
    assert len(pool) == 4 and all(w.process.poll() is not None for w in pool)  # all ended, none left behind


def test_small_runs_and_one_core_stay_on_this_process() -> None:
    assert compare_workers(PROCESS_MIN_PAIRS - 1, cores=8) == 0
    assert compare_workers(PROCESS_MIN_PAIRS, cores=1) == 0
    assert compare_workers(PROCESS_MIN_PAIRS, cores=8) == MAX_PROCESSES
    assert compare_workers(PROCESS_MIN_PAIRS, cores=2) == 1  # one worker, and this process


def test_a_worker_imports_from_this_process_s_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "added_by_hand"
    package.mkdir()
    (package / "__init__.py").write_text("def triple(x):\n    return 3 * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))  # as a program that puts a folder on its path itself
    import added_by_hand  # type: ignore[import-not-found]

    worker = Worker.start(pickle.dumps(added_by_hand.triple))
    try:
        worker.send(14)
        assert worker.result() == 42
    finally:
        worker.stop()


def test_ctrl_c_is_left_to_the_parent() -> None:
    worker = Worker.start(pickle.dumps(abs))
    try:
        worker.send(-3)
        assert worker.result() == 3  # serving: its Ctrl-C handling is in place
        os.kill(worker.process.pid, signal.SIGINT)  # what Ctrl-C sends the whole process group
        worker.send(-4)
        assert worker.result() == 4 and worker.process.poll() is None  # no KeyboardInterrupt, no traceback
    finally:
        worker.stop()
    assert worker.process.returncode == 0  # ended by its closed input


def test_a_worker_busy_with_a_job_nobody_reads_is_stopped_at_once() -> None:
    worker = Worker.start(pickle.dumps(time.sleep))
    worker.send(STOP_WAIT * 3)  # a job far longer than a stop waits
    started = time.monotonic()
    worker.stop()
    assert time.monotonic() - started < STOP_WAIT and worker.process.returncode is not None
