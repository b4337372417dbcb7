"""Streaming CSV rows with their line numbers and raw text, for every CSV-based connector.

A header row must parse on its own line: a quote left open in it (which would swallow the rows after it), a
field over the CSV limit, or a column named twice is an `InputError` naming the file, before any row loads.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from connectors.mapping import Mapping
from connectors.textio import ByteCounter, TextLines
from identity_graph.errors import InputError
from identity_graph.model import Notice, Rejected

#: Largest field the CSV reader accepts, in characters (a runaway quote stops here instead of eating the file).
MAX_FIELD_CHARS = 1 << 20
csv.field_size_limit(MAX_FIELD_CHARS)


class CsvRow(NamedTuple):
    """One parsed CSV row: where it starts, its values and its raw text (a named tuple: one a row, built in a
    fifth of a frozen dataclass's time)."""

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
        if lines.notices:
            yield from lines.drain_notices()
        raw = lines.take_raw()
        if "\r" in raw:  # a value holds a CR only if its row's text does
            values = [v.replace("\r\n", "\n") if "\r" in v else v for v in values]
        if not "".join(values).strip():  # no values, or every one blank
            continue
        yield CsvRow(start, values, raw)


def checked_header(values: list[str], path: Path) -> list[str]:
    """A header row's stripped column names; a name spanning lines or a column named twice is an InputError."""
    header = [v.strip() for v in values]
    if any("\n" in name or "\r" in name for name in header):
        raise InputError(
            f"{path}: the header row does not parse: a quote opened in it is not closed on its line, "
            "so it would swallow the rows after it"
        )
    seen: set[str] = set()
    twice: list[str] = []
    for name in header:
        if name and name in seen:
            twice.append(name)
        seen.add(name)
    if twice:
        names = ", ".join(repr(n) for n in dict.fromkeys(twice))
        raise InputError(f"{path}: column(s) named twice in the header: {names}; rename or drop the copies")
    return header


@dataclass(frozen=True)
class FileColumns:
    """What a file's header says, worked out once per file: the columns of each canonical field, and the named
    columns no field maps (kept as attributes)."""

    header: list[str]
    positions: dict[str, tuple[int, ...]]
    mapped: frozenset[int]
    loose: tuple[tuple[int, str], ...]  # (position, column name) of each named column no field maps
    named: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # (field, ((column name, position), ...))
    first: dict[str, int]  # the first column of each mapped field

    @classmethod
    def of(cls, header: list[str], positions: dict[str, tuple[int, ...]]) -> FileColumns:
        """The columns of a header, given where each field is."""
        mapped = frozenset(i for cols in positions.values() for i in cols)
        loose = tuple((i, name) for i, name in enumerate(header) if i not in mapped and name)
        named = tuple((field, tuple((header[i], i) for i in cols)) for field, cols in positions.items())
        first = {field: cols[0] for field, cols in positions.items() if cols}
        return cls(header, positions, mapped, loose, named, first)


class MappedRow(NamedTuple):
    """A data row with its file's columns (a named tuple: one a row)."""

    line: int
    raw: str
    values: list[str]
    columns: FileColumns

    @property
    def header(self) -> list[str]:
        """The file's column names."""
        return self.columns.header

    @property
    def positions(self) -> dict[str, tuple[int, ...]]:
        """The columns of each canonical field."""
        return self.columns.positions

    @property
    def mapped(self) -> frozenset[int]:
        """The columns some field maps."""
        return self.columns.mapped

    def get(self, name: str) -> str:
        """The row's value of a mapped field, stripped ('' when unmapped)."""
        at = self.columns.first.get(name)
        return "" if at is None else self.values[at].strip()

    def unmapped(self) -> dict[str, str]:
        """Non-empty values of the columns no field maps, by column name (kept as attributes)."""
        values = self.values
        return {name: text for i, name in self.columns.loose if (text := values[i].strip())}

    def field_values(self) -> dict[str, list[tuple[str, str]]]:
        """Each mapped field's (column name, value) pairs, unstripped."""
        values = self.values
        return {field: [(name, values[i]) for name, i in cols] for field, cols in self.columns.named}


Locate = Callable[[list[str], Path], dict[str, tuple[int, ...]]]


def mapped_rows(
    path: Path, counter: ByteCounter, dialect: CsvDialect, locate: Locate
) -> Iterator[MappedRow | Rejected | Notice]:
    """The rows after a header row, with where `locate` finds each field; a row of another width is Rejected."""
    header: list[str] | None = None
    columns: FileColumns | None = None
    width = 0
    for row in csv_rows(path, counter, dialect):
        if isinstance(row, Rejected) and header is None:
            raise InputError(f"{path}: the header row does not parse: {row.reason}")
        if not isinstance(row, CsvRow):
            yield row
        elif columns is None:
            header = checked_header(row.values, path)
            columns = FileColumns.of(header, locate(header, path))
            width = len(header)
        elif len(row.values) != width:
            reason = f"expected {width} columns, found {len(row.values)}"
            yield Rejected(path=str(path), line=row.line, reason=reason, raw=row.raw)
        else:
            yield MappedRow(row.line, row.raw, row.values, columns)


def read_header(path: Path, dialect: CsvDialect) -> list[str]:
    """The first row of a CSV file (without reading further), BOM stripped; one that does not parse (read
    strictly: a stray quote is an error), or names a column twice, is an InputError."""
    lines = TextLines(path, ByteCounter(), dialect.encoding)
    reader = csv.reader(iter(lines), delimiter=dialect.delimiter, quotechar=dialect.quotechar, strict=True)
    try:
        for values in reader:
            if values and any(v.strip() for v in values):
                return checked_header(values, path)
    except csv.Error as exc:
        raise InputError(f"{path}: the header row does not parse: {exc}") from exc
    return []
