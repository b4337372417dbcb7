"""WAL checkpoints of the embedded store: the background thread (the default) and SQLite's own (`writer`)."""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from identity_graph.settings import Settings, StoreSettings
from identity_graph.store import SQLiteStore, open_configured, open_store
from identity_graph.store.sqlite_checkpoint import SQLITE_AUTOCHECKPOINT, THREAD_NAME

#: A meta value of this many bytes spans a few pages, so each commit appends several frames to the log.
BLOB = 16_000
#: How long a test waits for the background thread to catch up before failing, in seconds.
PATIENCE_S = 10.0
PAGE = 4096


def _threads() -> list[threading.Thread]:
    """Live checkpoint threads of any store."""
    return [t for t in threading.enumerate() if t.name == THREAD_NAME and t.is_alive()]


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Every test here must leave no checkpoint thread behind."""
    before = set(_threads())
    yield
    assert set(_threads()) - before == set()


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _wait_for(condition: Callable[[], bool]) -> None:
    """Poll until the condition holds (fails after PATIENCE_S)."""
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        assert time.monotonic() < deadline, "the background checkpoint did not happen in time"
        time.sleep(0.01)


def _caught_up(store: SQLiteStore, runs_before: int) -> Callable[[], bool]:
    """True once the thread ran a checkpoint after `runs_before` that copied the whole log."""

    def check() -> bool:
        cp = store.checkpointer
        assert cp is not None
        return cp.runs > runs_before and cp.last is not None and cp.last.complete

    return check


def _writer(path: Path) -> SQLiteStore:
    return open_store(path, StoreSettings(checkpoint="writer"))


def test_background_is_the_default_and_writer_is_sqlites_own(tmp_path: Path) -> None:
    assert Settings().store.checkpoint == "background"
    with open_store(tmp_path / "a.db") as bg, _writer(tmp_path / "b.db") as wr:
        assert bg.checkpointer is not None and wr.checkpointer is None
        fallback = StoreSettings().checkpoint_fallback_pages
        assert bg.scalar("PRAGMA wal_autocheckpoint") == fallback > SQLITE_AUTOCHECKPOINT
        assert wr.scalar("PRAGMA wal_autocheckpoint") == SQLITE_AUTOCHECKPOINT


def test_the_setting_reaches_the_store_through_open_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDGRAPH_STORE__CHECKPOINT", "writer")
    store = open_configured(Settings(db=tmp_path / "s.db"))
    assert isinstance(store, SQLiteStore)
    try:
        assert store.checkpointer is None
    finally:
        store.close()


def test_the_thread_starts_on_the_first_commit_and_stops_on_close(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    checkpointer = store.checkpointer
    assert checkpointer is not None
    store.counts()
    assert not checkpointer.running  # a store that only reads never starts it
    store.set_meta("k", "v")
    assert checkpointer.running
    assert len(_threads()) >= 1
    store.close()
    assert not checkpointer.running


def test_background_checkpoints_copy_the_log_into_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with open_store(path) as store:
        size_before = path.stat().st_size
        store.set_meta("blob", "x" * BLOB * 8)
        _wait_for(_caught_up(store, 0))
        assert path.stat().st_size > size_before + BLOB * 4  # the pages are in the database file itself
        assert store.checkpointer is not None and store.checkpointer.error is None


def test_the_log_starts_over_instead_of_growing(tmp_path: Path) -> None:
    """Commits spaced out in time: the thread copies each and the log restarts, so it stays about one commit
    long; under SQLite's own policy the same commits (below its 1000-page threshold) pile up in the log."""
    commits = 40
    sizes = {}
    for policy in ("background", "writer"):
        path = tmp_path / f"{policy}.db"
        with open_store(path, StoreSettings(checkpoint=policy, checkpoint_interval_ms=1)) as store:
            for i in range(commits):
                runs = store.checkpointer.runs if store.checkpointer is not None else 0
                store.set_meta(f"k{i}", "y" * BLOB)
                if store.checkpointer is not None:
                    _wait_for(_caught_up(store, runs))
            sizes[policy] = _wal(path).stat().st_size
    assert sizes["writer"] > commits * BLOB
    assert sizes["background"] < sizes["writer"] / 4


def test_close_leaves_no_log_content_while_another_connection_is_open(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = open_store(path)
    other = sqlite3.connect(path)  # keeps the log open, so SQLite's own last-close checkpoint does not run
    try:
        assert other.execute("SELECT count(*) FROM meta").fetchone() is not None
        store.set_meta("blob", "z" * BLOB)
        store.close()
        assert _wal(path).stat().st_size == 0
        assert other.execute("SELECT length(value) FROM meta WHERE key = 'blob'").fetchone() == (BLOB,)
        assert other.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        writer = _writer(path)  # the contrast: SQLite's own policy leaves the log to the last connection
        writer.set_meta("blob", "w" * BLOB)
        writer.close()
        assert _wal(path).stat().st_size > BLOB
    finally:
        other.close()


def test_readers_see_each_commit_at_once(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with open_store(path) as writer, open_store(path) as reader:
        for i in range(30):
            writer.set_meta("n", str(i))
            assert reader.get_meta("n") == str(i)
        assert reader.checkpointer is not None and not reader.checkpointer.running


def test_a_requested_truncate_never_loses_to_the_thread(tmp_path: Path) -> None:
    """`checkpoint()` waits for the thread's checkpoint instead of reporting busy (compaction after an erasure
    relies on the log being emptied)."""
    path = tmp_path / "s.db"
    with open_store(path, StoreSettings(checkpoint_interval_ms=1)) as store:
        for i in range(40):
            store.set_meta(f"k{i}", "q" * BLOB)
            result = store.checkpoint("TRUNCATE")
            assert result.complete, result
            assert _wal(path).stat().st_size == 0


def test_several_stores_on_one_file_write_and_close_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    stores = [open_store(path) for _ in range(3)]
    for round_ in range(10):
        for n, store in enumerate(stores):
            store.set_meta(f"s{n}", f"{round_}:" + "p" * BLOB)
    for store in stores:
        store.close()
    with _writer(path) as check:
        assert [check.get_meta(f"s{n}")[:2] for n in range(3)] == ["9:"] * 3  # type: ignore[index]
        assert check.scalar("PRAGMA integrity_check") == "ok"


def test_writes_from_other_threads_wake_the_checkpointer(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        worker = threading.Thread(target=store.set_meta, args=("t", "r" * BLOB))
        worker.start()
        worker.join()
        _wait_for(_caught_up(store, 0))


def test_a_store_dropped_without_close_stops_its_thread(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store.set_meta("k", "v")
    checkpointer = store.checkpointer
    assert checkpointer is not None and checkpointer.running
    conns = list(store._all_conns)
    del store
    gc.collect()
    assert not checkpointer.running
    for conn in conns:
        conn.close()


def test_a_process_killed_after_a_commit_loses_nothing(tmp_path: Path) -> None:
    """Committed data lives in the log until the thread copies it; a process that dies before that (no close, no
    exit handlers) leaves it there, and the next open recovers it."""
    path = tmp_path / "s.db"
    script = (
        "import os, sys\n"
        "from identity_graph.store import open_store\n"
        "store = open_store(sys.argv[1])\n"
        "store.set_meta('blob', 'k' * 16000)\n"
        "os._exit(0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], cwd=Path(__file__).parents[2], check=False)
    assert done.returncode == 0
    assert _wal(path).stat().st_size > BLOB  # the commit is still only in the log
    with open_store(path) as store:
        assert store.get_meta("blob") == "k" * BLOB
        assert store.scalar("PRAGMA integrity_check") == "ok"


def test_writers_on_several_threads_while_the_thread_checkpoints(tmp_path: Path) -> None:
    """Each thread writes on its own connection of one store; the checkpoint thread copies behind them; closing
    while the last commits land loses nothing."""
    path = tmp_path / "s.db"
    store = open_store(path, StoreSettings(checkpoint_interval_ms=1))
    rounds, writers = 25, 4

    def write(n: int) -> None:
        for i in range(rounds):
            store.set_meta(f"w{n}-{i}", "m" * (BLOB // 4))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        _wait_for(_caught_up(store, 0))
    finally:
        store.close()
    with _writer(path) as check:
        assert check.scalar("SELECT count(*) FROM meta WHERE key LIKE 'w%'") == rounds * writers
        assert check.scalar("PRAGMA integrity_check") == "ok"


def test_a_store_used_again_after_close_checkpoints_again(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store.set_meta("a", "1")
    store.close()
    store.set_meta("b", "x" * BLOB)  # reopens its connection lazily
    try:
        assert store.checkpointer is not None and store.checkpointer.running
        _wait_for(_caught_up(store, 0))
    finally:
        store.close()
    assert store.checkpointer is not None and not store.checkpointer.running
