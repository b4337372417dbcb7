"""`plan.engine.in_threads`: results in the batches' order whatever thread finishes first; an error in one batch
reaches the caller, and the batches not started by then never start."""

from __future__ import annotations

import threading
import time

import pytest

from identity_graph.resolve.plan.engine import in_threads


def _slow_on_even(n: int) -> int:
    """Even batches take longer, so later odd ones finish first."""
    time.sleep(0.02 if n % 2 == 0 else 0.0)
    return n * n


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_results_come_in_the_batches_order(threads: int) -> None:
    assert list(in_threads(_slow_on_even, range(40), threads)) == [n * n for n in range(40)]


def test_an_error_reaches_the_caller_and_stops_the_rest() -> None:
    started: list[int] = []
    lock = threading.Lock()

    def fn(n: int) -> int:
        with lock:
            started.append(n)
        if n == 3:
            raise ValueError("batch 3 is bad")
        time.sleep(0.01)
        return n

    with pytest.raises(ValueError, match="batch 3 is bad"):
        list(in_threads(fn, range(1_000), 2))
    assert len(started) <= 8  # at most the batches in flight when it failed (2 threads, 4 held)
    assert not [t for t in threading.enumerate() if t.name.startswith("idgraph-plan")]


def test_a_caller_that_stops_early_leaves_no_thread() -> None:
    results = in_threads(_slow_on_even, range(1_000), 2)
    assert [next(results) for _ in range(3)] == [0, 1, 4]
    results.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("idgraph-plan")]
