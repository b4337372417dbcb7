"""The ingest pipeline every connector shares: normalize, batch, upsert, quarantine, report.

    connector items ──► Record ──► prepare_record (normalize claims) ─┐
                    ├─► Interaction ──────────────────────────────────┼─► batch ─► store.upsert_batch (1 txn)
                    ├─► Rejected ──► quarantine file (or stop, --strict)
                    └─► Notice ──► the load's summary

A batch is one transaction: a crash leaves the store as it was before the interrupted batch. A connector yields
a party record before the interaction that refers to it, so the record is always in the same or an earlier
batch. Each load is recorded in the store's load history (`GraphStore.record_ingest_run`).
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from connectors.base import Connector, ConnectorOptions
from connectors.registry import FOLDER_FORMATS, make_connector
from identity_graph.errors import ConfigError, InputError
from identity_graph.gc_pause import paused_gc
from identity_graph.ingest_parallel import Reader, run_with_worker, start_reader, wants_worker
from identity_graph.ingest_quarantine import QUARANTINE_NOTE, WITHHELD_NOTE, QuarantineWriter
from identity_graph.ingest_signals import sigterm_as_interrupt
from identity_graph.model import Interaction, Notice, Record, Rejected, SourceItem
from identity_graph.prepare import PrepareReport, prepare_interaction, prepare_record
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore, PreparedRecord, UpsertStats
from identity_graph.store.runs import IngestRun
from identity_graph.store.sqlite_ingest import InteractionRow, RecordRow

#: Items between two progress updates (besides one per batch).
PROGRESS_EVERY = 2_000
#: Rejected rows listed in the summary (the quarantine file has them all).
REJECT_SAMPLE = 5

ProgressHook = Callable[[int], None]


@dataclass
class IngestResult:
    """What one load did."""

    source: str
    format: str
    paths: list[str]
    dry_run: bool = False
    stats: UpsertStats = field(default_factory=UpsertStats)
    records_seen: int = 0
    interactions_seen: int = 0
    quarantined: int = 0
    notices: dict[str, int] = field(default_factory=dict)
    unusable: dict[str, int] = field(default_factory=dict)
    rejects: list[str] = field(default_factory=list)
    quarantine_file: Path | None = None
    run_id: int | None = None
    error: str | None = None  # the kind of error that stopped the load (its message may quote a row)

    def notes(self) -> list[str]:
        """Notices and unusable-identifier counts as readable lines."""
        lines = [msg if n == 1 else f"{msg} (x{n})" for msg, n in self.notices.items()]
        lines += [f"{n:,} unusable {kind} identifier(s) left out" for kind, n in sorted(self.unusable.items())]
        return lines


def expand_paths(paths: Sequence[str | Path], fmt: str, base: Path | None = None) -> list[Path]:
    """Input paths with globs expanded (relative to `base`); a missing input is a ConfigError."""
    out: list[Path] = []
    for raw in paths:
        text = str(raw)
        full = str(base / text) if base is not None and not Path(text).is_absolute() else text
        matches = sorted(glob.glob(full)) if glob.has_magic(full) else [full]
        if not matches:
            raise ConfigError(f"no file matches {text}")
        for match in matches:
            path = Path(match)
            if not path.exists():
                raise ConfigError(f"input {path} does not exist")
            if path.is_dir() and fmt not in FOLDER_FORMATS:
                raise ConfigError(f"{path} is a folder; format {fmt} reads files")
            out.append(path)
    return out


def input_size(paths: Iterable[Path]) -> int:
    """Total bytes of the inputs (folders summed), for the progress bar."""
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        else:
            total += path.stat().st_size
    return total


class _Batcher:
    """Collects prepared records and interactions and writes them one transaction per batch."""

    def __init__(self, store: GraphStore | None, size: int, result: IngestResult) -> None:
        self.store = store
        self.size = size
        self.result = result
        self.records: list[PreparedRecord] = []
        self.interactions: list[Interaction] = []
        self._pause = ExitStack()

    def add(self, item: PreparedRecord | Interaction) -> bool:
        """Queue an item; True when the batch was written."""
        if not self.records and not self.interactions:
            # a batch is gathered and written with the cyclic GC paused: its full passes over every object held
            # cost more than building the batch (memory is still freed by reference counting meanwhile)
            self._pause.enter_context(paused_gc())
        if isinstance(item, Interaction):
            self.interactions.append(item)
        else:
            self.records.append(item)
        if len(self.records) + len(self.interactions) >= self.size:
            self.flush()
            return True
        return False

    def flush(self) -> None:
        """Write what is queued (nothing in a dry run)."""
        try:
            if self.store is not None and (self.records or self.interactions):
                self.result.stats.add(self.store.upsert_batch(self.records, self.interactions))
        finally:
            self.records, self.interactions = [], []
            self.release()

    def release(self) -> None:
        """End the batch's GC pause (also when a load stops half way)."""
        self._pause.close()


def ingest_items(
    items: Iterable[SourceItem],
    store: GraphStore | None,
    settings: Settings,
    result: IngestResult,
    *,
    strict: bool = False,
    progress: Callable[[], None] | None = None,
) -> IngestResult:
    """Drive a stream of items into the store (None, or `result.dry_run`, writes nothing)."""
    writing = store is not None and not result.dry_run
    batcher = _Batcher(store if writing else None, settings.ingest.batch_size, result)
    report = PrepareReport()
    region = settings.matching.default_region
    quarantine = _quarantine(store if writing else None, settings, result)
    seen = 0
    try:
        for item in items:
            seen += 1
            if isinstance(item, Record):
                result.records_seen += 1
                wrote = batcher.add(prepare_record(item, region, report))
            elif isinstance(item, Interaction):
                result.interactions_seen += 1
                wrote = batcher.add(prepare_interaction(item, report))
            elif isinstance(item, Rejected):
                wrote = False
                _reject(item, result, quarantine, strict)
            else:
                wrote = False
                _notice(item, result)
            if progress is not None and (wrote or seen % PROGRESS_EVERY == 0):
                progress()
        batcher.flush()
    finally:
        batcher.release()
        _finish(result, report, quarantine)
    if progress is not None:
        progress()
    return result


def _quarantine(store: GraphStore | None, settings: Settings, result: IngestResult) -> QuarantineWriter | None:
    """The load's quarantine file writer (None when nothing is written)."""
    if store is None:
        return None
    erased = store if settings.privacy.tombstones else None  # an erased person's rows are not quarantined
    folder, region = settings.ingest.quarantine_dir, settings.matching.default_region
    return QuarantineWriter(folder, result.source, result.format, erased, region)


def _finish(result: IngestResult, report: PrepareReport, quarantine: QuarantineWriter | None) -> None:
    """Put the prepare report's counts and the quarantine file into the result (also when a load stops)."""
    result.unusable = dict(report.unusable)
    for message, n in report.notes.items():  # input-policy notes: a field cut, a date left out
        result.notices[message] = result.notices.get(message, 0) + n
    if quarantine is not None:
        quarantine.close()
        result.quarantine_file = quarantine.written
        if quarantine.withheld:
            result.notices[WITHHELD_NOTE] = quarantine.withheld


def ingest_with_worker(
    connector: Connector,
    inputs: list[Path],
    store: GraphStore,
    settings: Settings,
    result: IngestResult,
    *,
    strict: bool = False,
    progress: ProgressHook | None = None,
    reader: Reader | None = None,
) -> IngestResult:
    """`ingest_items` over a connector's files, read and prepared in a worker process (`ingest_parallel`; `reader`
    when it was started ahead)."""
    report = PrepareReport()
    quarantine = _quarantine(store, settings, result)
    upsert_rows = store.upsert_rows  # type: ignore[attr-defined]  # the SQLite store's (see wants_worker)

    def write(records: Sequence[RecordRow], interactions: Sequence[InteractionRow]) -> None:
        result.stats.add(upsert_rows(records, interactions))

    def on_item(item: Rejected | Notice) -> None:
        if isinstance(item, Rejected):
            _reject(item, result, quarantine, strict)
        else:
            _notice(item, result)

    def on_state(done: int, records: int, interactions: int, unusable: dict[str, int], notes: dict[str, int]) -> None:
        result.records_seen, result.interactions_seen = records, interactions
        report.unusable, report.notes = unusable, notes
        if progress is not None:
            progress(done)

    try:
        region, size = settings.matching.default_region, settings.ingest.batch_size
        run_with_worker(connector, inputs, region, size, write, on_item, on_state, reader)
    finally:
        _finish(result, report, quarantine)
    return result


def _reject(item: Rejected, result: IngestResult, quarantine: QuarantineWriter | None, strict: bool) -> None:
    """Quarantine a rejected row (and stop under --strict)."""
    result.quarantined += 1
    where = f"{item.path}:{item.line}: {item.reason}"
    if len(result.rejects) < REJECT_SAMPLE:
        result.rejects.append(where)
    if quarantine is not None:
        quarantine.write(item)
    if strict:
        raise InputError(f"{where} (--strict stops at the first rejected row)")


def _notice(item: Notice, result: IngestResult) -> None:
    """Count a notice by its message."""
    if item.message:
        result.notices[item.message] = result.notices.get(item.message, 0) + 1


def _connector(fmt: str, source: str, settings: Settings, mapping: Path | None) -> Connector:
    """The connector of one load, with the settings' options."""
    options = ConnectorOptions(
        source=source,
        own_side=settings.own_side,
        region=settings.matching.default_region,
        snippet_chars=settings.ingest.snippet_chars,
    )
    return make_connector(fmt, options, mapping)


@dataclass
class Ahead:
    """A load whose reading was started before its turn (`read_ahead`): its connector and worker."""

    connector: Connector
    reader: Reader


def read_ahead(
    store: GraphStore | None,
    fmt: str,
    source: str,
    inputs: list[Path],
    settings: Settings,
    mapping: Path | None,
    after: Ahead | None = None,
    *,
    later: bool = False,
) -> Ahead | None:
    """Start reading a load's (checked) inputs in a worker now, for `ingest(..., ahead=...)` to write later; None
    when that load would not use a worker. With `after` (a load read ahead before it), its worker begins once that
    one has read everything or filled its queue; `later` (not the load written next) reads at a lower priority.
    The caller stops the worker if the load never comes (`Reader.stop`)."""
    if not wants_worker(store, input_size(inputs), dry_run=False):
        return None
    connector = _connector(fmt, source, settings, mapping)
    region, size = settings.matching.default_region, settings.ingest.batch_size
    behind = after.reader if after is not None else None
    reader = start_reader(connector, inputs, region, size, ahead=True, after=behind, lower=later)
    return Ahead(connector, reader)


def ingest(
    store: GraphStore | None,
    fmt: str,
    source: str,
    paths: Sequence[str | Path],
    settings: Settings,
    *,
    mapping: Path | None = None,
    strict: bool = False,
    dry_run: bool = False,
    progress: ProgressHook | None = None,
    base: Path | None = None,
    ahead: Ahead | None = None,
) -> IngestResult:
    """Load files of one format into the store as `source`; see the module docstring. `ahead`: its reading,
    started earlier by `read_ahead` for these very inputs (a manifest's next load)."""
    if not source.strip():
        raise ConfigError("--source must name the source (e.g. crm, pbx, support-mail)")
    inputs = expand_paths(paths, fmt, base)
    connector = ahead.connector if ahead is not None else _connector(fmt, source, settings, mapping)
    if ahead is None:
        connector.check(inputs)
    worker = ahead is not None or wants_worker(store, input_size(inputs), dry_run=dry_run)
    result = IngestResult(source=source, format=fmt, paths=[str(p) for p in inputs], dry_run=dry_run)
    started = datetime.now(UTC)

    def tick() -> None:
        """Report the bytes read so far."""
        if progress is not None:
            progress(connector.counter.done)

    try:
        with sigterm_as_interrupt():  # a stop by SIGTERM is recorded as one by Ctrl-C
            if worker and store is not None:
                reader = ahead.reader if ahead is not None else None
                ingest_with_worker(
                    connector, inputs, store, settings, result, strict=strict, progress=progress, reader=reader
                )
            else:
                ingest_items(connector.read(inputs), store, settings, result, strict=strict, progress=tick)
    except BaseException as exc:
        result.error = type(exc).__name__  # the kind only: a message may quote a row (the caller gets it raised)
        if store is not None and not dry_run:
            result.run_id = record_run(store, result, started)
        raise
    if store is not None and not dry_run:
        result.run_id = record_run(store, result, started)
    return result


def record_run(store: GraphStore, result: IngestResult, started: datetime) -> int:
    """Add the load to the store's load history (counts and notes, never a row's content); returns its id."""
    notes = result.notes()
    if result.quarantine_file is not None:
        notes.append(f"{QUARANTINE_NOTE}{result.quarantine_file}")
    if result.error:
        notes.append(f"stopped: {result.error}")
    run = IngestRun(
        source=result.source,
        format=result.format,
        started_at=started,
        finished_at=datetime.now(UTC),
        loaded=result.stats.loaded,
        updated=result.stats.updated,
        unchanged=result.stats.unchanged,
        quarantined=result.quarantined,
        notes=notes,
    )
    return store.record_ingest_run(run)
