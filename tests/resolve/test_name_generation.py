"""The feature table's `generation` column and caller-ID place labels, from stored records."""

from __future__ import annotations

from pathlib import Path

import pytest

from identity_graph.model import Record
from identity_graph.resolve.features import build_features, feature_row
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from tests.connectors.helpers import records, run_connector
from tests.resolve.conftest import call, load, person


def _stored_table(store: SQLiteStore, settings: Settings, *records: Record) -> dict[str, tuple[str, str, str]]:
    """source_id -> (first, last, generation) of the batch feature table, checked against the real-time rows."""
    ids = load(store, list(records), settings, model=False)
    stored = store.get_records(ids)
    table, _ = build_features([stored], learn=True)
    rows = [feature_row(r) for r in stored]
    assert table.col("generation").tolist() == [r.generation for r in rows]  # batch and real time alike
    return {
        r.source_id: (str(table.col("first")[i]), str(table.col("last")[i]), str(table.col("generation")[i]))
        for i, r in enumerate(stored)
    }


def test_generation_from_the_name_the_last_name_field_or_a_suffix_column(
    store: SQLiteStore, settings: Settings
) -> None:
    out = _stored_table(
        store,
        settings,
        person("c1", "John", "Smith Jr", phones=["(504) 555-0101"]),
        person("c2", "John", "Smith").model_copy(update={"attributes": {"Suffix": "Sr."}}),  # Salesforce's column
        person("c3", full="Robert Jones III"),
        person("c4", "Robert", "Jones").model_copy(update={"attributes": {"Name Suffix": "2nd"}}),
        person("c5", "Ann", "Lee").model_copy(update={"attributes": {"Suffix": "MD"}}),
        call("k1", "(504) 555-0102", "SMITH JOHN JR"),
    )
    assert out["c1"] == ("john", "smith", "jr")
    assert out["c2"] == ("john", "smith", "sr")
    assert out["c3"] == ("robert", "jones", "iii")
    assert out["c4"] == ("robert", "jones", "ii")
    assert out["c5"] == ("ann", "lee", "")
    assert out["k1"] == ("smith", "john", "jr")


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("NEW PATRIC MT", ("", "")),
        ("PORT JACOB PA", ("", "")),
        ("FORT WORTH TX", ("", "")),
        ("SAN JOSE CA", ("", "")),
        ("SMITH AL", ("smith", "al")),  # Al Smith, read LAST FIRST by the comparisons
        ("THOMPSON OLIVIA", ("thompson", "olivia")),
    ],
)
def test_a_place_label_is_no_ones_name_but_the_phone_stays(
    store: SQLiteStore, settings: Settings, label: str, name: tuple[str, str]
) -> None:
    ids = load(store, [call("k1", "(504) 555-0183", label)], settings, model=False)
    table, postings = build_features([store.get_records(ids)])
    assert (table.col("first")[0], table.col("last")[0], table.col("business")[0]) == (*name, "")
    assert table.col("phone")[0] == "+15045550183"
    assert len(postings) == 1


def test_a_salesforce_suffix_column_reaches_the_feature_table(
    store: SQLiteStore, settings: Settings, tmp_path: Path
) -> None:
    export = tmp_path / "contacts.csv"
    export.write_text(
        "Id,FirstName,LastName,Suffix,Email\n"
        "0035g00000A1bCdAAJ,John,Smith,Jr.,john.smith@example.com\n"
        "0035g00000A1bCeAAJ,John,Smith,Sr.,jsmith.sr@example.com\n"
        "0035g00000A1bCfAAJ,Ann,Lee,,ann.lee@example.com\n",
        encoding="utf-8",
    )
    contacts = records(run_connector("salesforce", [export]))
    assert [r.attributes.get("Suffix") for r in contacts] == ["Jr.", "Sr.", None]
    out = _stored_table(store, settings, *contacts)
    assert [out[r.source_id] for r in contacts] == [
        ("john", "smith", "jr"),
        ("john", "smith", "sr"),
        ("ann", "lee", ""),
    ]
