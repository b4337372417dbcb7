"""Every file parses with the standard tools and has the shape of the real export it imitates."""

from __future__ import annotations

import re
import tomllib
from datetime import datetime

import phonenumbers

from identity_graph.generate.crm import SALESFORCE_HEADER, salesforce_id
from identity_graph.generate.manifest import ESP_FIELDS
from identity_graph.settings import load_settings
from tests.generate.readers import CDR_FIELDS, DataSet, message_id

SF_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$")
CDR_TIME = "%Y-%m-%d %H:%M:%S"
CLID = re.compile(r'^"[^"]*" <[+\d]+>$')
PHONE_DIGITS = re.compile(r"\d")


def _is_sf_id(value: str) -> bool:
    """An 18-char Contact id whose checksum suffix is right."""
    if len(value) != 18 or not value.startswith("003"):
        return False
    return value == value[:15] + _checksum(value[:15])


def _checksum(base: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    out = ""
    for chunk in (base[0:5], base[5:10], base[10:15]):
        out += alphabet[sum(1 << i for i, ch in enumerate(chunk) if ch.isupper())]
    return out


def test_salesforce_ids_carry_the_real_checksum() -> None:
    """Known Salesforce ids round-trip: the suffix is computed like Salesforce does."""
    assert _checksum("001D000000IqhSL") == "IAZ"  # documented example id 001D000000IqhSLIAZ
    assert _is_sf_id(salesforce_id(123456789))
    assert salesforce_id(1) != salesforce_id(2)


def test_salesforce_export_shape(dataset: DataSet) -> None:
    """Header, ids, timestamps and birthdates look like a Salesforce Contact export."""
    lines = (dataset.root / "crm/contacts.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(f'"{name}"' for name in SALESFORCE_HEADER.split(","))
    assert all(line.startswith('"003') and line.endswith('"') for line in lines[1:])
    assert list(dataset.salesforce[0]) == SALESFORCE_HEADER.split(",")
    ids = [r["Id"] for r in dataset.salesforce]
    assert ids and len(set(ids)) == len(ids)
    assert all(_is_sf_id(i) for i in ids)
    for row in dataset.salesforce:
        assert SF_TIME.match(row["CreatedDate"]) and SF_TIME.match(row["LastModifiedDate"])
        assert row["LastModifiedDate"] >= row["CreatedDate"]
        assert row["Birthdate"] == "" or re.match(r"^\d{4}-\d\d-\d\d$", row["Birthdate"])
        assert row["FirstName"] and row["LastName"]


def test_hubspot_export_shape(dataset: DataSet) -> None:
    """HubSpot's default column names, numeric unique record ids, its date format."""
    rows = dataset.hubspot
    assert rows and list(rows[0]) == [
        "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number", "Street Address",
        "City", "State/Region", "Postal Code", "Country/Region", "Create Date", "Last Modified Date",
    ]  # fmt: skip
    ids = [r["Record ID"] for r in rows]
    assert all(i.isdigit() for i in ids) and len(set(ids)) == len(ids)
    for row in rows:
        datetime.strptime(row["Create Date"], "%Y-%m-%d %H:%M")


def test_asterisk_cdr_shape(dataset: DataSet) -> None:
    """No header, 18 fields, every field quoted, Asterisk times, unique uniqueids, known dispositions."""
    lines = (dataset.root / "calls/Master.csv").read_text(encoding="utf-8").splitlines()
    assert lines and not lines[0].startswith('"accountcode"')
    assert all(re.fullmatch(r'"(?:[^"]|"")*"(?:,"(?:[^"]|"")*"){17}', line) for line in lines)
    assert len(dataset.calls) == len(lines)
    uniqueids = [c["uniqueid"] for c in dataset.calls]
    assert len(set(uniqueids)) == len(uniqueids)
    for call in dataset.calls:
        assert set(call) == set(CDR_FIELDS)
        assert re.fullmatch(r"\d{10}\.\d+", call["uniqueid"])
        datetime.strptime(call["start"], CDR_TIME)
        datetime.strptime(call["end"], CDR_TIME)
        assert call["disposition"] in {"ANSWERED", "NO ANSWER", "BUSY", "FAILED"}
        assert (call["answer"] != "") == (call["disposition"] == "ANSWERED")
        assert int(call["duration"]) >= int(call["billsec"]) >= 0
        assert CLID.match(call["clid"]), call["clid"]
        assert call["dcontext"] in {"from-pstn", "from-internal"}
    starts = [c["start"] for c in dataset.calls]
    assert starts == sorted(starts), "a small CDR is in time order like a real Master.csv"


def test_inbound_numbers_come_in_carrier_forms(dataset: DataSet) -> None:
    """Inbound src is 10 digits, 11 with a 1, or E.164, and every customer number is a valid fictional one."""
    inbound = [c for c in dataset.calls if c["dcontext"] == "from-pstn"]
    forms = {len(c["src"]) if c["src"].isdigit() else "e164" for c in inbound if re.fullmatch(r"\+?\d+", c["src"])}
    assert forms == {10, 11, "e164"}
    for call in inbound:
        number = phonenumbers.parse(call["src"], "US")
        assert phonenumbers.is_valid_number(number), call["src"]
        assert str(number.national_number)[3:7] == "5550"
        assert call["clid"].endswith(f"<{call['src']}>")


def test_outbound_and_internal_calls(dataset: DataSet) -> None:
    """Agents call out from extensions with dial prefixes; some calls never leave the building."""
    internal = [c for c in dataset.calls if c["dcontext"] == "from-internal"]
    outbound = [c for c in internal if len(c["dst"]) > 4]
    agent_only = [c for c in internal if len(c["dst"]) == 4]
    assert outbound and agent_only
    assert all(re.fullmatch(r"20\d\d", c["src"]) for c in internal)
    assert {c["dst"][:1] for c in outbound} & {"1", "9"}
    assert all(c["clid"].endswith(f"<{c['src']}>") for c in internal)


def test_every_crm_phone_is_valid(dataset: DataSet) -> None:
    """Every phone written in a CRM parses (with its extension) to a valid US number in the 555-01xx range."""
    values = [r[k] for r in dataset.salesforce for k in ("Phone", "MobilePhone")]
    values += [r[k] for r in dataset.hubspot for k in ("Phone Number", "Mobile Phone Number")]
    for value in filter(None, values):
        number = phonenumbers.parse(value, "US")
        assert phonenumbers.is_valid_number(number), value
        assert str(number.national_number)[3:].startswith("55501"), value


def test_mbox_parses_with_threads(dataset: DataSet) -> None:
    """mailbox.mbox reads every message; headers are complete; replies point at messages in the box."""
    mails = dataset.mails
    ids = [message_id(m) for m in mails]
    assert mails and len(set(ids)) == len(ids)
    known = set(ids)
    replies = 0
    for msg in mails:
        for header in ("From", "To", "Date", "Subject", "Message-ID"):
            assert msg[header], header
        assert msg["Date"].datetime.tzinfo is not None
        if msg["In-Reply-To"]:
            replies += 1
            assert str(msg["In-Reply-To"]).strip("<>") in known
            refs = str(msg["References"]).split()
            assert str(msg["In-Reply-To"]) in refs
    assert replies > len(mails) / 3
    assert any(m.get_content_type() == "multipart/alternative" for m in mails)


def test_mbox_from_lines(dataset: DataSet) -> None:
    """Each message starts with a proper `From sender asctime` separator."""
    text = (dataset.root / "mail/support.mbox").read_text(encoding="utf-8")
    separators = re.findall(r"^From \S+ \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$", text, re.MULTILINE)
    assert len(separators) == len(dataset.mails)


def test_esp_log_and_mapping(dataset: DataSet) -> None:
    """The send log has the named columns and events; the mapping names existing columns."""
    rows = dataset.sends
    assert list(rows[0]) == [
        "event_id",
        "campaign_id",
        "campaign_name",
        "email",
        "first_name",
        "sent_at",
        "from_address",
        "subject",
        "event",
    ]
    assert {r["event"] for r in rows} <= {"sent", "open", "click", "bounce", "unsubscribe"}
    assert {"sent", "open", "click"} <= {r["event"] for r in rows}
    mapping = tomllib.loads((dataset.root / "mappings/esp.toml").read_text(encoding="utf-8"))
    assert mapping["id"] == "event_id"
    assert set(mapping["fields"]) == set(ESP_FIELDS)
    assert set(mapping["fields"].values()) <= set(rows[0])
    assert len({r["event_id"] for r in rows}) == len(rows)


def test_x_pages_are_api_v2_shaped(dataset: DataSet) -> None:
    """Each line is a page: tweets, their authors in includes.users, meta with counts and next_token links."""
    pages = dataset.pages
    assert pages
    for i, page in enumerate(pages):
        assert set(page) == {"data", "includes", "meta"}
        assert page["meta"]["result_count"] == len(page["data"])
        assert ("next_token" in page["meta"]) == (i < len(pages) - 1)
        authors = {u["id"] for u in page["includes"]["users"]}
        for tweet in page["data"]:
            assert tweet["author_id"] in authors
            datetime.fromisoformat(tweet["created_at"])
            mention = tweet["entities"]["mentions"][0]
            assert tweet["text"][mention["start"] : mention["end"]] == "@" + mention["username"]
        for user in page["includes"]["users"]:
            assert {"id", "username", "name", "description", "location", "url", "created_at"} <= set(user)


def test_manifest_and_settings(dataset: DataSet) -> None:
    """The manifest lists every channel in load order with existing paths; idgraph.toml is valid settings."""
    loads = dataset.manifest["load"]
    assert [(step["format"], step["source"]) for step in loads] == [
        ("salesforce", "crm"), ("hubspot", "hubspot"), ("asterisk", "calls"), ("mbox", "support_mail"),
        ("esp-csv", "marketing"), ("x-api-v2", "x"),
    ]  # fmt: skip
    for step in loads:
        assert all((dataset.root / p).is_file() for p in step["paths"])
        if "mapping" in step:
            assert (dataset.root / step["mapping"]).is_file()
    settings = load_settings(dataset.root / "idgraph.toml")
    assert settings.own_side.contexts == ["from-internal"]
    assert "acme-support.example" in settings.own_side.email_domains
    assert settings.matching.default_region == "US"
    dids = {c["dst"] for c in dataset.calls if c["dcontext"] == "from-pstn"}
    assert {f"+1{d}" for d in dids} <= set(settings.own_side.phone_numbers)
    readme = (dataset.root / "README.txt").read_text(encoding="utf-8")
    assert all(name in readme for name in ("crm/contacts.csv", "calls/Master.csv", "truth.csv"))
