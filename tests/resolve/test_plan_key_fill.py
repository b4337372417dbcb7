"""The store's blocking keys are written on a thread of their own while the plan trains and scores: a fill that
fails stops the run with its own error and leaves the store as it was (no model, no link); a run that fails
while the fill is still going waits for it (its file is not removed under it) and reports its own error."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from identity_graph.errors import StoreError
from identity_graph.resolve.blocking import STORED_KEYS
from identity_graph.resolve.plan import key_fill, resolve_batch
from identity_graph.resolve.plan import run as plan_run
from identity_graph.resolve.plan.key_fill import KeyFill
from identity_graph.resolve.training import META_KEY
from identity_graph.store import SQLiteStore
from tests.resolve.engines import febrl_store
from tests.resolve.key_reference import stored_batch

#: How long the second test's fill waits before it starts (scoring fails well before).
FILL_DELAY = 0.5


def _state(db: Path) -> tuple[list[tuple[str, int]], int, int]:
    """The store's blocking keys, edge count and person count, read from its file."""
    with closing(sqlite3.connect(db)) as conn:
        keys = sorted(conn.execute("SELECT key, record_id FROM blocking_keys").fetchall())
        edges = int(conn.execute("SELECT count(*) FROM match_edges").fetchone()[0])
        persons = int(conn.execute("SELECT count(*) FROM persons").fetchone()[0])
    return keys, edges, persons


class FailingFill(SQLiteStore):
    """The real store, whose key fill fails after its first batch of rows (inside its transaction)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.fill_thread: str | None = None

    def fill_blocking_keys(self, batches: Iterable[Sequence[tuple[str, int]]]) -> None:
        """Fill, breaking off after the first batch."""
        self.fill_thread = threading.current_thread().name

        def first_then_fail() -> Iterator[Sequence[tuple[str, int]]]:
            for batch in batches:
                yield batch
                raise StoreError("the disk is full")

        super().fill_blocking_keys(first_then_fail())


def test_a_failed_key_fill_stops_the_run_and_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = febrl_store("febrl3", 400, tmp_path / "f.db")
    store = SQLiteStore(settings.db)
    resolve_batch(store, settings)
    store.close()
    before = _state(settings.db)
    assert before[0] and before[1] and before[2]
    monkeypatch.setattr(key_fill, "FILL_BATCH", 100)  # several batches: the fill fails part way
    failing = FailingFill(settings.db)
    with pytest.raises(StoreError, match="the disk is full"):
        resolve_batch(failing, settings, retrain=True)
    assert failing.fill_thread is not None and failing.fill_thread != threading.current_thread().name
    failing.close()
    assert _state(settings.db) == before  # the keys' transaction rolled back; no link was written


def test_a_run_failing_beside_the_fill_waits_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = febrl_store("febrl3", 400, tmp_path / "f.db")
    filled = threading.Event()
    real_fill = SQLiteStore.fill_blocking_keys

    def slow_fill(self: SQLiteStore, batches: Iterable[Sequence[tuple[str, int]]]) -> None:
        time.sleep(FILL_DELAY)  # still filling when scoring fails
        real_fill(self, batches)
        filled.set()

    def failing_scoring(*_: object) -> None:
        raise RuntimeError("scoring broke")

    monkeypatch.setattr(SQLiteStore, "fill_blocking_keys", slow_fill)
    monkeypatch.setattr(plan_run, "score_kept", failing_scoring)
    store = SQLiteStore(settings.db)
    with pytest.raises(RuntimeError, match="scoring broke"):
        resolve_batch(store, settings)
    assert filled.is_set()  # the fill had finished before the run gave up (and closed its engine)
    store.close()
    keys, edges, _ = _state(settings.db)
    assert keys and edges == 0  # the keys are in (the fill is its own transaction); no link was written
    assert SQLiteStore(settings.db).get_meta(META_KEY) is None  # nor the model: it is saved after the keys


def test_the_key_file_is_in_the_store_s_order_and_goes_away(tmp_path: Path) -> None:
    settings = febrl_store("febrl3", 30, tmp_path / "f.db")
    store = SQLiteStore(settings.db)
    ids = [r.id for r in store.get_records(list(range(1, 31))) if r is not None]
    first, second = sorted(ids)[:15], sorted(ids)[15:]
    fill = KeyFill(batch=7)
    fill.add(stored_batch(np.array(first, dtype=np.int64), {name: _keys(name, "b", first) for name in STORED_KEYS}))
    fill.add(stored_batch(np.array(second, dtype=np.int64), {name: _keys(name, "a", second) for name in STORED_KEYS}))
    fill.start(store)
    read = [row for batch in fill.rows() for row in batch]  # the file, read beside the fill
    fill.finish()
    assert read == sorted(read, key=lambda kr: (kr[1], kr[0]))  # record id, then key: as the store keeps them
    assert len(read) == len(ids) * len(STORED_KEYS)
    assert not fill.path.exists()
    stored = _state(settings.db)[0]
    assert sorted(stored) == sorted(read)
    store.close()


def _keys(name: str, prefix: str, ids: list[int]) -> list[str]:
    """A key of this name per record (the passes come one after another in a slice: only sorting puts a
    record's keys together)."""
    return [f"{prefix}{i % 3}:{name}" for i in ids]
