"""WAL checkpoints of the embedded store: by the committing connection (SQLite's default) or a background thread.

In WAL mode a commit appends pages to the write-ahead log; a *checkpoint* copies them into the database file so
the log can start over. By default SQLite's commit that grows the log past 1000 pages runs that checkpoint itself,
so one write in every few dozen pays for copying (and syncing) everything the others wrote: the tail of the
real-time add's latency. With `checkpoint = "background"` the store's writer connections stop doing that (up to a
far larger fallback size) and a daemon thread, on its own connection, runs PASSIVE checkpoints shortly after
commits. PASSIVE never waits for and never blocks readers or writers; it copies what no reader still needs.
Closing the store stops the thread and runs a final TRUNCATE checkpoint, so the file is complete on its own.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from identity_graph.settings import StoreSettings

CheckpointMode = Literal["background", "writer"]
WalMode = Literal["PASSIVE", "FULL", "RESTART", "TRUNCATE"]

#: SQLite's own automatic checkpoint threshold, in pages (the `writer` policy keeps it).
SQLITE_AUTOCHECKPOINT = 1000
#: Without a commit to wake it, the thread still looks every this many seconds whether another connection (or a
#: write outside `transaction()`) left pages in the log.
IDLE_POLL_S = 1.0
#: The final TRUNCATE checkpoint of `close()` waits at most this long for readers of older snapshots (a closing
#: CLI command should not hang on another process's long read; the log is then left for the last connection).
CLOSE_WAIT_MS = 2_000
#: How often a caller's checkpoint retries while another connection's checkpoint holds the checkpoint lock.
RETRY_SLEEP_S = 0.005
#: How long the thread may take to finish its current checkpoint and stop when the store closes, in seconds.
STOP_TIMEOUT_S = 10.0
#: Back-to-back PASSIVE passes per wake-up, each copying what writers committed during the one before.
CATCH_UP_PASSES = 2
#: The thread's name (tests look for leaked threads by it).
THREAD_NAME = "idgraph-checkpoint"


@dataclass(frozen=True)
class CheckpointPolicy:
    """Who copies the WAL into the database file, and when."""

    mode: CheckpointMode
    interval_s: float
    fallback_pages: int

    @classmethod
    def from_settings(cls, settings: StoreSettings | None = None) -> CheckpointPolicy:
        """The policy the `[store]` settings describe (their defaults when none are given)."""
        settings = settings or StoreSettings()
        return cls(
            mode=settings.checkpoint,
            interval_s=settings.checkpoint_interval_ms / 1000,
            fallback_pages=settings.checkpoint_fallback_pages,
        )

    def autocheckpoint_pages(self) -> int:
        """The `wal_autocheckpoint` of the store's own connections (SQLite's default in writer mode)."""
        return self.fallback_pages if self.mode == "background" else SQLITE_AUTOCHECKPOINT


@dataclass(frozen=True)
class CheckpointResult:
    """What one `PRAGMA wal_checkpoint` reported: whether it was blocked, frames in the log, frames copied."""

    busy: bool
    log_frames: int
    checkpointed_frames: int

    @property
    def complete(self) -> bool:
        """Every frame in the log is in the database file."""
        return not self.busy and self.checkpointed_frames >= self.log_frames


def wal_checkpoint(conn: sqlite3.Connection, mode: WalMode) -> CheckpointResult:
    """Run one checkpoint on this connection and return what SQLite reported."""
    row = conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    busy, log, done = (int(v) for v in row) if row is not None else (1, -1, -1)
    return CheckpointResult(busy=bool(busy), log_frames=log, checkpointed_frames=done)


class Checkpointer:
    """A daemon thread that runs PASSIVE checkpoints shortly after commits, started on the first commit.

    `lock` is held while any checkpoint of this store runs (the thread's or `checkpoint()`'s), so a caller's
    TRUNCATE never loses the checkpoint lock to the thread: SQLite reports such a collision as busy at once.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection], interval_s: float) -> None:
        self._connect = connect
        self.interval_s = interval_s
        self.lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.runs = 0
        self.last: CheckpointResult | None = None
        self.error: BaseException | None = None

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def notify(self) -> None:
        """A commit happened: start the thread if needed and have it checkpoint soon."""
        if self._thread is None and not self._stop.is_set():
            with self._start_lock:
                if self._thread is None and not self._stop.is_set():
                    self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
                    self._thread.start()
        self._wake.set()

    def stop(self) -> None:
        """Stop the thread and wait for it (it finishes the checkpoint it is running, if any)."""
        with self._start_lock:
            self._stop.set()
            self._wake.set()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(STOP_TIMEOUT_S)

    def _catch_up(self, conn: sqlite3.Connection) -> None:
        """PASSIVE checkpoints until the log is all in the file (or CATCH_UP_PASSES ran): the first copies what
        accumulated, the next only what writers committed meanwhile. A writer that begins while the log is all
        copied starts it over; writes that follow each other closely never find that moment, and there the
        writers' fallback size bounds the log (one commit in a few hundred copies the little left and restarts it).
        (Restarting it from here would take the write lock, and a writer waiting on that sleeps 1, 2, 5, 10 ms.)"""
        for _ in range(CATCH_UP_PASSES):
            with self.lock:
                self.last = wal_checkpoint(conn, "PASSIVE")
            self.runs += 1
            if self.last.complete or self._stop.is_set():
                break

    def _run(self) -> None:
        """Checkpoint after commits, at most once per interval, until stopped."""
        try:
            conn = self._connect()
        except (sqlite3.Error, OSError) as exc:
            self.error = exc
            return
        seen = -1
        try:
            while not self._stop.is_set():
                woke = self._wake.wait(IDLE_POLL_S)
                if self._stop.is_set():
                    break
                if woke and self._stop.wait(self.interval_s):  # let a burst of commits finish first
                    break
                self._wake.clear()
                try:
                    version = _data_version(conn)
                    if woke or version != seen:
                        seen = version
                        self._catch_up(conn)
                except sqlite3.Error as exc:  # e.g. locked for a moment: try again at the next wake-up
                    self.error = exc  # (the writers' fallback size bounds the log meanwhile)
        finally:
            conn.close()


def _data_version(conn: sqlite3.Connection) -> int:
    """SQLite's counter of commits by other connections, as this connection sees it."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def exclusive_checkpoint(
    conn: sqlite3.Connection, mode: WalMode, lock: threading.Lock | None, wait_ms: int
) -> CheckpointResult:
    """A checkpoint (typically RESTART or TRUNCATE) that waits up to `wait_ms` for readers of older snapshots and
    for a checkpoint another connection is running (SQLite reports that one as busy at once, never waiting)."""
    previous = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute(f"PRAGMA busy_timeout = {wait_ms}")
    deadline = time.monotonic() + wait_ms / 1000
    try:
        while True:
            if lock is not None:
                with lock:
                    result = wal_checkpoint(conn, mode)
            else:
                result = wal_checkpoint(conn, mode)
            if not result.busy or time.monotonic() >= deadline:
                return result
            time.sleep(RETRY_SLEEP_S)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {previous}")
