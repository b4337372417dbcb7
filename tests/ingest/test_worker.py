"""A load read by a worker process keeps every promise of a load in one process: batches in order, --strict stops
at the first rejected row with the batch being gathered unwritten, a failing reader stops the load with its
error, a reader that dies is reported, progress counts bytes, and small or dry loads stay in one process."""

from __future__ import annotations

import multiprocessing
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.base import Connector, ConnectorOptions
from connectors.registry import make_connector
from identity_graph import ingest_parallel
from identity_graph.errors import InputError
from identity_graph.ingest import IngestResult, ingest, ingest_with_worker
from identity_graph.ingest_manifest import load_manifest
from identity_graph.model import IdentifierClaim, IdentifierKind, Record, RecordKind, SourceItem
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore

ROWS = 95
BATCH = 10
MAPPING = 'id = "id"\n[fields]\nfirst_name = "first"\nphone = "phone"\n'


@pytest.fixture
def worker_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every load below takes the worker, whatever its size."""
    monkeypatch.setattr(ingest_parallel, "PARALLEL_MIN_BYTES", 0)


def _contacts(folder: Path, bad_at: int | None = None) -> tuple[Path, Path]:
    """A CSV of ROWS contacts (one malformed row at `bad_at`) and its mapping."""
    lines = ["id,first,phone"]
    for n in range(ROWS):
        lines.append("no id,,," if n == bad_at else f"c{n},Ann{n},(415) 555-{n:04d}")
    data = folder / "contacts.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = folder / "contacts.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return data, mapping


def _settings(tmp_path: Path) -> Settings:
    """Small batches, so a load has several."""
    return Settings(db=tmp_path / "test.db", ingest={"batch_size": BATCH, "quarantine_dir": tmp_path / "q"})


def _count(store: SQLiteStore) -> int:
    """Records stored."""
    conn = sqlite3.connect(store.path)
    try:
        return int(conn.execute("SELECT count(*) FROM records").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.usefixtures("worker_always")
def test_strict_stops_at_the_rejected_row_with_earlier_batches_written(tmp_path: Path, store: SQLiteStore) -> None:
    data, mapping = _contacts(tmp_path, bad_at=42)
    with pytest.raises(InputError, match=r"contacts.csv:\d+"):
        ingest(store, "csv", "crm", [data], _settings(tmp_path), mapping=mapping, strict=True)
    assert _count(store) == 40  # four whole batches; the two rows gathered after them are not written


@pytest.mark.usefixtures("worker_always")
def test_a_rejected_row_is_quarantined_and_the_rest_loads(tmp_path: Path, store: SQLiteStore) -> None:
    data, mapping = _contacts(tmp_path, bad_at=7)
    done: list[int] = []
    result = ingest(store, "csv", "crm", [data], _settings(tmp_path), mapping=mapping, progress=done.append)
    assert _count(store) == ROWS - 1 == result.stats.records_loaded == result.records_seen
    assert result.quarantined == 1 and result.quarantine_file is not None
    assert result.rejects[0].startswith(f"{data}:9:")  # file and line (the header is line 1)
    assert done == sorted(done) and done[-1] == data.stat().st_size


class _Failing(Connector):
    """Yields a few records, then fails the way a reader can (or ends the process, with `die`)."""

    format = "failing"
    description = "a test reader"
    die = False

    def read_file(self, path: Path) -> Iterator[SourceItem]:
        for n in range(25):
            claim = IdentifierClaim(kind=IdentifierKind.PHONE, raw=f"(415) 555-{n:04d}", field="phone")
            yield Record(source="t", source_id=f"r{n}", kind=RecordKind.CONTACT, first_name="Bo", identifiers=(claim,))
        if self.die:
            os._exit(3)
        raise InputError(f"{path.name}: the file ends in the middle of a row")


@pytest.mark.parametrize("die", [False, True])
def test_a_reader_that_fails_or_dies_stops_the_load(tmp_path: Path, store: SQLiteStore, die: bool) -> None:
    connector = _Failing(ConnectorOptions(source="t"))
    connector.die = die
    result = IngestResult(source="t", format="failing", paths=[])
    path = tmp_path / "x.txt"
    path.write_text("x", encoding="utf-8")
    message = "stopped unexpectedly" if die else "ends in the middle of a row"
    with pytest.raises(InputError, match=message):
        ingest_with_worker(connector, [path], store, _settings(tmp_path), result)
    # the whole batches sent before the failure (a process that dies may take the last ones unsent with it)
    assert _count(store) in ((0, 10, 20) if die else (20,))


def test_small_dry_or_threaded_loads_stay_in_one_process(store: SQLiteStore) -> None:
    big = ingest_parallel.PARALLEL_MIN_BYTES
    assert ingest_parallel.wants_worker(store, big, dry_run=False)
    assert not ingest_parallel.wants_worker(store, big - 1, dry_run=False)
    assert not ingest_parallel.wants_worker(store, big, dry_run=True)
    assert not ingest_parallel.wants_worker(None, big, dry_run=False)
    seen: list[bool] = []
    thread = threading.Thread(target=lambda: seen.append(ingest_parallel.wants_worker(store, big, dry_run=False)))
    thread.start()
    thread.join()
    assert seen == [False]


def _manifest(folder: Path, bad_at: int | None, loads: int = 2) -> Path:
    """A manifest of CSV loads (crm, crm2, crm3, ...), the first with a malformed row at `bad_at`."""
    data, mapping = _contacts(folder, bad_at=bad_at)
    second = folder / "second.csv"
    second.write_text(data.read_text(encoding="utf-8").replace("no id,,,", "c999,Zoe,"), encoding="utf-8")
    text = f'[[load]]\nformat = "csv"\nsource = "crm"\npaths = ["{data.name}"]\nmapping = "{mapping.name}"\n'
    for n in range(2, loads + 1):
        text += f'\n[[load]]\nformat = "csv"\nsource = "crm{n}"\npaths = ["second.csv"]\nmapping = "{mapping.name}"\n'
    manifest = folder / "manifest.toml"
    manifest.write_text(text, encoding="utf-8")
    return manifest


def _sources(store: SQLiteStore) -> dict[str, int]:
    """Records stored per source."""
    conn = sqlite3.connect(store.path)
    try:
        return dict(conn.execute("SELECT source, count(*) FROM records GROUP BY source ORDER BY source").fetchall())
    finally:
        conn.close()


@pytest.mark.usefixtures("worker_always")
def test_a_manifest_reads_its_next_load_ahead_and_writes_in_order(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[bool, ingest_parallel.Reader | None, bool]] = []
    made: list[ingest_parallel.Reader] = []
    real = ingest_parallel.start_reader

    def spy(
        *args: object, ahead: bool = False, after: ingest_parallel.Reader | None = None, lower: bool = False
    ) -> ingest_parallel.Reader:
        started.append((ahead, after, lower))
        made.append(real(*args, ahead=ahead, after=after, lower=lower))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr("identity_graph.ingest.start_reader", spy)
    results = load_manifest(store, _manifest(tmp_path, bad_at=7, loads=3), _settings(tmp_path))
    # every load read by a worker started ahead of its turn; the first at the writer's priority, the later ones
    # lower; the third begins behind the second's worker
    assert started == [(True, None, False), (True, None, True), (True, made[1], True)]
    assert [r.source for r in results] == ["crm", "crm2", "crm3"]
    assert [r.stats.records_loaded for r in results] == [ROWS - 1, ROWS, ROWS]
    assert [r.quarantined for r in results] == [1, 0, 0]
    assert _sources(store) == {"crm": ROWS - 1, "crm2": ROWS, "crm3": ROWS}
    conn = sqlite3.connect(store.path)
    try:  # the first load's records first: the writer took the loads in the manifest's order
        order = [s for (s,) in conn.execute("SELECT source FROM records ORDER BY id")]
    finally:
        conn.close()
    assert order == ["crm"] * (ROWS - 1) + ["crm2"] * ROWS + ["crm3"] * ROWS


class _Held(Connector):
    """Yields ROWS records once the file `go` beside its input exists."""

    format = "held"
    description = "a test reader that waits"

    def read_file(self, path: Path) -> Iterator[SourceItem]:
        while not (path.parent / "go").exists():
            time.sleep(0.02)
        for n in range(ROWS):
            yield Record(source="h", source_id=f"h{n}", kind=RecordKind.CONTACT, first_name="Bo")


def _first_message(reader: ingest_parallel.Reader, seconds: float) -> tuple[object, ...] | None:
    """The reader's first message within `seconds` (None when it sent none)."""
    try:
        message: tuple[object, ...] = reader.queue.get(timeout=seconds)
        return message
    except queue.Empty:
        return None


def test_a_worker_started_behind_another_waits_until_that_one_makes_way(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("x", encoding="utf-8")
    data, mapping = _contacts(tmp_path)
    first = ingest_parallel.start_reader(_Held(ConnectorOptions(source="h")), [path], "US", BATCH, ahead=True)
    crm = make_connector("csv", ConnectorOptions(source="crm"), mapping)
    second = ingest_parallel.start_reader(crm, [data], "US", BATCH, after=first)
    try:
        assert _first_message(second, 0.5) is None  # the first has read nothing yet: the second waits
        (tmp_path / "go").touch()
        message = _first_message(second, 10)  # the first read everything: the second begins
        assert message is not None and message[0] == "rows"
        assert first.way.is_set()
    finally:
        first.stop()
        second.stop()


def test_a_worker_with_a_full_queue_makes_way(tmp_path: Path) -> None:
    data, mapping = _contacts(tmp_path)
    options = ConnectorOptions(source="crm")
    # ROWS / BATCH = 10 batches, QUEUE_BATCHES = 4 waiting at most: the first stops on a full queue
    first = ingest_parallel.start_reader(make_connector("csv", options, mapping), [data], "US", BATCH)
    second = ingest_parallel.start_reader(make_connector("csv", options, mapping), [data], "US", BATCH, after=first)
    try:
        message = _first_message(second, 10)  # nobody reads the first's queue, yet the second begins
        assert message is not None and message[0] == "rows"
        assert first.process.is_alive()  # still waiting to send the rest
    finally:
        first.stop()
        second.stop()


@pytest.mark.usefixtures("worker_always")
def test_a_stopped_manifest_stops_the_load_read_ahead(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_parallel, "READ_AHEAD_BATCHES", 1)  # the second reader waits on a full queue
    before = set(multiprocessing.active_children())
    with pytest.raises(InputError, match=r"contacts.csv:\d+"):
        load_manifest(store, _manifest(tmp_path, bad_at=42), _settings(tmp_path), strict=True)
    assert _sources(store) == {"crm": 40}  # nothing of the second load, though it was being read
    assert set(multiprocessing.active_children()) <= before  # no worker left running
