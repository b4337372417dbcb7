"""The garbage collector pause of bulk work: nested, thread-shared, and always switched back on."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from identity_graph.gc_pause import paused_gc


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_pause_turns_the_collector_off_and_back_on() -> None:
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outermost() -> None:
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_turns_it_back_on() -> None:
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_pauses_from_two_threads_overlap() -> None:
    inside, release = threading.Event(), threading.Event()

    def worker() -> None:
        with paused_gc():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    with paused_gc():
        pass
    assert not gc.isenabled()  # the other thread's pause still holds
    release.set()
    t.join(5)
    assert gc.isenabled()
