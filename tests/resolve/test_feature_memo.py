"""A batch build's memo of names and addresses (`features.FeatureMemo`) gives what each record's own
normalization gives: on a generated multi-channel set and on records made to reach the name rules (caller-IDs,
places, companies, families, profile names, names from a message's text, placeholders), each read twice so the
second reading comes from the memo."""

from __future__ import annotations

import pytest

from identity_graph.generate import generate
from identity_graph.model import BODY_NAME, StoredRecord
from identity_graph.resolve.features import READ_BATCH, FeatureMemo, address_values, feature_values, name_facts
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from matchers.addresses import normalize_address
from tests.resolve.conftest import call, load, mail, person
from tests.resolve.engines import load_generated

PLACEHOLDERS: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"given:jorge", "wireless caller", "john smith", "given:olivia"}),
)


@pytest.fixture(scope="module")
def generated_records(tmp_path_factory: pytest.TempPathFactory) -> list[StoredRecord]:
    """Every record of a generated set (CRM, calls, mail, social)."""
    tmp = tmp_path_factory.mktemp("feature_memo")
    generate(tmp / "data", 120, 18, overwrite=True)
    store = open_store(load_generated(tmp / "data", tmp / "store.db").db)
    try:
        return [r for batch in store.iter_records(READ_BATCH) for r in batch]
    finally:
        store.close()


def _made(store: SQLiteStore, settings: Settings) -> list[StoredRecord]:
    records = [
        person("c1", "Jorge", "Thompson", phones=["(504) 555-0181"], city="Metairie"),
        person("c2", "John", "Smith", street="12 Main Street Apt 4", city="Reno"),
        person("c3", full="The Wells Family", emails=["wells@example.org"]),
        call("k1", "(504) 555-0181", "THOMPSON JORGE"),
        call("k2", "(504) 555-0182", "THOMPSON OLIVIA"),
        call("k3", "(504) 555-0183", "METAIRIE LA"),
        call("k4", "(504) 555-0184", "GLOBEX CORPORAT"),
        call("k5", "(504) 555-0185", "WIRELESS CALLER"),
        call("k6", "(504) 555-0186", "JOHANSSON ELEAN"),
        mail("m1", "jd@example.org", None),
        mail("m2", "tom.anna@example.org", "Tom & Anna Wells"),
        mail("m3", "jorge.t@example.org", "Jorge Thompson"),
    ]
    ids = load(store, records, settings, model=False)
    out = store.get_records(ids)
    body = out[9].model_copy(update={"attributes": {BODY_NAME: "Jane Doe"}})  # a name from the message's text
    return [*out, body]


def _check(records: list[StoredRecord]) -> None:
    for placeholders in PLACEHOLDERS:
        memo = FeatureMemo()
        for _ in range(2):  # the second time from the memo
            for r in records:
                assert feature_values(r, placeholders, memo) == feature_values(r, placeholders), r.source_id
                fields = (r.kind, r.first_name, r.middle_name, r.last_name, r.full_name,
                          r.attributes.get(BODY_NAME), placeholders)  # fmt: skip
                assert memo.name(*fields) == name_facts(*fields)
                a = r.address
                where = (a.street or a.full, a.city, a.postal_code, a.state, a.country)
                parts = normalize_address(*where)
                assert memo.address(*where) == address_values(*where)
                assert address_values(*where) == (parts.street, parts.city, parts.postcode, parts.state)


def test_memo_as_each_record_alone_generated(generated_records: list[StoredRecord]) -> None:
    assert len({r.kind for r in generated_records}) >= 3
    _check(generated_records)


def test_memo_as_each_record_alone_name_rules(store: SQLiteStore, settings: Settings) -> None:
    records = _made(store, settings)
    _check(records)
    names = [name_facts(r.kind, r.first_name, r.middle_name, r.last_name, r.full_name,
                        r.attributes.get(BODY_NAME), PLACEHOLDERS[1]) for r in records]  # fmt: skip
    assert any(business for _, business, _ in names) and any(unknown for _, _, unknown in names)
    assert names[-1][0].first == "jane"  # the message's text named the bare address


def test_address_values_us_and_elsewhere() -> None:
    us = ("100 North Main Street Suite 5", "Reno", "89501-1234", "NV", "US")
    au = ("95 leahy lplace", "Springwood", "2357", "qld", "AU")
    memo = FeatureMemo()
    for where in (us, au, (None, None, None, None, None)):
        parts = normalize_address(*where)
        assert memo.address(*where) == (parts.street, parts.city, parts.postcode, parts.state)
    assert memo.address(*us)[2] == "89501" and memo.address(*au)[0] == "95 leahy pl"
