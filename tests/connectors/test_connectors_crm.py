"""CRM connectors: salesforce, hubspot, csv and jsonl with mappings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from identity_graph.errors import ConfigError
from identity_graph.model import IdentifierKind, RecordKind, Strength
from tests.connectors.helpers import notices, records, rejected, run_connector

SF_HEADER = "Id,FirstName,LastName,Email,Phone,MobilePhone,Birthdate,CreatedDate,Twitter__c,Tier__c\n"


def _claims(record: object, kind: IdentifierKind) -> list[tuple[str, str]]:
    return [(c.raw, c.field) for c in record.identifiers if c.kind is kind]  # type: ignore[attr-defined]


def test_salesforce_export_becomes_contacts_with_declared_claims_and_custom_attributes() -> None:
    items = run_connector("salesforce", ["salesforce/contacts.csv"])
    recs = records(items)
    assert [r.source_id for r in recs] == ["0035g00000A1bCdAAJ", "0035g00000A1bCeAAJ", "0035g00000A1bCfAAJ"]
    tom = recs[0]
    assert tom.kind is RecordKind.CONTACT
    assert (tom.first_name, tom.last_name, tom.dob) == ("Thomas", "Defren", date(1980, 2, 1))
    assert tom.address.street == "12 Market St\nApt 4"  # quoted multi-line field, CRLF folded
    assert tom.address.city == "San Francisco"
    assert _claims(tom, IdentifierKind.PHONE) == [("(415) 555-0134", "Phone"), ("+1 415-555-0199", "MobilePhone")]
    assert _claims(tom, IdentifierKind.EMAIL) == [("tdefren@gmail.com", "Email")]
    assert _claims(tom, IdentifierKind.HANDLE) == [("x:@TDefren", "Twitter__c")]
    assert _claims(tom, IdentifierKind.CRM_ID) == [("salesforce:0035g00000A1bCdAAJ", "Id")]
    assert all(c.strength is Strength.DECLARED for c in tom.identifiers)
    assert tom.attributes == {"Loyalty_Tier__c": "Gold"}
    assert tom.created_at == datetime(2023, 1, 5, 10, 22, 11, tzinfo=UTC)
    assert _claims(recs[2], IdentifierKind.HANDLE) == [("https://twitter.com/bobo", "Twitter__c")]
    assert not rejected(items)


def test_hubspot_export_with_bom_uses_default_column_names() -> None:
    recs = records(run_connector("hubspot", ["hubspot/contacts.csv"]))
    jane = recs[0]
    assert jane.source_id == "51"  # the BOM did not stick to "Record ID"
    assert (jane.first_name, jane.company, jane.address.state) == ("Jane", "Initech", "CA")
    assert _claims(jane, IdentifierKind.HANDLE) == [("x:janed", "Twitter Username")]
    assert jane.attributes == {"Lifecycle Stage": "customer"}
    assert _claims(recs[1], IdentifierKind.PHONE) == [("415-555-0177", "Mobile Phone Number")]


def test_csv_with_mapping_reads_delimiter_date_format_and_repeated_fields() -> None:
    recs = records(run_connector("csv", ["csv/customers.csv"], "csv/mapping.toml", source="shop"))
    anna = recs[0]
    assert anna.source_id == "C-1001"
    assert anna.dob == date(1985, 3, 14)
    assert _claims(anna, IdentifierKind.EMAIL) == [
        ("anna.schmidt@example.de", "E-mail"),
        ("a.schmidt@acme-gmbh.example", "Work E-mail"),
    ]
    assert _claims(anna, IdentifierKind.CRM_ID) == [("shop:C-1001", "Customer No")]
    assert anna.attributes == {"Segment": "retail"}


def test_jsonl_with_mapping_follows_dotted_paths_and_lists() -> None:
    recs = records(run_connector("jsonl", ["jsonl/contacts.jsonl"], "jsonl/mapping.toml"))
    priya, ken = recs
    assert (priya.first_name, priya.address.city, priya.address.state) == ("Priya", "Austin", "TX")
    assert [raw for raw, _ in _claims(priya, IdentifierKind.EMAIL)] == ["priya@example.com", "p.patel@work.example.com"]
    assert priya.attributes == {"plan": "pro"}
    assert ken.attributes == {"tags": '["vip","beta"]'}
    assert _claims(ken, IdentifierKind.PHONE) == []


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_wrong_column_count_is_quarantined_and_a_bad_date_costs_only_the_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "c.csv",
        SF_HEADER
        + "003A,Ann,Lee,ann@example.com,,,1990-01-02,,,\n"
        + "003B,too,few\n"
        + "003C,Bo,Ray,bo@example.com,,,31/31/1990,,,\n"
        + "003D,Cy,Day,cy@example.com,,,,,,\n",
    )
    items = run_connector("salesforce", [path])
    recs = records(items)
    assert [r.source_id for r in recs] == ["003A", "003C", "003D"]
    assert (recs[1].first_name, recs[1].dob) == ("Bo", None)
    bad = rejected(items)
    assert [(b.line, b.reason.split(":")[0]) for b in bad] == [(3, "expected 10 columns, found 3")]
    assert bad[0].raw == "003B,too,few\n"
    assert notices(items) == ["dob dropped on 1 record: unparseable (line 4)"]


def test_cp1252_file_is_read_with_a_notice_not_garbled(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.csv", SF_HEADER + "003A,Zoë,Müller,z@example.com,,,,,,café\n", "cp1252")
    items = run_connector("salesforce", [path])
    (rec,) = records(items)
    assert (rec.first_name, rec.last_name, rec.attributes["Tier__c"]) == ("Zoë", "Müller", "café")
    assert any("cp1252" in n for n in notices(items))


def test_a_late_non_utf8_line_falls_back_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes((SF_HEADER + "003A,Zoë,A,,,,,,,\n").encode() + "003B,Renée,B,,,,,,,\n".encode("cp1252"))
    items = run_connector("salesforce", [path])
    assert [r.first_name for r in records(items)] == ["Zoë", "Renée"]
    assert any("line 3" in n and "cp1252" in n for n in notices(items))


def test_mapping_errors_are_config_errors_before_any_row(tmp_path: Path) -> None:
    mapping = _write(tmp_path, "m.toml", 'id = "Customer No"\n[fields]\nshoe_size = "Size"\n')
    with pytest.raises(ConfigError, match=r"unknown field.*shoe_size"):
        run_connector("csv", ["csv/customers.csv"], mapping)
    mapping = _write(
        tmp_path, "m2.toml", 'id = "Customer No"\n[fields]\nfirst_name = "Vorname"\n[options]\ndelimiter=";"\n'
    )
    with pytest.raises(ConfigError, match="Vorname"):
        run_connector("csv", ["csv/customers.csv"], mapping)
    with pytest.raises(ConfigError, match="needs --mapping"):
        run_connector("csv", ["csv/customers.csv"])
    mapping = _write(tmp_path, "m3.toml", "id = [")
    with pytest.raises(ConfigError, match="cannot read mapping"):
        run_connector("csv", ["csv/customers.csv"], mapping)


def test_mapping_can_add_a_handle_column_to_salesforce(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.csv", "Id,LastName,Insta_Handle__c\n003A,Lee,@ann.lee\n")
    mapping = _write(tmp_path, "m.toml", '[fields]\nhandle = "Insta_Handle__c"\n[options]\nplatform = "instagram"\n')
    (rec,) = records(run_connector("salesforce", [path], mapping))
    assert _claims(rec, IdentifierKind.HANDLE) == [("instagram:@ann.lee", "Insta_Handle__c")]
    assert rec.attributes == {}


def test_our_own_numbers_never_become_contact_claims(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.csv", "Id,LastName,Phone,Email\n003A,Lee,1-800-555-0100,help@acme.example\n")
    (rec,) = records(run_connector("salesforce", [path]))
    assert _claims(rec, IdentifierKind.PHONE) == [] and _claims(rec, IdentifierKind.EMAIL) == []


def test_broken_json_line_and_non_object_are_quarantined(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.jsonl", '{"uid": "a"}\n{"uid": \n[1, 2]\n\n{"uid": ""}\n{"uid": "b"}\n')
    items = run_connector("jsonl", [path], "jsonl/mapping.toml")
    assert [r.source_id for r in records(items)] == ["a", "b"]
    assert [(r.line, r.reason.split(":")[0]) for r in rejected(items)] == [
        (2, "broken JSON"),
        (3, "line is not a JSON object"),
        (5, "empty id"),
    ]


def test_data_loader_upper_case_headers_are_recognised(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "c.csv",
        '"ID","FIRSTNAME","LASTNAME","EMAIL","LOYALTY__C"\n"003A","Ann","Lee","a@example.com","Gold"\n',
    )
    (rec,) = records(run_connector("salesforce", [path]))
    assert (rec.source_id, rec.first_name, rec.last_name) == ("003A", "Ann", "Lee")
    assert _claims(rec, IdentifierKind.EMAIL) == [("a@example.com", "EMAIL")]
    assert rec.attributes == {"LOYALTY__C": "Gold"}


def test_hubspot_additional_email_addresses_are_separate_claims(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "h.csv", "Record ID,Email,Additional email addresses\n7,a@example.com,b@example.com;c@example.org\n"
    )
    (rec,) = records(run_connector("hubspot", [path]))
    assert _claims(rec, IdentifierKind.EMAIL) == [
        ("a@example.com", "Email"),
        ("b@example.com", "Additional email addresses"),
        ("c@example.org", "Additional email addresses"),
    ]
