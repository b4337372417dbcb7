"""Mapping files: which source column feeds which canonical field, plus format options.

    id = "Record ID"                 # the native id column / key
    [fields]                         # canonical field = source column, or a list where a field repeats
    first_name = "First"
    email = ["Email", "Work Email"]
    [options]                        # delimiter, encoding, date_format, date_order, timezone, platform, ...

Every error (unknown canonical field, wrong shape, a mapped column missing from the header) is a
`ConfigError`, raised before any row is read.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connectors.official import OFFICIAL_FIELDS, OFFICIAL_REPEATABLE
from identity_graph.errors import ConfigError

#: Canonical fields of an identity record (CRM `csv` and `jsonl`).
RECORD_FIELDS = frozenset(
    {
        "id",
        "first_name",
        "middle_name",
        "last_name",
        "full_name",
        "email",
        "phone",
        "handle",
        "dob",
        "street",
        "city",
        "state",
        "postal_code",
        "country",
        "address_full",
        "company",
        "created_at",
        "updated_at",
        *OFFICIAL_FIELDS,  # national ids, passport, driver's licence, tax id, account numbers, cards
    }
)
#: Fields that may name several columns (every other field takes one column).
REPEATABLE_FIELDS = frozenset({"email", "phone", "handle", *OFFICIAL_REPEATABLE})
#: Options every mapped format understands.
COMMON_OPTIONS = frozenset({"delimiter", "quotechar", "encoding", "date_format", "dob_format", "timezone"})


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping: canonical field -> source columns, and format options."""

    fields: dict[str, tuple[str, ...]]
    options: dict[str, Any] = field(default_factory=dict)
    path: str = "<built-in>"

    def columns(self, name: str) -> tuple[str, ...]:
        """The source columns mapped to a canonical field (empty when unmapped)."""
        return self.fields.get(name, ())

    def column(self, name: str) -> str | None:
        """The single source column of a canonical field, or None."""
        cols = self.fields.get(name, ())
        return cols[0] if cols else None

    def option(self, name: str, default: str | None = None) -> str | None:
        """A text option (None when unset)."""
        value = self.options.get(name, default)
        return None if value is None else str(value)

    def merged(self, other: Mapping | None) -> Mapping:
        """This mapping with another's fields and options laid over it (the other wins per field)."""
        if other is None:
            return self
        return Mapping(
            fields={**self.fields, **other.fields}, options={**self.options, **other.options}, path=other.path
        )


def _columns_of(name: str, value: Any, where: str) -> tuple[str, ...]:
    """A field's value as a tuple of column names."""
    if isinstance(value, str) and value.strip():
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: field {name!r} must name a column or a list of columns")


def parse_mapping(data: dict[str, Any], where: str) -> Mapping:
    """Build a Mapping from a TOML document's data."""
    unknown_top = set(data) - {"id", "fields", "options"}
    if unknown_top:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown_top))} (use id, fields, options)")
    raw_fields = data.get("fields", {})
    options = data.get("options", {})
    if not isinstance(raw_fields, dict) or not isinstance(options, dict):
        raise ConfigError(f"{where}: [fields] and [options] must be tables")
    fields_: dict[str, tuple[str, ...]] = {}
    for name, value in raw_fields.items():
        fields_[name] = _columns_of(name, value, where)
    if "id" in data:
        fields_["id"] = _columns_of("id", data["id"], where)
    return Mapping(fields=fields_, options=dict(options), path=where)


def load_mapping(path: Path) -> Mapping:
    """Read and parse a mapping file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ConfigError(f"mapping file {path} does not exist") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read mapping file {path}: {exc}") from exc
    return parse_mapping(data, str(path))


def check_mapping(
    mapping: Mapping,
    allowed_fields: frozenset[str],
    fmt: str,
    *,
    required: Sequence[str] = ("id",),
    allowed_options: frozenset[str] = frozenset(),
) -> None:
    """Reject unknown canonical fields or options, repeated single fields, and missing required fields."""
    unknown = set(mapping.fields) - allowed_fields
    if unknown:
        raise ConfigError(
            f"{mapping.path}: unknown field(s) for {fmt}: {', '.join(sorted(unknown))} "
            f"(known: {', '.join(sorted(allowed_fields))})"
        )
    for name, cols in mapping.fields.items():
        if len(cols) > 1 and name not in REPEATABLE_FIELDS:
            raise ConfigError(f"{mapping.path}: field {name!r} takes one column, got {len(cols)}")
    missing = [name for name in required if name not in mapping.fields]
    if missing:
        raise ConfigError(f'{mapping.path}: {fmt} needs field(s) {", ".join(missing)} (e.g. id = "Id")')
    bad_options = set(mapping.options) - COMMON_OPTIONS - allowed_options
    if bad_options:
        raise ConfigError(f"{mapping.path}: unknown option(s) for {fmt}: {', '.join(sorted(bad_options))}")
    delimiter = mapping.option("delimiter")
    if delimiter is not None and len(delimiter.replace("\\t", "\t")) != 1:
        raise ConfigError(f"{mapping.path}: delimiter must be one character")


def resolve_columns(mapping: Mapping, header: Sequence[str], path: str) -> dict[str, tuple[int, ...]]:
    """Positions of each mapped field's columns in a header; a missing column is a ConfigError."""
    index = header_index(header)
    resolved: dict[str, tuple[int, ...]] = {}
    for name, cols in mapping.fields.items():
        missing = [c for c in cols if column_position(index, c) is None]
        if missing:
            raise ConfigError(
                f"{mapping.path}: column(s) {', '.join(repr(c) for c in missing)} for field {name!r} "
                f"are not in the header of {path}"
            )
        resolved[name] = tuple(p for c in cols if (p := column_position(index, c)) is not None)
    return resolved


def header_index(header: Sequence[str]) -> dict[str, int]:
    """Column name -> position, by exact name and by lower-cased name (first occurrence wins)."""
    index: dict[str, int] = {}
    for pos, name in enumerate(header):
        index.setdefault(name.strip(), pos)
    for pos, name in enumerate(header):
        index.setdefault(name.strip().lower(), pos)
    return index


def column_position(index: dict[str, int], column: str) -> int | None:
    """A column's position: exact name first, then case-insensitive (Data Loader writes `FIRSTNAME`)."""
    name = column.strip()
    found = index.get(name)
    return found if found is not None else index.get(name.lower())
