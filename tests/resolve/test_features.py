"""Feature rows from stored records: caller-ID names, learned given names, family and company names."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from identity_graph.model import RecordKind, StoredRecord
from identity_graph.resolve.features import ROW_FIELDS, build_features, feature_row, given_names_of
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from matchers.features import FeatureRow, FeatureTable
from tests.resolve.conftest import call, load, mail, person


def stored(store: SQLiteStore, settings: Settings, *records: object) -> list[StoredRecord]:
    """Store records and read them back."""
    ids = load(store, list(records), settings, model=False)  # type: ignore[arg-type]
    return store.get_records(ids)


def test_caller_id_names_need_a_given_name_we_know(store: SQLiteStore, settings: Settings) -> None:
    records = stored(
        store,
        settings,
        person("c1", "Jorge", "Thompson", phones=["(504) 555-0181"]),
        call("k1", "(504) 555-0181", "THOMPSON JORGE"),  # Jorge is known from the CRM
        call("k2", "(504) 555-0182", "THOMPSON OLIVIA"),  # Olivia is in the nickname tables
        call("k3", "(504) 555-0183", "METAIRIE LA"),  # a place label, no one's name
        call("k4", "(504) 555-0184", "GLOBEX CORPORAT"),  # a business line
    )
    table, _ = build_features([records], learn=True)
    first, last, business = table.col("first"), table.col("last"), table.col("business")
    assert (first[1], last[1]) == ("thompson", "jorge")
    assert (first[2], last[2]) == ("thompson", "olivia")
    assert (first[3], last[3]) == ("", "")
    assert (first[4], last[4], business[4]) == ("", "", "1")
    assert "given:jorge" in given_names_of(table)
    without, _ = build_features([records])  # nothing learned: Jorge is unknown
    assert (without.col("first")[1], without.col("last")[1]) == ("", "")
    with_model, _ = build_features([records], given_names_of(table))  # what a trained model remembers
    assert with_model.col("last")[1] == "jorge"


def test_family_display_names_mark_the_mailbox_shared(store: SQLiteStore, settings: Settings) -> None:
    records = stored(
        store, settings, mail("m1", "wells@example.org", "The Wells"), mail("m2", "a@example.org", "Ann Wells")
    )
    table, _ = build_features([records])
    assert (table.col("first")[0], table.col("business")[0]) == ("", "1")
    assert (table.col("first")[1], table.col("business")[1]) == ("ann", "")


def test_user_names_and_signatures(store: SQLiteStore, settings: Settings) -> None:
    records = stored(
        store,
        settings,
        person("s1", "Lani", "Sandoval", emails=["Lani.Sandoval85@outlook.com"], handles=["@Lani_Sandoval"]),
        person(
            "s2", "Lani", "Sandoval", emails=["Lani.Sandoval85@outlook.com"], handles=["@Lani_Sandoval"], source="b"
        ),
    )
    table, postings = build_features([records])
    assert table.col("user_email")[0] == "lanisandoval"
    assert table.col("user_handle")[0] == "lanisandoval"
    assert table.col("signature")[0] == table.col("signature")[1]  # identical records collapse in batch
    assert len(postings) == 4


def test_row_fields_are_feature_rows_fields_in_order() -> None:
    assert tuple(f.name for f in fields(FeatureRow)) == ROW_FIELDS


def test_the_batch_table_is_the_table_of_feature_rows(resolved_sample: Path) -> None:
    store = open_store(resolved_sample)  # every channel: CRM, calls, mail, marketing, social
    records = store.get_records(store.record_ids())
    store.close()
    placeholders = frozenset({"given:jorge", "john doe"})
    for known in (frozenset(), placeholders):
        table, _ = build_features([records[:100], records[100:]], known)
        rows = FeatureTable.from_rows([feature_row(r, known) for r in records])
        assert table.record_id.tolist() == rows.record_id.tolist()
        assert table.kind.tolist() == rows.kind.tolist()
        assert table.columns.keys() == rows.columns.keys()
        checked = rows.col("unknown_caller") == ""  # others' names are then checked against given names
        assert checked.sum() > len(records) // 2
        for name, column in rows.columns.items():
            if name in ("first", "middle", "last", "signature"):
                assert table.col(name)[checked].tolist() == column[checked].tolist(), name
            elif name != "unknown_caller":
                assert table.col(name).tolist() == column.tolist(), name
        assert not table.col("unknown_caller").any()


def test_a_crm_name_that_only_starts_a_known_one_is_learned(store: SQLiteStore, settings: Settings) -> None:
    records = stored(
        store,
        settings,
        person("c1", "Rafael", "McDonald", emails=["r@example.com"]),  # the tables know Rafaela, not Rafael
        person("x1", source="x", kind=RecordKind.SOCIAL_ACCOUNT, full="Rafael McDonald", handles=["@rmcd"]),
        person("x2", source="x", kind=RecordKind.SOCIAL_ACCOUNT, full="just browsing", handles=["@jb"]),
    )
    table, _ = build_features([records], learn=True)
    assert "given:rafael" in given_names_of(table)
    assert (table.col("first")[1], table.col("last")[1]) == ("rafael", "mcdonald")
    assert (table.col("first")[2], table.col("last")[2]) == ("", "")  # `just` starts Justin: still a pseudonym


def test_a_forgotten_caller_id_is_a_nameless_call_of_its_kind(store: SQLiteStore, settings: Settings) -> None:
    """A caller-ID with no given name we know loses its name, and then stands for the nameless calls on that line
    (one signature), kind kept: it is collapsed with those calls and with nothing of another kind."""
    records = stored(
        store,
        settings,
        call("k1", "(504) 555-0185", "QXZRT VLOMB JR"),
        call("k2", "(504) 555-0185"),
    )
    table, _ = build_features([records])
    signature = table.col("signature")
    assert table.col("first")[0] == table.col("generation")[0] == ""
    assert signature[0] == signature[1]
    assert str(signature[0]).startswith("call_party|")
