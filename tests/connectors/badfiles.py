"""A corpus of bad input files for every format, and how a reader fared on each (tried, failed, lost).

Each case turns a format's committed fixture into a bad input (compressed, zipped, CR-only or mixed line
endings, truncated mid-line, NUL bytes, random binary, a broken header, a duplicated column, a field over the
CSV limit, an empty folder...) and says what a good reader does with it:

- `read`: the same content in another wrapping; every item of the fixture loads;
- `refuse`: the input cannot be read as the format; an `IdentityGraphError` says so (no item loads);
- `tell`: partly readable; the reader loads what it can and quarantines or refuses the rest, never silently.

A traceback (any other exception) is a *failure*; a case that loads less than it should without saying so, or
loads a phantom, is *lost*.
"""

from __future__ import annotations

import bz2
import gzip
import io
import os
import random
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from identity_graph.errors import IdentityGraphError
from identity_graph.model import Interaction, Notice, Record, Rejected, SourceItem
from tests.connectors.helpers import FIXTURES, run_connector

#: (format, fixture input, mapping) of every format.
FORMATS: dict[str, tuple[str, str | None]] = {
    "salesforce": ("salesforce/contacts.csv", None),
    "hubspot": ("hubspot/contacts.csv", None),
    "csv": ("csv/customers.csv", "csv/mapping.toml"),
    "jsonl": ("jsonl/contacts.jsonl", "jsonl/mapping.toml"),
    "asterisk": ("asterisk/Master.csv", None),
    "calls-csv": ("calls-csv/calls.csv", "calls-csv/mapping.toml"),
    "mbox": ("mbox/support.mbox", None),
    "eml": ("eml/inbox/0001.eml", None),
    "maildir": ("maildir/cur/1709640000.M1P1.host:2,S", None),
    "esp-csv": ("esp-csv/sends.csv", "esp-csv/mapping.toml"),
    "x-api-v2": ("x-api-v2/search.jsonl", None),
    "social-jsonl": ("social-jsonl/accounts.jsonl", "social-jsonl/mapping.toml"),
}
#: Formats whose files start with a header row.
HEADER_CSV = ("salesforce", "hubspot", "csv", "calls-csv", "esp-csv")
MAIL = ("mbox", "eml", "maildir")
#: A field longer than the CSV reader's limit.
HUGE_FIELD = 1_100_000
RANDOM_BYTES = 3_000

Build = Callable[[Path, bytes, str], Path]


@dataclass(frozen=True)
class Case:
    """One kind of bad input: its name, the formats it applies to, how to build it, what a reader must do."""

    name: str
    formats: tuple[str, ...]
    build: Build
    expect: str  # read | refuse | tell
    intact: str | None = None  # the fixture input whose items a `read` case must give (default: the format's)


def _file(tmp: Path, data: bytes, name: str) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def _zip(tmp: Path, data: bytes, name: str) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, data)
    return _file(tmp, buf.getvalue(), name + ".zip")


def _cr_only(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def _mixed(data: bytes) -> bytes:
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    ends = (b"\r\n", b"\n", b"\r")
    return b"".join(line + ends[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]


def _truncated(data: bytes) -> bytes:
    """Cut inside the last line that holds text (inside the Message-ID line of mail)."""
    mid = data.rfind(b"Message-ID: <")
    if mid >= 0:
        return data[: mid + len("Message-ID: <") + 4]
    body = data.rstrip(b"\r\n")
    start = body.rfind(b"\n") + 1
    return body[: start + max(1, (len(body) - start) // 2)]


def _with_nuls(data: bytes) -> bytes:
    lines = data.split(b"\n")
    return b"\n".join(line.replace(b"a", b"a\x00", 1) if i else line for i, line in enumerate(lines))


def _unclosed_header(data: bytes) -> bytes:
    first, _, rest = data.partition(b"\n")
    cells = first.split(b",") if b"," in first else first.split(b";")
    sep = b"," if b"," in first else b";"
    cells[1] = cells[1][:-1] if cells[1].endswith(b'"') else b'"' + cells[1]  # an odd number of quotes
    return sep.join(cells) + b"\n" + rest


def _duplicated_column(data: bytes) -> bytes:
    first, _, rest = data.partition(b"\n")
    sep = b"," if b"," in first else b";"
    cells = first.rstrip(b"\r").split(sep)
    cells[-1] = cells[1]
    return sep.join(cells) + b"\n" + rest


def _huge_header(data: bytes) -> bytes:
    first, _, rest = data.partition(b"\n")
    sep = b"," if b"," in first else b";"
    return first.rstrip(b"\r") + sep + b"X" * HUGE_FIELD + b"\n" + rest


def _random(tmp: Path, _data: bytes, name: str) -> Path:
    return _file(tmp, random.Random(name).randbytes(RANDOM_BYTES), name)


def _empty_folder(tmp: Path, _data: bytes, _name: str) -> Path:
    folder = tmp / "empty"
    folder.mkdir()
    return folder


def _gz_folder(tmp: Path, _data: bytes, _name: str) -> Path:
    folder = tmp / "gzipped"
    folder.mkdir()
    for eml in sorted((FIXTURES / "eml" / "inbox").iterdir()):
        (folder / (eml.name + ".gz")).write_bytes(gzip.compress(eml.read_bytes()))
    return folder


def _not_maildir(tmp: Path, _data: bytes, _name: str) -> Path:
    folder = tmp / "mail"
    folder.mkdir()
    shutil.copy(FIXTURES / FORMATS["maildir"][0], folder / "1.msg")
    return folder


def _transform(fn: Callable[[bytes], bytes], suffix: str = "") -> Build:
    return lambda tmp, data, name: _file(tmp, fn(data), name + suffix)


ALL = tuple(FORMATS)
CASES: tuple[Case, ...] = (
    Case("gzip", ALL, _transform(gzip.compress, ".gz"), "read"),
    Case("bzip2", ALL, _transform(bz2.compress, ".bz2"), "read"),
    Case("zip", ALL, _zip, "refuse"),
    Case("cr-only line endings", ALL, _transform(_cr_only), "read"),
    Case("mixed line endings", ALL, _transform(_mixed), "read"),
    Case("truncated mid-line", ALL, _transform(_truncated), "tell"),
    Case("NUL bytes", ALL, _transform(_with_nuls), "read"),
    Case("random binary", ALL, _random, "tell"),
    Case("unclosed quote in header", HEADER_CSV, _transform(_unclosed_header), "refuse"),
    Case("duplicated column", HEADER_CSV, _transform(_duplicated_column), "refuse"),
    Case("header field over 1 MiB", HEADER_CSV, _transform(_huge_header), "refuse"),
    Case("empty folder", ("eml", "maildir"), _empty_folder, "refuse"),
    Case("folder of .eml.gz", ("eml",), _gz_folder, "read", intact="eml/inbox"),
    Case("folder without cur/ or new/", ("maildir",), _not_maildir, "refuse"),
)


@dataclass
class Outcome:
    """What a reader did with one bad input."""

    case: str
    fmt: str
    failed: str | None = None  # a traceback's exception type
    lost: str | None = None  # what went wrong silently
    refused: str | None = None  # the readable error's message


def units(items: list[SourceItem]) -> int:
    """Records and interactions among items."""
    return sum(1 for i in items if isinstance(i, Record | Interaction))


def good_units(fmt: str, intact: str | None = None) -> int:
    """Records and interactions of a format's intact fixture (or of another fixture input)."""
    path, mapping = FORMATS[fmt]
    return units(run_connector(fmt, [intact or path], mapping))


def try_case(case: Case, fmt: str, tmp: Path) -> Outcome:
    """Feed one bad input to one format's reader and judge the result."""
    path, mapping = FORMATS[fmt]
    data = (FIXTURES / path).read_bytes()
    name = os.path.basename(path).replace(":", "_")
    built = case.build(tmp, data, name)
    out = Outcome(case.name, fmt)
    try:
        items = run_connector(fmt, [built], mapping)
    except IdentityGraphError as exc:
        out.refused = str(exc)
        if case.expect == "read":
            out.lost = f"refused what it should read: {exc}"
        return out
    except Exception as exc:  # any other exception is a traceback for the user
        out.failed = type(exc).__name__
        return out
    said = any(isinstance(i, Rejected | Notice) for i in items)
    got, good = units(items), good_units(fmt, case.intact)
    if case.expect == "read" and got != good:
        out.lost = f"loaded {got} of {good} items"
    elif case.expect == "refuse":
        out.lost = f"loaded {got} items, quarantined {sum(isinstance(i, Rejected) for i in items)}, no error"
    elif case.expect == "tell" and not any(isinstance(i, Rejected) for i in items) and not said:
        out.lost = f"nothing said ({got} items loaded)"
    elif case.name == "truncated mid-line" and fmt in MAIL and got >= good:
        out.lost = "the cut message loaded as a phantom"
    return out


def run_all(tmp: Path) -> list[Outcome]:
    """Every case on every format it applies to."""
    outcomes = []
    for n, case in enumerate(CASES):
        for fmt in case.formats:
            where = tmp / f"{n}-{fmt}"
            where.mkdir(parents=True)
            outcomes.append(try_case(case, fmt, where))
    return outcomes
