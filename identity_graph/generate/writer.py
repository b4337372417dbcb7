"""Streaming output: spools that sort a bounded batch of rows before writing, and the truth file."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import IO, Generic, TypeVar

from identity_graph.generate.constants import SPOOL_ROWS

T = TypeVar("T")


class Spool(Generic[T]):
    """Collects items and writes them sorted by key, in batches of at most `limit` (bounded memory).

    Small sets come out fully sorted (calls in time order, CRM rows by id); huge ones sorted per batch.
    """

    def __init__(
        self,
        path: Path,
        key: Callable[[T], str],
        write: Callable[[IO[str], list[T]], None],
        header: str = "",
        limit: int = SPOOL_ROWS,
        finish: Callable[[IO[str]], None] | None = None,
    ) -> None:
        """Open the file, write the header (if any) and start an empty batch."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="")
        self._file.write(header)
        self._key = key
        self._write = write
        self._limit = limit
        self._finish = finish
        self._batch: list[T] = []
        self.count = 0

    def add(self, item: T) -> None:
        """Queue one item; a full batch is sorted and written."""
        self._batch.append(item)
        self.count += 1
        if len(self._batch) >= self._limit:
            self.flush()

    def flush(self) -> None:
        """Write the queued items sorted by key."""
        self._batch.sort(key=self._key)
        self._write(self._file, self._batch)
        self._batch = []

    def close(self) -> None:
        """Write what is left (and the trailer, if any) and close the file."""
        self.flush()
        if self._finish is not None:
            self._finish(self._file)
        self._file.close()


def csv_writer_for(file: IO[str], rows: list[list[str]]) -> None:
    """Write rows as CSV (minimal quoting, CRLF like the CRM exports)."""
    csv.writer(file).writerows(rows)


def quoted_csv_writer_for(file: IO[str], rows: list[list[str]]) -> None:
    """Write rows as CSV with every field quoted, as Salesforce's Data Loader and Data Export do."""
    csv.writer(file, quoting=csv.QUOTE_ALL).writerows(rows)


def quoted_csv_line(fields: list[str]) -> str:
    """One CSV line with every field quoted (CRLF)."""
    return ",".join('"' + f.replace('"', '""') + '"' for f in fields) + "\r\n"


class TruthWriter:
    """`truth.csv`: one row per native item, `source,source_id,person_id`."""

    HEADER = ("source", "source_id", "person_id")

    def __init__(self, path: Path) -> None:
        """Open the file and write the header."""
        self._file = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file, lineterminator="\n")
        self._csv.writerow(self.HEADER)
        self.count = 0

    def add(self, source: str, source_id: str, person_id: str) -> None:
        """One native item and the person it truly belongs to ('' for none)."""
        self._csv.writerow((source, source_id, person_id))
        self.count += 1

    def close(self) -> None:
        """Close the file."""
        self._file.close()
