"""Streaming CSV rows with their line numbers and raw text, for every CSV-based connector."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from connectors.mapping import Mapping
from connectors.textio import ByteCounter, TextLines
from identity_graph.model import Notice, Rejected

#: Largest field the CSV reader accepts, in characters (a runaway quote stops here instead of eating the file).
MAX_FIELD_CHARS = 1 << 20
csv.field_size_limit(MAX_FIELD_CHARS)


@dataclass(frozen=True)
class CsvRow:
    """One parsed CSV row: where it starts, its values and its raw text."""

    line: int
    values: list[str]
    raw: str


@dataclass(frozen=True)
class CsvDialect:
    """Delimiter, quote character and encoding of a CSV file."""

    delimiter: str = ","
    quotechar: str = '"'
    encoding: str | None = None

    @classmethod
    def from_mapping(cls, mapping: Mapping | None, default_delimiter: str = ",") -> CsvDialect:
        """The dialect named in a mapping's options."""
        if mapping is None:
            return cls(delimiter=default_delimiter)
        delimiter = (mapping.option("delimiter") or default_delimiter).replace("\\t", "\t")
        return cls(
            delimiter=delimiter,
            quotechar=mapping.option("quotechar") or '"',
            encoding=mapping.option("encoding"),
        )


def csv_rows(path: Path, counter: ByteCounter, dialect: CsvDialect) -> Iterator[CsvRow | Rejected | Notice]:
    """Every non-blank row of a CSV file; a row the CSV reader cannot parse is `Rejected`."""
    lines = TextLines(path, counter, dialect.encoding)
    reader = csv.reader(iter(lines), delimiter=dialect.delimiter, quotechar=dialect.quotechar)
    while True:
        start = lines.line_no + 1
        try:
            values = next(reader)
        except StopIteration:
            yield from lines.drain_notices()
            break
        except csv.Error as exc:
            yield from lines.drain_notices()
            yield Rejected(path=str(path), line=start, reason=f"CSV error: {exc}", raw=lines.take_raw())
            continue
        yield from lines.drain_notices()
        raw = lines.take_raw()
        values = [v.replace("\r\n", "\n") if "\r" in v else v for v in values]
        if not values or all(not v.strip() for v in values):
            continue
        yield CsvRow(line=start, values=values, raw=raw)


def read_header(path: Path, dialect: CsvDialect) -> list[str]:
    """The first row of a CSV file (without reading further), BOM stripped."""
    lines = TextLines(path, ByteCounter(), dialect.encoding)
    reader = csv.reader(iter(lines), delimiter=dialect.delimiter, quotechar=dialect.quotechar)
    for values in reader:
        if values and any(v.strip() for v in values):
            return [v.strip() for v in values]
    return []
