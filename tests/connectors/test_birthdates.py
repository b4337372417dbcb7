"""Dates of birth: every common written form, the two-digit-year pivot, day-first files, and fields dropped
from records that still load (with a counted note that never quotes the value)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from connectors.birthdates import MIN_BIRTH_YEAR, order_of_format, parse_birth_date
from connectors.dates import DateError
from connectors.dropped import NOTE_LINES, drop_note
from identity_graph.cli.app import app
from identity_graph.errors import ConfigError
from identity_graph.ingest import ingest
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from matchers.dates import MIN_YEAR as MATCHERS_MIN_YEAR
from tests.connectors.helpers import notices, records, rejected, run_connector

#: The day the tests take as today (two-digit years and the future are judged against it).
TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1970-03-01", date(1970, 3, 1)),  # ISO
        ("1970-3-1", date(1970, 3, 1)),  # ISO without leading zeros
        ("2011/05/24", date(2011, 5, 24)),  # year first with slashes
        ("19700301", date(1970, 3, 1)),  # YYYYMMDD
        ("1970-03-01T00:00:00.000+0000", date(1970, 3, 1)),  # a Salesforce date-time
        ("3/1/1970 0:00", date(1970, 3, 1)),  # a spreadsheet's date with a time
        ("3/1/1970", date(1970, 3, 1)),  # M/D/YYYY (US default)
        ("03-01-1970", date(1970, 3, 1)),  # M-D-YYYY
        ("3/1/70", date(1970, 3, 1)),  # M/D/YY
        ("10/27/76", date(1976, 10, 27)),
        ("20/8/1991", date(1991, 8, 20)),  # D/M/YYYY: the first number is over 12
        ("24.05.2011", date(2011, 5, 24)),  # dotted, day first
        ("03.04.1980", date(1980, 4, 3)),  # dotted is day first even when ambiguous
        ("24-May-11", date(2011, 5, 24)),
        ("24 May 2011", date(2011, 5, 24)),
        ("24-May-2011", date(2011, 5, 24)),
        ("1st March 1970", date(1970, 3, 1)),
        ("May 24, 2011", date(2011, 5, 24)),
        ("Mar 1 1970", date(1970, 3, 1)),
        ("Sept. 3, 1980", date(1980, 9, 3)),
        ("SEPTEMBER 3 1980", date(1980, 9, 3)),
        ("1970-Mar-01", date(1970, 3, 1)),
        ("  3/1/70  ", date(1970, 3, 1)),
        ("2/29/2000", date(2000, 2, 29)),  # leap day
    ],
)
def test_every_common_form(text: str, expected: date) -> None:
    assert parse_birth_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/1/70", date(1970, 3, 1)),
        ("24-May-11", date(2011, 5, 24)),  # 2011 is not after today
        ("1/1/00", date(2000, 1, 1)),
        ("2/29/00", date(2000, 2, 29)),  # 1900 had no 29 February, 2000 did
        ("12/7/26", date(2026, 12, 7)),  # today itself
        ("12/8/26", date(1926, 12, 8)),  # tomorrow in 2026 would be in the future
        ("1/1/27", date(1927, 1, 1)),
        ("1/1/99", date(1999, 1, 1)),
    ],
)
def test_two_digit_years_never_put_a_birth_in_the_future(text: str, expected: date) -> None:
    assert parse_birth_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("03/04/1980", None, date(1980, 3, 4)),  # ambiguous: month first by default
        ("03/04/1980", "mdy", date(1980, 3, 4)),
        ("03/04/1980", "dmy", date(1980, 4, 3)),  # a file declared day first
        ("13/04/1980", None, date(1980, 4, 13)),  # day over 12: day first whatever the default
        ("04/13/1980", "dmy", date(1980, 4, 13)),  # month over 12 in a day-first file: month first
        ("03.04.1980", "mdy", date(1980, 3, 4)),  # the declared order wins over the dots
        ("1/2/70", "dmy", date(1970, 2, 1)),
        ("1980-03-04", "dmy", date(1980, 3, 4)),  # year first is always year-month-day
        ("May 4, 1980", "dmy", date(1980, 5, 4)),  # a month name leaves nothing to decide
    ],
)
def test_day_first_detection_and_declared_order(text: str, order: str | None, expected: date) -> None:
    assert parse_birth_date(text, order, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("14.03.1985", "%d.%m.%Y", date(1985, 3, 14)),
        ("03/04/1980", "%d/%m/%Y", date(1980, 4, 3)),
        ("03/04/1980", "%d/%m/%Y %H:%M", date(1980, 4, 3)),  # a date-time format still says day first
        ("03/04/80", "%d/%m/%y", date(1980, 4, 3)),  # %y is read by the pivot rule, in the format's order
        ("01/02/50", "%d/%m/%y", date(1950, 2, 1)),  # strptime would say 2050
        ("24 May 2011", "%d.%m.%Y", date(2011, 5, 24)),  # another form still reads
    ],
)
def test_a_mapping_format_is_tried_first_and_implies_the_order(text: str, fmt: str, expected: date) -> None:
    assert parse_birth_date(text, fmt=fmt, today=TODAY) == expected


@pytest.mark.parametrize(
    ("fmt", "order"), [("%d.%m.%Y", "dmy"), ("%m/%d/%Y", "mdy"), ("%d %b %Y", "dmy"), ("%Y", None), (None, None)]
)
def test_order_of_a_format(fmt: str | None, order: str | None) -> None:
    assert order_of_format(fmt) == order


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not a date", "unparseable"),
        ("31/31/1990", "unparseable"),
        ("2/30/1990", "unparseable"),
        ("1985", "unparseable"),  # a year alone is not a date
        ("May 2011", "unparseable"),
        ("3/1/170", "unparseable"),
        ("١٩٧٠٠٣٠١", "unparseable"),  # other scripts' digits are not read as numbers
        ("1642-03-01", f"before {MIN_BIRTH_YEAR}"),
        ("1/1/1800", f"before {MIN_BIRTH_YEAR}"),
        ("2030-01-01", "in the future"),
        ("12/8/2026", "in the future"),  # tomorrow
        ("", "empty"),
    ],
)
def test_unusable_dates_say_why_without_the_value(text: str, reason: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_birth_date(text, today=TODAY)
    assert caught.value.reason == reason
    assert text.strip() == "" or text not in caught.value.reason


def test_the_bound_is_the_one_matching_uses() -> None:
    assert MIN_BIRTH_YEAR == MATCHERS_MIN_YEAR


MANY = [("a.csv", n) for n in range(2, 2 + NOTE_LINES)]


@pytest.mark.parametrize(
    ("count", "where", "note"),
    [
        (1, [("a.csv", 4)], "dob dropped on 1 record: unparseable (line 4)"),
        (3, [("a.csv", 4), ("a.csv", 9), ("a.csv", 12)], "dob dropped on 3 records: unparseable (line 4, 9, 12)"),
        (
            3,
            [("/x/a.csv", 4), ("/x/b.csv", 2), ("/x/a.csv", 9)],
            "dob dropped on 3 records: unparseable (a.csv line 4, 9; b.csv line 2)",
        ),
        (
            38_821,
            MANY,
            "dob dropped on 38,821 records: unparseable (line 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 38,811 more)",
        ),
    ],
)
def test_drop_notes(count: int, where: list[tuple[str, int]], note: str) -> None:
    assert drop_note("dob", "unparseable", count, where) == note


SF = "Id,FirstName,LastName,Email,Birthdate,CreatedDate\n"
ROWS = [
    "003A,Ann,Lee,ann@example.com,3/1/70,",  # line 2
    "003B,Bo,Ray,bo@example.com,24-May-11,2023-01-05T10:22:11Z",
    "003C,Cy,Day,cy@example.com,1642-03-01,",  # out of a customer's range
    "003D,Di,Fox,di@example.com,not a date,",  # line 5
    "003E,Ed,Gu,ed@example.com,20/8/1991,yesterday",  # the creation time is dropped, not the row
    "003F,Flo,Hu,flo@example.com,1/1/2999,",  # in the future
    "003G,Gil,Ito,gil@example.com,,",
]


def _sf_file(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(SF + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def test_salesforce_rows_with_bad_dobs_all_load_without_them(tmp_path: Path) -> None:
    items = run_connector("salesforce", [_sf_file(tmp_path)])
    recs = {r.source_id: r for r in records(items)}
    assert not rejected(items)
    assert {k: r.dob for k, r in recs.items()} == {
        "003A": date(1970, 3, 1),
        "003B": date(2011, 5, 24),
        "003C": None,
        "003D": None,
        "003E": date(1991, 8, 20),
        "003F": None,
        "003G": None,
    }
    assert recs["003C"].first_name == "Cy" and recs["003C"].identifiers  # every other field kept
    assert recs["003E"].created_at is None
    assert notices(items) == [
        f"dob dropped on 1 record: before {MIN_BIRTH_YEAR} (line 4)",
        "dob dropped on 1 record: unparseable (line 5)",
        "created_at dropped on 1 record: unparseable (line 6)",
        "dob dropped on 1 record: in the future (line 7)",
    ]


def test_the_load_and_its_history_count_the_dropped_fields(
    tmp_path: Path, store: SQLiteStore, own_settings: Settings
) -> None:
    result = ingest(store, "salesforce", "crm", [_sf_file(tmp_path)], own_settings)
    assert (result.records_seen, result.stats.loaded, result.quarantined) == (len(ROWS), len(ROWS), 0)
    assert "dob dropped on 1 record: unparseable (line 5)" in result.notes()
    (run,) = store.ingest_runs()
    assert "dob dropped on 1 record: unparseable (line 5)" in run.notes
    assert not any("not a date" in note or "1642" in note for note in run.notes)  # never the value


def test_the_cli_summary_shows_the_note(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    args = ["--db", str(db), "ingest", "--format", "salesforce", "--source", "crm", str(_sf_file(tmp_path))]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "dob dropped on 1 record: unparseable (line 5)" in result.stdout
    assert "not a date" not in result.stdout


def test_a_mapping_declares_a_day_first_file(tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    path.write_text("No,Born,Made\nS1,03/04/1980,03/04/2020 10:00\nS2,13/04/1980,\nS3,04/13/1980,\n", "utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('id = "No"\n[fields]\ndob = "Born"\ncreated_at = "Made"\n[options]\ndate_order = "dmy"\n')
    items = run_connector("csv", [path], mapping)
    assert [r.dob for r in records(items)] == [date(1980, 4, 3), date(1980, 4, 13), date(1980, 4, 13)]
    assert records(items)[0].created_at == datetime(2020, 4, 3, 10, 0, tzinfo=UTC)  # record times too
    assert not notices(items)


def test_a_bad_date_order_is_a_config_error(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('[options]\ndate_order = "ydm"\n')
    with pytest.raises(ConfigError, match="date_order"):
        run_connector("salesforce", [_sf_file(tmp_path)], mapping)


def test_jsonl_contacts_drop_a_bad_dob_too(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "1", "dob": "Mar 1 1970"}\n{"id": "2", "dob": "31/31/1990"}\n', encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('id = "id"\n[fields]\ndob = "dob"\n')
    items = run_connector("jsonl", [path], mapping)
    assert [r.dob for r in records(items)] == [date(1970, 3, 1), None]
    assert notices(items) == ["dob dropped on 1 record: unparseable (line 2)"]


def test_a_row_rejected_for_another_reason_drops_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(SF + ",Ann,Lee,ann@example.com,not a date,\n", encoding="utf-8")  # no id
    items = run_connector("salesforce", [path])
    assert [r.reason for r in rejected(items)] == ["empty id"]
    assert not notices(items)
