"""A bank's or telco's columns (SSN, NINO, passport, driver's licence with its state, tax id, account number,
card's last four) become identifiers: Salesforce's custom fields by their usual names, any csv by a mapping;
an invalid value is dropped with a counted note and the record kept."""

from __future__ import annotations

from pathlib import Path

from identity_graph.ingest import ingest
from identity_graph.model import IdentifierKind
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore

SF = (
    "Id,FirstName,LastName,SSN__c,Passport__c,Passport_Country__c,Drivers_License__c,Drivers_License_State__c,"
    "Tax_ID__c,AccountNumber,Card_Last4__c\n"
    "003A,Maria,Lopez,123-45-6789,x1234567,us,D123-4567,ca,ein:12-3456789,AC-0099,**** 4242\n"
    "003B,Ann,Bell,666-45-6789,,,,,,,\n"
)
MAPPED = (
    "cust,first,last,ni,licence,licence_state,acct,card\n"
    "7,Oliver,Hughes,AB 12 34 56 C,HUGHE801234OJ9AB,GB,55-1234,4111 1111 1111 1111\n"
)
MAPPING = """
[fields]
id = "cust"
first_name = "first"
last_name = "last"
nino = "ni"
drivers_license = "licence"
drivers_license_state = "licence_state"
account_number = "acct"
card_last4 = "card"
"""


def _values(store: SQLiteStore, source: str, source_id: str) -> dict[str, list[tuple[str, str]]]:
    """The stored identifiers of one record by kind: (value, field)."""
    found = store.find_record(source, source_id)
    assert found is not None
    out: dict[str, list[tuple[str, str]]] = {}
    for c in found.claimed:
        out.setdefault(c.identifier.kind.value, []).append((c.identifier.value, c.field))
    return out


def test_salesforce_custom_fields(tmp_path: Path) -> None:
    """Salesforce's usual custom fields are read; an impossible SSN (area 666) is dropped and counted."""
    path = tmp_path / "contacts.csv"
    path.write_text(SF, encoding="utf-8")
    settings = Settings(db=tmp_path / "t.db")
    with SQLiteStore(settings.db) as store:
        result = ingest(store, "salesforce", "crm", [path], settings)
        maria = _values(store, "crm", "003A")
        ann = _values(store, "crm", "003B")
        kept = store.find_record("crm", "003B")
    assert maria[IdentifierKind.NATIONAL_ID.value] == [("ssn:123456789", "SSN__c")]
    assert maria["passport"] == [("US:X1234567", "Passport__c")]
    assert maria["dl"] == [("CA:D1234567", "Drivers_License__c")]
    assert maria["tax_id"] == [("ein:123456789", "Tax_ID__c")]
    assert maria["account"] == [("salesforce:AC0099", "AccountNumber")]
    assert maria["card4"] == [("4242", "Card_Last4__c")]
    assert "national_id" not in ann and kept is not None  # the record stays, without the SSN
    assert result.unusable == {"national_id": 1}
    assert "1 unusable national_id identifier(s) left out" in result.notes()


def test_a_mapping_maps_columns_to_the_new_kinds(tmp_path: Path) -> None:
    """A csv mapping names the columns; a card column keeps its last four digits only, even in the raw text."""
    path, mapping = tmp_path / "customers.csv", tmp_path / "map.toml"
    path.write_text(MAPPED, encoding="utf-8")
    mapping.write_text(MAPPING, encoding="utf-8")
    settings = Settings(db=tmp_path / "t.db")
    with SQLiteStore(settings.db) as store:
        ingest(store, "csv", "bank", [path], settings, mapping=mapping)
        oliver = _values(store, "bank", "7")
        record = store.find_record("bank", "7")
    assert oliver["national_id"] == [("nino:AB123456C", "ni")]
    assert oliver["dl"] == [("GB:HUGHE801234OJ9AB", "licence")]
    assert oliver["account"] == [("bank:551234", "acct")]
    assert oliver["card4"] == [("1111", "card")]
    assert record is not None
    assert [c.raw for c in record.claimed if c.identifier.kind is IdentifierKind.CARD_LAST4] == ["1111"]
