"""The quarantine file of one load: a CSV of rejected rows with file, line, reason and raw text.

Rows of erased persons are never written: when the store holds tombstones, a rejected row holding a source id
of an erased item of this source, or an email or phone number of an erased person, is left out and counted
(`ErasedRows`; erasure itself removes such rows from the files written before it: `erasure_files`).
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import phonenumbers

from identity_graph.errors import ConfigError
from identity_graph.model import IdentifierKind, Rejected
from identity_graph.store.protocol import GraphStore
from identity_graph.store.tombstones import IDENTIFIER_KIND
from matchers.normalize import normalize_email

#: Raw text kept per rejected row (a runaway row is cut, the position still says where to look).
RAW_MAX_CHARS = 10_000
QUARANTINE_HEADER = ("file", "line", "reason", "raw")
#: How the load history names a load's quarantine file (the path follows).
QUARANTINE_NOTE = "quarantine: "
#: How the load history counts rejected rows of erased persons left out of the quarantine file.
WITHHELD_NOTE = "rejected row(s) of erased persons not quarantined"
#: Identifier kinds looked for in a rejected row's text (and tombstoned as identifiers at erasure).
ROW_KINDS = (IdentifierKind.EMAIL, IdentifierKind.PHONE)
#: Words of a rejected row compared with source ids (a runaway row is not tokenized further).
MAX_ROW_TOKENS = 2_000
#: How an email address is found in free text.
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
#: What separates the words of a row (CSV, JSON, headers, mail): a source id is one whole word.
_SEPARATORS = re.compile(r"[\s,;|\"'<>()\[\]{}=]+")


def safe_name(name: str) -> str:
    """A source or format name usable in a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "source"


def row_identifiers(text: str, region: str) -> set[tuple[str, str]]:
    """The emails and phone numbers written in a row's text, normalized as loads do: `(kind, value)` pairs."""
    found: set[tuple[str, str]] = set()
    for match in _EMAIL.findall(text):
        value = normalize_email(match)
        if value:
            found.add((IdentifierKind.EMAIL.value, value))
    for hit in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        e164 = phonenumbers.format_number(hit.number, phonenumbers.PhoneNumberFormat.E164)
        found.add((IdentifierKind.PHONE.value, e164))
    return found


def row_tokens(text: str) -> set[str]:
    """The words of a row's text that could be a source id (at most `MAX_ROW_TOKENS`)."""
    words: set[str] = set()
    for word in _SEPARATORS.split(text):
        if word:
            words.add(word)
            if len(words) >= MAX_ROW_TOKENS:
                break
    return words


class ErasedRows:
    """Tells whether a rejected row of a load of `source` belongs to an erased person (by the store's tombstones)."""

    def __init__(self, store: GraphStore, source: str, region: str) -> None:
        self.store = store
        self.source = source
        self.region = region

    def __call__(self, item: Rejected) -> bool:
        """True when the row holds a tombstoned source id of this source, or an erased person's email or phone."""
        text = f"{item.reason} {item.raw}"
        words = row_tokens(text)
        keys = [(self.source, w) for w in words]
        if self.store.erased_keys("record", keys) or self.store.erased_keys("interaction", keys):
            return True
        return bool(self.store.erased_keys(IDENTIFIER_KIND, sorted(row_identifiers(text, self.region))))


class QuarantineWriter:
    """Writes rejected rows of one load to `<dir>/<time>-<source>-<format>.csv`, created on first use."""

    def __init__(
        self, folder: Path, source: str, fmt: str, store: GraphStore | None = None, region: str = "US"
    ) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.path = folder / f"{stamp}-{safe_name(source)}-{safe_name(fmt)}.csv"
        self.count = 0
        self.withheld = 0
        self._erased = ErasedRows(store, source, region) if store is not None else None
        self._fh: IO[str] | None = None
        self._writer: Any = None

    def write(self, item: Rejected) -> None:
        """Append one rejected row (a row of an erased person is counted in `withheld` instead)."""
        if self._erased is not None and self._erased(item):
            self.withheld += 1
            return
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
