"""Manifests: one TOML file naming several loads, run in order (`idgraph load`, `idgraph demo`).

[[load]]
format = "salesforce"
source = "crm"
paths = ["crm/contacts.csv"]        # relative to the manifest's folder; globs allowed
mapping = "mappings/esp.toml"       # optional, relative
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from connectors.base import ConnectorOptions
from connectors.registry import make_connector
from identity_graph.errors import ConfigError
from identity_graph.ingest import Ahead, IngestResult, expand_paths, ingest, input_size, read_ahead
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore

#: Loads started besides the one being written and the next one, each waiting for the worker before it to finish
#: reading (or to fill its queue) before it begins (`ingest_parallel.start_reader(after=...)`).
LOADS_BEHIND = 1

_ENTRY_KEYS = frozenset({"format", "source", "paths", "mapping"})


@dataclass(frozen=True)
class ManifestEntry:
    """One load of a manifest, with paths resolved."""

    format: str
    source: str
    paths: tuple[Path, ...]
    mapping: Path | None = None


def read_manifest(path: Path, settings: Settings) -> list[ManifestEntry]:
    """Parse and check a manifest completely (formats, files, mappings) before anything is loaded."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ConfigError(f"manifest {path} does not exist") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read manifest {path}: {exc}") from exc
    loads = data.get("load")
    if not isinstance(loads, list) or not loads:
        raise ConfigError(f"{path}: expected one or more [[load]] tables")
    base = path.parent
    entries = []
    for n, raw in enumerate(loads, 1):
        where = f"{path} load #{n}"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: must be a table")
        unknown = set(raw) - _ENTRY_KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        fmt, source, paths = raw.get("format"), raw.get("source"), raw.get("paths")
        if not isinstance(fmt, str) or not isinstance(source, str) or not source.strip():
            raise ConfigError(f"{where}: format and source must be text")
        if isinstance(paths, str):
            paths = [paths]
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            raise ConfigError(f"{where}: paths must be a list of file names")
        mapping_raw = raw.get("mapping")
        if mapping_raw is not None and not isinstance(mapping_raw, str):
            raise ConfigError(f"{where}: mapping must be a file name")
        mapping = base / mapping_raw if mapping_raw else None
        entry = ManifestEntry(fmt, source, tuple(expand_paths(paths, fmt, base)), mapping)
        options = ConnectorOptions(source=source, own_side=settings.own_side, region=settings.matching.default_region)
        make_connector(fmt, options, mapping).check(entry.paths)
        entries.append(entry)
    return entries


def _last_worker(started: list[Ahead | None]) -> Ahead | None:
    """The last of these loads read ahead by a worker (None when none is)."""
    return next((a for a in reversed(started) if a is not None), None)


def manifest_size(entries: list[ManifestEntry]) -> int:
    """Total input bytes of a manifest."""
    return sum(input_size(e.paths) for e in entries)


def load_manifest(
    store: GraphStore | None,
    path: Path,
    settings: Settings,
    *,
    strict: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    entries: list[ManifestEntry] | None = None,
) -> list[IngestResult]:
    """Run every load of a manifest in order; `progress` gets the bytes done across all of them. While one load
    is written, the next large one is already read in a worker process (`ingest.read_ahead`)."""
    todo = entries if entries is not None else read_manifest(path, settings)
    results = []
    offset = 0
    started: list[Ahead | None] = []
    try:
        for n, entry in enumerate(todo):

            def tick(done: int, start: int = offset) -> None:
                """Report bytes done across the whole manifest."""
                if progress is not None:
                    progress(start + done)

            while len(started) < min(n + 2 + LOADS_BEHIND, len(todo)) and not dry_run:
                nxt = todo[len(started)]
                # the load after the next one waits for the next one's worker to finish reading (or to fill its
                # queue): two workers read at a time, the second no longer waiting for its load's turn to begin
                after = _last_worker(started[n + 1 :])
                later = len(started) > n  # read beside this load's writing: at a lower priority
                args = (store, nxt.format, nxt.source, list(nxt.paths), settings, nxt.mapping, after)
                reader = read_ahead(*args, later=later)
                started.append(reader)
            results.append(
                ingest(
                    store,
                    entry.format,
                    entry.source,
                    list(entry.paths),
                    settings,
                    mapping=entry.mapping,
                    strict=strict,
                    dry_run=dry_run,
                    progress=tick,
                    ahead=started[n] if started else None,
                )
            )
            offset += input_size(entry.paths)
    finally:
        for ahead in started:
            if ahead is not None:
                ahead.reader.stop()
    return results
