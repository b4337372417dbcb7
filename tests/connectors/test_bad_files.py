"""Files read wrong, silently (#17): every format fed every bad file; each bad case on its own; a fuzz per reader.

No reader may raise anything but a readable `IdentityGraphError`, nor load less than it says or a phantom.
"""

from __future__ import annotations

import bz2
import gzip
import sqlite3
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from identity_graph.cli.main import main
from identity_graph.errors import IdentityGraphError, InputError
from identity_graph.ingest import ingest
from identity_graph.model import Interaction, Notice, Record, Rejected
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from tests.connectors.badfiles import CASES, FORMATS, HEADER_CSV, HUGE_FIELD, Case, run_all, try_case
from tests.connectors.helpers import FIXTURES, interactions, notices, records, rejected, run_connector

#: Bounded so the suite stays fast: a dozen damaged files per format, each read well within 5 s.
FUZZ = settings(max_examples=12, deadline=5_000, suppress_health_check=[HealthCheck.too_slow])
ROWS = 40
MBOX = (FIXTURES / "mbox/support.mbox").read_bytes()
CONTACTS = (FIXTURES / "salesforce/contacts.csv").read_bytes()


@pytest.mark.parametrize(
    ("case", "fmt"),
    [(c, f) for c in CASES for f in c.formats],
    ids=[f"{c.name}-{f}" for c in CASES for f in c.formats],
)
def test_every_format_survives_every_bad_file(tmp_path: Path, case: Case, fmt: str) -> None:
    outcome = try_case(case, fmt, tmp_path)
    assert outcome.failed is None, f"traceback: {outcome.failed}"
    assert outcome.lost is None, outcome.lost


def test_the_figures_of_the_bad_file_corpus(tmp_path: Path) -> None:
    outcomes = run_all(tmp_path)
    assert len(outcomes) >= 100
    assert [o for o in outcomes if o.failed or o.lost] == []


# ---------------------------------------------------------------- mail cut off mid-message
def test_an_mbox_cut_inside_a_message_id_quarantines_the_message_and_the_full_file_adds_no_copy(
    tmp_path: Path, store: SQLiteStore, own_settings: Settings
) -> None:
    cut = tmp_path / "cut.mbox"
    cut.write_bytes(MBOX[: MBOX.rfind(b"Message-ID: <") + 17])
    items = run_connector("mbox", [cut])
    reject = rejected(items)[-1]
    assert reject.reason.startswith("message cut off: the file ends mid-line") and reject.line > 1
    intact = run_connector("mbox", ["mbox/support.mbox"])
    assert len(rejected(items)) == len(rejected(intact)) + 1
    assert len(interactions(items)) == len(interactions(intact)) - 1
    full = tmp_path / "full.mbox"
    full.write_bytes(MBOX)
    ingest(store, "mbox", "mail", [cut], own_settings)
    ingest(store, "mbox", "mail", [full], own_settings)
    complete = len(interactions(intact))
    with sqlite3.connect(own_settings.db) as conn:
        assert conn.execute("SELECT count(*) FROM interactions").fetchone()[0] == complete


@pytest.mark.parametrize("fmt", ["eml", "maildir"])
def test_a_message_file_cut_in_its_headers_is_quarantined(tmp_path: Path, fmt: str) -> None:
    data = (FIXTURES / "eml/inbox/0001.eml").read_bytes()
    path = tmp_path / "0001.eml"
    path.write_bytes(data[: data.index(b"Message-ID: <") + 16])
    items = run_connector(fmt, [path])
    assert interactions(items) == []
    assert "cut off in its headers" in rejected(items)[0].reason


# ---------------------------------------------------------------- folders with nothing of the format
def test_eml_reads_a_folder_of_compressed_eml_files(tmp_path: Path) -> None:
    for n, eml in enumerate(sorted((FIXTURES / "eml/inbox").iterdir())):
        pack = gzip.compress if n % 2 else bz2.compress
        (tmp_path / (eml.name + (".gz" if n % 2 else ".bz2"))).write_bytes(pack(eml.read_bytes()))
    assert len(interactions(run_connector("eml", [tmp_path]))) == 2


@pytest.mark.parametrize(
    ("fmt", "make", "said"),
    [
        ("eml", lambda p: None, "no .eml files"),
        ("eml", lambda p: (p / "a.msg").write_text("x"), "no .eml files"),
        ("maildir", lambda p: None, "not a Maildir"),
        ("maildir", lambda p: (p / "1.msg").write_text("x"), "not a Maildir"),
        ("maildir", lambda p: (p / "cur").mkdir(), "holds no messages"),
    ],
)
def test_a_folder_with_nothing_of_the_format_is_an_error(tmp_path: Path, fmt: str, make: object, said: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    make(folder)  # type: ignore[operator]
    with pytest.raises(InputError, match=said):
        run_connector(fmt, [folder])


def test_the_cli_says_what_is_wrong_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    zipped = tmp_path / "contacts.zip"
    zipped.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    for fmt, path in (("eml", tmp_path / "empty"), ("salesforce", zipped)):
        argv = ["idgraph", "--db", str(tmp_path / "t.db"), "ingest", "-f", fmt, "-s", "x", str(path)]
        monkeypatch.setattr(sys, "argv", argv)
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code == 1
        err = capsys.readouterr().err
        assert "error:" in err and "Traceback" not in err
    assert "zip archive" in err and "contacts.zip" in err


# ---------------------------------------------------------------- CSV headers
def _contacts(tmp_path: Path, header: str) -> Path:
    rows = [f"003{i:012d},Ann,Lee{i},ann{i}@example.com" for i in range(ROWS)]
    path = tmp_path / "contacts.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def test_an_unclosed_quote_in_the_header_is_an_error_not_a_swallowed_file(tmp_path: Path) -> None:
    path = _contacts(tmp_path, 'Id,"FirstName,LastName,Email')
    with pytest.raises(InputError, match="header row does not parse"):
        run_connector("salesforce", [path])


def test_a_duplicated_column_is_refused_with_its_name(tmp_path: Path) -> None:
    path = _contacts(tmp_path, "Id,FirstName,LastName,FirstName")
    with pytest.raises(InputError, match="named twice in the header: 'FirstName'"):
        run_connector("salesforce", [path])


@pytest.mark.parametrize("fmt", HEADER_CSV)
def test_a_header_field_over_the_csv_limit_is_an_error(tmp_path: Path, fmt: str) -> None:
    source, mapping = FORMATS[fmt]
    data = (FIXTURES / source).read_bytes()
    path = tmp_path / "in.csv"
    path.write_bytes(b"X" * HUGE_FIELD + b"," + data)
    with pytest.raises(InputError, match="header row does not parse"):
        run_connector(fmt, [path], mapping)


# ---------------------------------------------------------------- line endings
@pytest.mark.parametrize("fmt", HEADER_CSV)
def test_cr_only_line_endings_are_read_with_a_notice(tmp_path: Path, fmt: str) -> None:
    source, mapping = FORMATS[fmt]
    data = (FIXTURES / source).read_bytes()
    path = tmp_path / "in.csv"
    path.write_bytes(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    got = run_connector(fmt, [path], mapping)
    want = run_connector(fmt, [source], mapping)
    assert len(records(got)) + len(interactions(got)) == len(records(want)) + len(interactions(want))
    assert any("CR only" in n for n in notices(got))


def test_mixed_line_endings_are_read_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"Id,FirstName\r\n003A,Ann\r003B,Bob\n003C,Cy\r\n")
    items = run_connector("salesforce", [path])
    assert [r.first_name for r in records(items)] == ["Ann", "Bob", "Cy"]
    assert any("mixed line endings: 1 line(s) end in a bare CR (line 2)" in n for n in notices(items))


# ---------------------------------------------------------------- compressed and archived files
@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("pack", [gzip.compress, bz2.compress], ids=["gzip", "bzip2"])
def test_compressed_files_are_read_through(tmp_path: Path, fmt: str, pack: object) -> None:
    source, mapping = FORMATS[fmt]
    path = tmp_path / "in.gz"
    path.write_bytes(pack((FIXTURES / source).read_bytes()))  # type: ignore[operator]
    got, want = run_connector(fmt, [path], mapping), run_connector(fmt, [source], mapping)
    assert [type(i) for i in got] == [type(i) for i in want]


def test_a_zip_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    for fmt in FORMATS:
        _, mapping = FORMATS[fmt]
        with pytest.raises(InputError, match=r"export\.xlsx is a zip archive"):
            run_connector(fmt, [path], mapping)


@pytest.mark.parametrize("fmt", ["salesforce", "mbox", "x-api-v2"])
def test_a_cut_gzip_stops_with_a_readable_error(tmp_path: Path, fmt: str) -> None:
    source, mapping = FORMATS[fmt]
    packed = gzip.compress((FIXTURES / source).read_bytes() * 20)
    path = tmp_path / "in.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(InputError, match="gzip data is cut off or corrupt"):
        run_connector(fmt, [path], mapping)


# ---------------------------------------------------------------- NUL bytes, repeated headers
def test_nul_bytes_are_stripped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"Id,FirstName\n003A,An\x00n\n003B,Bob\n003C,C\x00\x00y\n")
    items = run_connector("salesforce", [path])
    assert [r.first_name for r in records(items)] == ["Ann", "Bob", "Cy"]
    assert "NUL bytes stripped from 2 line(s) (line 2, 4)" in notices(items)


def test_nul_bytes_in_mail_are_stripped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "box.mbox"
    path.write_bytes(MBOX.replace(b"Order 4471", b"Order\x00 4471"))
    items = run_connector("mbox", [path])
    assert len(interactions(items)) == len(interactions(run_connector("mbox", ["mbox/support.mbox"])))
    assert any(n == "NUL bytes stripped from 2 message(s) (box.mbox: line 1, 19)" for n in notices(items))


def test_a_second_from_header_is_not_a_second_sender(tmp_path: Path) -> None:
    data = (FIXTURES / "eml/inbox/0001.eml").read_bytes()
    path = tmp_path / "0001.eml"
    path.write_bytes(data.replace(b"To:", b"From: Mallory <mallory@evil.example>\nTo:", 1))
    items = run_connector("eml", [path])
    (mail,) = interactions(items)
    senders = [p for p in mail.participants if p.role.name == "SENDER"]
    assert [p.record.source_id.split("/")[-1] for p in senders] == ["jane.doe@example.net"]
    assert any("a second From: header" in n for n in notices(items))


# ---------------------------------------------------------------- a fuzz per reader
def _mutate(data: bytes, cut: int, nul_at: int, ending: str, junk: bytes, pack: str) -> bytes:
    """A fixture damaged the ways real files are: cut, NULs, other line endings, junk, compressed."""
    out = data[: max(1, len(data) * cut // 100)]
    out = out[:nul_at] + b"\x00" + out[nul_at:] if nul_at < len(out) else out
    if ending != "\n":
        out = out.replace(b"\r\n", b"\n").replace(b"\n", ending.encode())
    out += junk
    return gzip.compress(out) if pack == "gzip" else bz2.compress(out) if pack == "bzip2" else out


DAMAGE = st.tuples(
    st.integers(min_value=1, max_value=100),
    st.integers(min_value=0, max_value=2_000),
    st.sampled_from(["\n", "\r", "\r\n"]),
    st.binary(max_size=40),
    st.sampled_from(["", "gzip", "bzip2"]),
)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@FUZZ
@given(damage=DAMAGE)
def test_fuzz_a_damaged_file_is_read_or_refused_never_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, fmt: str, damage: tuple[int, int, str, bytes, str]
) -> None:
    source, mapping = FORMATS[fmt]
    path = tmp_path_factory.mktemp(fmt.replace("-", "")) / "input"
    path.write_bytes(_mutate((FIXTURES / source).read_bytes(), *damage))
    try:
        items = run_connector(fmt, [path], mapping)
    except IdentityGraphError as exc:
        assert str(exc)
        return
    assert all(isinstance(i, Record | Interaction | Rejected | Notice) for i in items)
    assert not any("\x00" in (r.full_name or "") + (r.first_name or "") for r in records(items))
