"""A load stopped by SIGTERM ends the way Ctrl-C (SIGINT) ends it: through KeyboardInterrupt.

Without a handler SIGTERM kills the process at once: the batch in flight rolls back (one transaction) but the
load history gets no entry and the quarantine file is not closed. During a load `sigterm_as_interrupt` turns
SIGTERM into `Terminated`, a KeyboardInterrupt, so the load records its counts with `stopped: Terminated` and the
command exits as after Ctrl-C. The previous handler comes back when the load ends.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived during a load (handled as Ctrl-C is)."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    """The SIGTERM handler installed during a load."""
    raise Terminated(f"signal {signum}")


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within this block SIGTERM raises `Terminated` (only the main thread can install a handler; elsewhere,
    such as a worker thread of the service, nothing changes)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
