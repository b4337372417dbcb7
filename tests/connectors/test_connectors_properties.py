"""Property tests, one per parser: for arbitrary input every row is loaded or quarantined, and nothing raises."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.telephony import ASTERISK_COLUMNS
from identity_graph.errors import IdentityGraphError
from identity_graph.model import Interaction, Notice, Record, Rejected, SourceItem
from tests.connectors.helpers import FIXTURES, run_connector

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
#: Cells that look like what real exports hold, mixed with arbitrary text.
CELL = st.one_of(
    TEXT,
    st.sampled_from(
        ["", "2024-03-01 09:00:00", "2024-03-01T10:00:00Z", "4155550134", "a@b.example", "ANSWERED", "sent"]
    ),
    st.from_regex(r"\+?[0-9 ()-]{3,16}", fullmatch=True),
)

CSV_FORMATS: dict[str, tuple[list[str], str | None, type]] = {
    "salesforce": (["Id", "FirstName", "LastName", "Email", "Phone", "Birthdate", "CreatedDate", "X__c"], None, Record),
    "hubspot": (["Record ID", "First Name", "Email", "Phone Number", "Create Date"], None, Record),
    "csv": (
        ["Customer No", "Given", "Family", "E-mail", "Work E-mail", "Tel", "Town", "Born"],
        "csv/mapping.toml",
        Record,
    ),
    "calls-csv": (
        ["call_sid", "start_time", "from", "to", "caller_name", "direction", "status", "duration", "agent"],
        "calls-csv/mapping.toml",
        Interaction,
    ),
    "esp-csv": (
        ["Event ID", "Email Address", "First Name", "Last Name", "Campaign ID", "Campaign Title", "Sent Time",
         "From Email", "Subject", "Action"],
        "esp-csv/mapping.toml",
        Interaction,
    ),
}  # fmt: skip


def _check(items: Sequence[SourceItem], expected_units: int, unit: type) -> None:
    """Every unit of input became one primary item or one rejected row; only model items came out."""
    assert all(isinstance(i, Record | Interaction | Rejected | Notice) for i in items)
    primary = sum(1 for i in items if isinstance(i, unit))
    quarantined = sum(1 for i in items if isinstance(i, Rejected))
    assert primary + quarantined == expected_units


def _csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    return buf.getvalue()


def _units(rows: list[list[str]]) -> int:
    return sum(1 for r in rows if r and any(v.strip() for v in r))


def _with_file(name: str, data: bytes, fmt: str, mapping: str | None = None) -> list[SourceItem]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return run_connector(fmt, [path], mapping)


def _read_or_refused(name: str, data: bytes, fmt: str, mapping: str | None = None) -> None:
    """Arbitrary bytes are read, or refused with a readable error (an archive's magic bytes, broken gzip)."""
    try:
        _with_file(name, data, fmt, mapping)
    except IdentityGraphError as exc:
        assert str(exc)


@PROPERTY
@given(st.sampled_from(sorted(CSV_FORMATS)), st.lists(st.lists(CELL, min_size=0, max_size=12), max_size=12))
def test_csv_formats_load_or_quarantine_every_row(fmt: str, rows: list[list[str]]) -> None:
    header, mapping, unit = CSV_FORMATS[fmt]
    delimiter = ";" if fmt == "csv" else ","
    items = _with_file("in.csv", _csv_text([header, *rows], delimiter).encode(), fmt, mapping)
    _check(items, _units(rows), unit)


@PROPERTY
@given(st.sampled_from(sorted(CSV_FORMATS)), st.binary(max_size=400))
def test_csv_formats_never_raise_on_arbitrary_bytes_after_a_header(fmt: str, data: bytes) -> None:
    header, mapping, _ = CSV_FORMATS[fmt]
    delimiter = ";" if fmt == "csv" else ","
    _with_file("in.csv", _csv_text([header], delimiter).encode() + data, fmt, mapping)


ASTERISK_ROW = st.lists(CELL, min_size=len(ASTERISK_COLUMNS), max_size=len(ASTERISK_COLUMNS))


@PROPERTY
@given(st.lists(st.one_of(ASTERISK_ROW, st.lists(CELL, max_size=22)), max_size=15))
def test_asterisk_loads_or_quarantines_every_row(rows: list[list[str]]) -> None:
    skipped_header = 1 if rows and rows[0] and rows[0][0].strip().lower() == "accountcode" else 0
    items = _with_file("Master.csv", _csv_text(rows).encode(), "asterisk")
    _check(items, _units(rows) - skipped_header, Interaction)


@PROPERTY
@given(st.binary(max_size=600))
def test_asterisk_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    _read_or_refused("Master.csv", data, "asterisk")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)
CONTACT = st.fixed_dictionaries(
    {"uid": st.one_of(TEXT, st.integers(), st.none())},
    optional={"name": st.fixed_dictionaries({"first": JSON}), "emails": JSON, "mobile": JSON, "extra": JSON},
)
LINE = st.one_of(
    CONTACT.map(json.dumps), JSON.map(json.dumps), TEXT.map(lambda t: t.replace("\n", " ").replace("\r", " "))
)


def _json_units(lines: list[str]) -> int:
    return sum(1 for line in lines if line.strip())


@PROPERTY
@given(st.lists(LINE, max_size=12))
def test_jsonl_loads_or_quarantines_every_line(lines: list[str]) -> None:
    items = _with_file("c.jsonl", "\n".join(lines).encode(), "jsonl", "jsonl/mapping.toml")
    _check(items, _json_units(lines), Record)


SOCIAL_LINE = st.one_of(
    st.fixed_dictionaries(
        {"account": st.fixed_dictionaries({"id": st.one_of(TEXT, st.integers()), "acct": JSON, "note": JSON})},
        optional={
            "status": st.one_of(st.none(), st.fixed_dictionaries({"id": JSON, "content": JSON, "created_at": CELL}))
        },
    ).map(json.dumps),
    LINE,
)


@PROPERTY
@given(st.lists(SOCIAL_LINE, max_size=10))
def test_social_jsonl_never_raises_and_rejects_only_bad_lines(lines: list[str]) -> None:
    items = _with_file("s.jsonl", "\n".join(lines).encode(), "social-jsonl", "social-jsonl/mapping.toml")
    # a line yields its account (when new), its post, or one rejection: never nothing unless the account repeats
    lines_out = sum(1 for i in items if isinstance(i, Rejected | Interaction | Record))
    assert lines_out <= 2 * _json_units(lines)
    assert all(isinstance(i, Record | Interaction | Rejected | Notice) for i in items)


TWEET = st.fixed_dictionaries(
    {"id": st.one_of(TEXT, st.integers())},
    optional={"text": JSON, "created_at": CELL, "author_id": st.one_of(TEXT, st.integers()), "entities": JSON},
)
USER = st.fixed_dictionaries({"id": st.one_of(TEXT, st.integers()), "username": JSON}, optional={"description": JSON})
PAGE = st.fixed_dictionaries(
    {"data": st.lists(TWEET, max_size=4)},
    optional={"includes": st.fixed_dictionaries({"users": st.lists(USER, max_size=3)})},
)


@PROPERTY
@given(st.lists(PAGE, max_size=6))
def test_x_api_every_post_is_loaded_or_quarantined(pages: list[dict[str, Any]]) -> None:
    items = _with_file("x.jsonl", "\n".join(json.dumps(p) for p in pages).encode(), "x-api-v2")
    posts = sum(len(p["data"]) for p in pages)
    rejected_posts = sum(1 for i in items if isinstance(i, Rejected) and i.reason.startswith("post"))
    assert sum(1 for i in items if isinstance(i, Interaction)) + rejected_posts == posts


@PROPERTY
@given(st.binary(max_size=400))
def test_json_formats_never_raise_on_arbitrary_bytes(data: bytes) -> None:
    _read_or_refused("x.jsonl", data, "x-api-v2")
    _read_or_refused("c.jsonl", data, "jsonl", "jsonl/mapping.toml")
    _read_or_refused("s.jsonl", data, "social-jsonl", "social-jsonl/mapping.toml")


HEADER_LINE = st.one_of(
    st.sampled_from(["Message-ID: <a@b>", "Message-ID: <>", "Date: Mon, 04 Mar 2024 10:00:00 +0000", "Date: never",
                     "From: X <x@y.example>", "To: support@acme.example", "Cc: , ,@", "Subject: =?utf-8?q?bad", ""]),
    TEXT.map(lambda t: t.replace("\n", " ").replace("\r", " ")),
)  # fmt: skip
MESSAGE = st.lists(HEADER_LINE, max_size=8).map(lambda lines: "\n".join(lines))


@PROPERTY
@given(st.lists(MESSAGE, max_size=6))
def test_mbox_every_message_is_loaded_or_quarantined(messages: list[str]) -> None:
    body = "".join(
        "From sender Mon Mar  4 10:00:00 2024\n"
        + "\n".join((">" + line if line.startswith("From ") else line) for line in msg.split("\n"))
        + "\n\n"
        for msg in messages
    )
    items = _with_file("box.mbox", body.encode(), "mbox")
    _check(items, len(messages), Interaction)


@PROPERTY
@given(st.lists(st.binary(max_size=300), min_size=1, max_size=4))
def test_eml_and_maildir_every_file_is_loaded_or_quarantined(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "cur").mkdir()
        for n, data in enumerate(files):
            (root / f"{n}.eml").write_bytes(data)
            (root / "cur" / f"{n}:2,S").write_bytes(data)
        _check(run_connector("eml", [root]), len(files), Interaction)
        _check(run_connector("maildir", [root]), len(files), Interaction)


@PROPERTY
@given(st.binary(max_size=800))
def test_mbox_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    _read_or_refused("box.mbox", data, "mbox")


def test_fixture_folder_is_present() -> None:
    assert (FIXTURES / "mbox/support.mbox").exists()
