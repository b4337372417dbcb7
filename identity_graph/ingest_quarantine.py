"""The quarantine file of one load: a CSV of rejected rows with file, line, reason and raw text."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from identity_graph.errors import ConfigError
from identity_graph.model import Rejected

#: Raw text kept per rejected row (a runaway row is cut, the position still says where to look).
RAW_MAX_CHARS = 10_000
QUARANTINE_HEADER = ("file", "line", "reason", "raw")


def _safe(name: str) -> str:
    """A source or format name usable in a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "source"


class QuarantineWriter:
    """Writes rejected rows of one load to `<dir>/<time>-<source>-<format>.csv`, created on first use."""

    def __init__(self, folder: Path, source: str, fmt: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.path = folder / f"{stamp}-{_safe(source)}-{_safe(fmt)}.csv"
        self.count = 0
        self._fh: IO[str] | None = None
        self._writer: Any = None

    def write(self, item: Rejected) -> None:
        """Append one rejected row."""
        if self._fh is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fh = self.path.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise ConfigError(f"cannot write quarantine file {self.path}: {exc}") from exc
            self._writer = csv.writer(self._fh)
            self._writer.writerow(QUARANTINE_HEADER)
        raw = item.raw if len(item.raw) <= RAW_MAX_CHARS else item.raw[:RAW_MAX_CHARS] + "…"
        self._writer.writerow((item.path, item.line, item.reason, raw))
        self.count += 1

    def flush(self) -> None:
        """Push written rows to disk."""
        if self._fh is not None:
            self._fh.flush()

    def close(self) -> None:
        """Close the file (if any row was written)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    @property
    def written(self) -> Path | None:
        """The file's path when at least one row was written."""
        return self.path if self.count else None
