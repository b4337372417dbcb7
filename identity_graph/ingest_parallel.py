"""A large load in two processes: a worker reads, normalizes and builds the rows; this process writes them.

    worker (forked):  connector.read ─► prepare ─► record_row / interaction_row ─► batch ─┐
                                     └► Rejected / Notice (in their place in the stream) ──┤ queue (bounded)
    this process:     ◄──────────────────────────────────────────────────────────────────┘
                      rows ─► store.upsert_rows (1 txn a batch) · Rejected ─► quarantine (or stop, --strict)

Reading and normalizing are most of a load's work and need no store; writing needs no parsing. With a second
core the two overlap. Everything a user sees stays as in one process (`ingest.ingest_items`): the same batches
(the worker cuts them at the same size), in the same order, one transaction each, so a crash still leaves the
store as it was before the interrupted batch; a rejected row is quarantined with its file and line, and under
--strict the load stops there with the batch being gathered not written; notes and counts are the same. Rows
cross as plain tuples (`RecordRow`, `InteractionRow`): model objects cost five times more to send.

Used for a file-backed SQLite store and inputs of at least PARALLEL_MIN_BYTES, from the main thread of a process
that can fork (not from a thread of the service); otherwise the load runs in one process. A manifest starts the
worker of its next such load while the current one is written (`start_reader(ahead=True)`): reading is most of
the work, so the two workers keep both cores busy; the writer still takes the loads one after the other, each
batch in order, and a load that stops the manifest stops the worker reading ahead. A worker may also be started
behind another one (`start_reader(after=...)`): it waits until that one has read all its input or has filled its
queue, so two workers read at a time whatever the number of loads, and one that has to wait makes way at once.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue as queue_errors
import signal
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors.base import Connector
from identity_graph.errors import InputError
from identity_graph.gc_pause import paused_gc
from identity_graph.model import Interaction, Notice, Record, Rejected
from identity_graph.prepare import PrepareReport, clamp_record, normalized_claims, prepare_interaction
from identity_graph.store.protocol import GraphStore
from identity_graph.store.sqlite_ingest import InteractionRow, RecordRow, interaction_row, record_row_of

#: Inputs of at least this many bytes load with a worker process (below it, starting one costs more than it
#: saves; about 15,000 CRM rows).
PARALLEL_MIN_BYTES = 2 * 2**20
#: Batches waiting between the worker and the writer: memory stays a few batches whatever the input's size.
QUEUE_BATCHES = 4
#: Batches a manifest's next load may read ahead while the current one is written (`start_reader(ahead=True)`):
#: at most about 220 MB of rows (5,000 items a batch, some 350 bytes an item pickled). At 64 the second core
#: idled for a third of a million-row manifest's time, the next load's worker waiting on a full queue.
READ_AHEAD_BATCHES = 128
#: How much lower the scheduling priority of a worker reading a later load is (`os.nice`, `start_reader(lower=
#: True)`): the load being written gets its core first, so the writer is not left with the later loads to write
#: alone at the end; the later ones take what is left.
AHEAD_NICENESS = 5
#: Seconds between checks that the worker is still alive while waiting for its next message.
WAIT_SECONDS = 1.0
#: Seconds a stopped worker gets to end before it is killed.
STOP_SECONDS = 5.0

Message = tuple[Any, ...]
Writer = Callable[[Sequence[RecordRow], Sequence[InteractionRow]], None]


def can_fork() -> bool:
    """True where a worker can be forked safely: a fork start method, and the process's main thread."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.current_thread() is threading.main_thread()


def wants_worker(store: GraphStore | None, size: int, *, dry_run: bool) -> bool:
    """True when a load of `size` input bytes into `store` should run with a worker process."""
    big = size >= PARALLEL_MIN_BYTES
    return store is not None and not dry_run and hasattr(store, "upsert_rows") and big and can_fork()


class _Progress:
    """What the worker has done so far: bytes read, items seen, and the prepare report's counts."""

    def __init__(self) -> None:
        self.records = 0
        self.interactions = 0
        self.report = PrepareReport()


def _state(connector: Connector, done: _Progress) -> Message:
    """The counters every message carries (copies: the worker goes on changing them)."""
    r = done.report
    return (connector.counter.done, done.records, done.interactions, dict(r.unusable), dict(r.notes))


def _send(out: Any, message: Message, parent: int, way: Any) -> None:
    """Put a message on the queue (an exception that cannot cross is sent as its kind and text); a full queue
    first makes way for the worker waiting behind this one (`way`)."""
    if message[0] == "error":
        try:
            pickle.loads(pickle.dumps(message[1]))
        except Exception:
            message = ("error", InputError(f"{type(message[1]).__name__}: {message[1]}"))
    try:
        out.put(message, block=False)
        return
    except queue_errors.Full:
        way.set()
    while True:
        try:
            out.put(message, timeout=WAIT_SECONDS)
            return
        except queue_errors.Full:
            if os.getppid() != parent:  # the writer is gone (killed): nobody will read, end here
                os._exit(1)


def _lower_priority() -> None:
    """Run this worker AHEAD_NICENESS steps below the writer's priority (where the system allows it)."""
    with suppress(OSError):  # not allowed: it runs at the writer's priority
        os.nice(AHEAD_NICENESS)


def _wait_for(after: Any, parent: int) -> None:
    """Wait until the worker this one is started behind makes way (`start_reader(after=...)`)."""
    while after is not None and not after.wait(WAIT_SECONDS):
        if os.getppid() != parent:  # the writer is gone: nobody will read
            os._exit(1)


def _record_row(record: Record, region: str, report: PrepareReport) -> RecordRow:
    """`record_row(prepare_record(...))` without building the normalized claims as model objects."""
    clamped = clamp_record(record, report)
    return record_row_of(clamped, normalized_claims(clamped, region, report)[1])


def _work(
    connector: Connector,
    inputs: list[Path],
    region: str,
    size: int,
    out: Any,
    parent: int,
    way: Any,
    after: Any,
    lower: bool,
) -> None:
    """The worker: read, prepare and turn items into rows, sending full batches and other items in order; it
    starts once `after` is set (if given), and sets `way` once it has read everything or found its queue full."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the writer stops it with SIGTERM: at once
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the writer handles it
    done = _Progress()
    records: list[RecordRow] = []
    interactions: list[InteractionRow] = []
    if lower:
        _lower_priority()
    try:
        _wait_for(after, parent)
        with paused_gc():  # as a batch is gathered in one process (see ingest._Batcher); rows make no cycles
            for item in connector.read(inputs):
                if isinstance(item, Record):
                    done.records += 1
                    records.append(_record_row(item, region, done.report))
                elif isinstance(item, Interaction):
                    done.interactions += 1
                    interactions.append(interaction_row(prepare_interaction(item, done.report)))
                elif isinstance(item, Rejected):
                    _send(out, ("reject", item, *_state(connector, done)), parent, way)
                    continue
                else:
                    _send(out, ("notice", item, *_state(connector, done)), parent, way)
                    continue
                if len(records) + len(interactions) >= size:
                    _send(out, ("rows", records, interactions, *_state(connector, done)), parent, way)
                    records, interactions = [], []
        way.set()  # everything read: the next worker may start
        _send(out, ("end", records, interactions, *_state(connector, done)), parent, way)
    except BaseException as exc:
        way.set()
        _send(out, ("error", exc), parent, way)
    finally:
        out.close()
        out.join_thread()  # every message in the pipe (the writer reads until the end or stops this process)
        os._exit(0)  # no finalizers: the parent's store connection, copied by the fork, is not the worker's


def _next(out: Any, worker: Any) -> Message:
    """The worker's next message; an InputError if it died without one."""
    while True:
        try:
            message: Message = out.get(timeout=WAIT_SECONDS)
            return message
        except queue_errors.Empty:
            if not worker.is_alive():
                raise InputError("the load's reading process stopped unexpectedly (out of memory?)") from None


@dataclass
class Reader:
    """A worker process reading one load's inputs into a queue of messages (`start_reader`); `way` is set once
    it has read everything or found its queue full (a worker started behind it then begins)."""

    process: Any
    queue: Any
    way: Any

    def stop(self) -> None:
        """End the worker (at once when it is still reading) and let go of its queue."""
        _stop(self.process)
        self.queue.close()
        self.queue.cancel_join_thread()


def start_reader(
    connector: Connector,
    inputs: list[Path],
    region: str,
    batch_size: int,
    *,
    ahead: bool = False,
    after: Reader | None = None,
    lower: bool = False,
) -> Reader:
    """Fork a worker that reads `inputs` and sends their rows in batches of `batch_size` items; `ahead` lets it
    run READ_AHEAD_BATCHES ahead of the writer (a manifest's next load, read while the current one is written),
    else QUEUE_BATCHES; with `after` it begins once that worker has read everything or filled its queue; `lower`
    runs it at a lower priority (a later load's). Call from the main thread between transactions; the caller
    stops it (`Reader.stop`)."""
    context = multiprocessing.get_context("fork")
    out = context.Queue(maxsize=READ_AHEAD_BATCHES if ahead else QUEUE_BATCHES)
    way = context.Event()
    gate = after.way if after is not None else None
    args = (connector, inputs, region, batch_size, out, os.getpid(), way, gate, lower)
    worker = context.Process(target=_work, args=args, daemon=True)
    worker.start()
    return Reader(worker, out, way)


def run_with_worker(
    connector: Connector,
    inputs: list[Path],
    region: str,
    batch_size: int,
    write: Writer,
    on_item: Callable[[Rejected | Notice], None],
    on_state: Callable[[int, int, int, dict[str, int], dict[str, int]], None],
    reader: Reader | None = None,
) -> None:
    """Read in a forked worker (`reader`, when one was started ahead for these inputs) and `write` each batch of
    rows here, in order; `on_item` gets the rejected rows and notices where they fall, `on_state` the worker's
    counters (bytes, records, interactions, unusable claims, notes) after each message. The worker is stopped on
    any way out."""
    if reader is None:
        reader = start_reader(connector, inputs, region, batch_size)
    out, worker = reader.queue, reader.process
    try:
        while True:
            with paused_gc():  # a batch's rows unpickle in half the time without the collector's passes
                message = _next(out, worker)
            kind = message[0]
            if kind == "error":
                raise message[1]
            if kind in ("rows", "end"):
                write(message[1], message[2])
                on_state(*message[3:])
            else:
                on_state(*message[2:])
                on_item(message[1])
            if kind == "end":
                break
    finally:
        reader.stop()


def _stop(worker: Any) -> None:
    """End the worker: at once when it is still reading (a stopped load), then wait for it."""
    if worker.is_alive():
        worker.terminate()
    worker.join(timeout=STOP_SECONDS)
    if worker.is_alive():
        worker.kill()
        worker.join()
