"""The second round of loading fast paths gives what the plain code gives: a CSV row's fields read through its
file's columns worked out once, blank rows and line breaks inside values as before, an interaction's attributes
written once for its hash's text and its column, a CRM email cell split only when it lists several, and new
identifiers' ids taken from the insert (`RETURNING`) equal to looking them up."""

from __future__ import annotations

import csv
import random
import sqlite3
from pathlib import Path

import pytest

from connectors.contacts import _EMAIL_LIST_SEPARATORS, ContactSettings, _claims, _one
from connectors.csvrows import CsvDialect, MappedRow, mapped_rows
from connectors.ownside import OwnSide
from connectors.textio import ByteCounter
from identity_graph.settings import OwnSideSettings
from identity_graph.store import SQLiteStore, sqlite_ingest
from identity_graph.store.sqlite_ingest import _json, interaction_row
from tests.ingest.test_fast_paths import _interactions

HEADER = ["id", "first", "", "phone", "note", "phone2", "extra"]
POSITIONS = {"id": (0,), "first_name": (1,), "phone": (3, 5), "unused": ()}


def _cells(rng: random.Random) -> list[str]:
    """A row's values: blanks, padding, quotes, commas and line breaks (CRLF and LF) inside values."""
    pool = ["", " ", "a", " b ", 'q "x"', "c,d", "line\r\nbreak", "lf\nonly", "ü é", "\t"]
    return [rng.choice(pool) for _ in HEADER]


def _write(path: Path, rows: list[list[str]], ending: str) -> None:
    """A CSV file of these rows after the header, each ended by `ending`."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator=ending).writerows([HEADER, *rows])


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_mapped_rows_give_the_plain_fields_and_attributes(tmp_path: Path, ending: str) -> None:
    rng = random.Random(len(ending))
    rows = [_cells(rng) for _ in range(400)]
    path = tmp_path / "rows.csv"
    _write(path, rows, ending)
    got = [
        r for r in mapped_rows(path, ByteCounter(), CsvDialect(), lambda h, p: POSITIONS) if isinstance(r, MappedRow)
    ]
    # the rows kept: every one with a value that is not blank, its CRLFs inside values read as LF
    kept = [[v.replace("\r\n", "\n") for v in row] for row in rows if any(v.strip() for v in row)]
    assert [r.values for r in got] == kept
    for row in got:
        values = row.values
        plain_fields = {name: [(HEADER[i], values[i]) for i in cols] for name, cols in POSITIONS.items()}
        plain_loose = {
            HEADER[i]: v.strip() for i, v in enumerate(values) if i not in (0, 1, 3, 5) and v.strip() and HEADER[i]
        }
        assert row.field_values() == plain_fields
        assert row.unmapped() == plain_loose
        for name, cols in POSITIONS.items():
            assert row.get(name) == (values[cols[0]].strip() if cols else "")
        assert row.get("not mapped") == ""


def test_a_contacts_field_and_email_list_read_as_the_plain_code_does() -> None:
    own = OwnSide(OwnSideSettings(email_domains=["acme.example"]))
    cells = ["", " ", "a@x.com", " a@x.com ", "a@x.com; b@y.com", "a@x.com,b@y.com", "me@acme.example", "x;", ";"]
    for cell in cells:
        for second in cells:
            values = {"email": [("Email", cell), ("Work", second)], "first_name": [("F", cell), ("G", second)]}
            plain_one = next((v.strip() for _, v in values["first_name"] if v.strip()), None)
            assert _one(values, "first_name") == plain_one
            claims = _claims(values, own, ContactSettings(system="crm"))
            plain = [
                (f, one.strip())
                for f, v in values["email"]
                for one in _EMAIL_LIST_SEPARATORS.split(v)
                if one.strip() and not own.is_own_email(one)
            ]
            assert [(c.field, c.raw) for c in claims] == plain


def test_an_interaction_row_writes_its_attributes_once_as_before() -> None:
    for interaction in _interactions(1_000, seed=81):
        row = interaction_row(interaction)
        assert row.text == _json(interaction.model_dump(mode="json"))
        assert row.values[-1] == _json(interaction.attributes)
        assert row.values[0] == interaction.channel.value and row.values[2] == interaction.direction.value


def _identifier_tables(path: Path) -> list[list[tuple[object, ...]]]:
    """The identifiers and record links of a store, in order."""
    conn = sqlite3.connect(path)
    try:
        return [
            conn.execute("SELECT id, kind, value FROM identifiers ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM record_identifiers ORDER BY 1, 2, 3").fetchall(),
        ]
    finally:
        conn.close()


def _rows(n: int, first: int) -> list[sqlite_ingest.RecordRow]:
    """Records sharing some phones and emails (so a batch meets identifiers stored by an earlier one)."""
    out = []
    for k in range(first, first + n):
        claims = (
            ("phone", f"+1415555{k % 37:04d}", "phone", "declared", f"(415) 555-{k % 37:04d}"),
            ("email", f"p{k % 53}@x.com", "email", "declared", f"P{k % 53}@x.com"),
            ("crm", f"crm:{k}", "id", "declared", str(k)),
        )
        values = ("contact", f"Ann{k}", *([None] * 11), "{}", None, None)
        out.append(sqlite_ingest.RecordRow(("crm", str(k)), f"h{k}", values, claims, f"Ann{k}"))
    return out


@pytest.mark.parametrize("batch", [7, 150, 1_000])
def test_identifier_ids_from_the_insert_are_the_ones_looked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    stores = {}
    for returning in (True, False):
        monkeypatch.setattr(sqlite_ingest, "_RETURNING", returning)
        store = SQLiteStore(tmp_path / f"{returning}.db")
        try:
            for start in range(0, 1_200, batch):
                store.upsert_rows(_rows(min(batch, 1_200 - start), start))
        finally:
            store.close()
        stores[returning] = _identifier_tables(tmp_path / f"{returning}.db")
    assert stores[True] == stores[False]
    assert len(stores[True][0]) == 37 + 53 + 1_200 and len(stores[True][1]) == 3 * 1_200
