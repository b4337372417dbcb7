"""Erasure in the files the tool wrote: quarantine files lose the erased person's rejected rows.

A rejected row belongs to the erased person when it holds one of their email addresses or phone numbers (in any
form: they are normalized the way loads normalize them) or, in a quarantine file of the same source, one of their
source ids as a whole token. Such rows are removed and each file is rewritten whole (a new file moved over the old
one); a file left with no row is deleted. The same test, against the store's keyed tombstones, keeps a later
load from quarantining their rows again (`ingest_quarantine.ErasedRows`).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from identity_graph.ingest_quarantine import (
    QUARANTINE_HEADER,
    QUARANTINE_NOTE,
    ROW_KINDS,
    row_identifiers,
    row_tokens,
    safe_name,
)
from identity_graph.model import StoredRecord
from identity_graph.store.protocol import GraphStore

#: Load history entries read to find quarantine files written outside the configured folder.
RUNS_SCANNED = 10_000


@dataclass
class PersonKeys:
    """What finds an erased person's rows: source ids by source and normalized emails and phones."""

    source_ids: dict[str, set[str]] = field(default_factory=dict)
    identifiers: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of(cls, records: Iterable[StoredRecord]) -> PersonKeys:
        """The keys of these records."""
        keys = cls()
        for r in records:
            keys.source_ids.setdefault(safe_name(r.source), set()).add(r.source_id)
            for c in r.claimed:
                if c.identifier.kind in ROW_KINDS:
                    keys.identifiers.add((c.identifier.kind.value, c.identifier.value))
        return keys

    def matches(self, path: Path, text: str, region: str) -> bool:
        """True when this row text of this quarantine file holds one of the keys."""
        if row_identifiers(text, region) & self.identifiers:
            return True
        ids = {i for source, ids in self.source_ids.items() if f"-{source}-" in path.name for i in ids}
        return bool(ids and row_tokens(text) & ids)


def quarantine_files(store: GraphStore, folder: Path) -> list[Path]:
    """Every quarantine file the tool wrote that still exists: in the folder, and named by the load history."""
    found = set(folder.glob("*.csv")) if folder.is_dir() else set()
    for run in store.ingest_runs(limit=RUNS_SCANNED):
        for note in run.notes:
            if note.startswith(QUARANTINE_NOTE):
                found.add(Path(note.removeprefix(QUARANTINE_NOTE)))
    return sorted(p for p in found if p.is_file() and _is_quarantine(p))


def _is_quarantine(path: Path) -> bool:
    """True when the file starts with the quarantine header (the folder may hold other files)."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return tuple(next(csv.reader(fh), ())) == QUARANTINE_HEADER
    except (OSError, UnicodeDecodeError, csv.Error):
        return False


def _rows(path: Path) -> Iterator[list[str]]:
    """The data rows of a quarantine file."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        yield from reader


def redact_quarantine(store: GraphStore, folder: Path, keys: PersonKeys, region: str) -> dict[str, int]:
    """Remove the person's rows from every quarantine file; returns rows removed per file (files touched only)."""
    removed: dict[str, int] = {}
    for path in quarantine_files(store, folder):
        kept: list[list[str]] = []
        gone = 0
        for row in _rows(path):
            if keys.matches(path, " ".join(row[2:]), region):
                gone += 1
            else:
                kept.append(row)
        if gone:
            _replace(path, kept)
            removed[str(path)] = gone
    return removed


def _replace(path: Path, rows: list[list[str]]) -> None:
    """Write the file anew with these rows (deleted when none is left), moved over the old one atomically."""
    if not rows:
        path.unlink()
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(QUARANTINE_HEADER)
    writer.writerows(rows)
    fd, tmp = tempfile.mkstemp(prefix=".redact-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(buffer.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
