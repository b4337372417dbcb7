"""National ids, passports, licences, tax ids and account numbers: whole for an admin, masked (the last four)
for agents, the social team and stewards over HTTP and in the web UI and the terminal; erased with the person."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import identity_graph.cli.main  # noqa: F401  (registers every command)
from identity_graph.cli.app import app as cli_app
from identity_graph.erasure import erase_person
from identity_graph.model import IdentifierClaim, IdentifierKind, Record, RecordKind
from identity_graph.persons import apply_clustering
from identity_graph.prepare import prepare_record
from identity_graph.service import create_app
from identity_graph.service.auth import Role, create_token
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from tests.service.conftest import bearer
from tests.service.test_web_pages import sign_in

K = IdentifierKind
CLAIMS = (
    (K.NATIONAL_ID, "ssn:123-45-6789", "SSN__c"),
    (K.PASSPORT, "US:X7654321", "Passport__c"),
    (K.DRIVERS_LICENCE, "CA:D1112223", "Drivers_License__c"),
    (K.TAX_ID, "ein:98-7654320", "Tax_ID__c"),
    (K.ACCOUNT, "bank:00778899", "AccountNumber"),
    (K.CARD_LAST4, "4242", "Card_Last4__c"),
)
#: Whole values (as stored and as written) no one but an admin may see.
WHOLE = ("123456789", "123-45-6789", "X7654321", "D1112223", "987654320", "98-7654320", "00778899")
MASKED = ("ssn:•••-••-6789", "US:••••4321", "CA:••••2223", "ein:•••••4320", "bank:••••8899")


def _contact(source_id: str, first: str, claims: tuple[tuple[K, str, str], ...]) -> Record:
    """A CRM contact declaring these identifiers."""
    return Record(
        source="crm",
        source_id=source_id,
        kind=RecordKind.CONTACT,
        first_name=first,
        last_name="Lopez",
        identifiers=tuple(IdentifierClaim(kind=k, raw=raw, field=f) for k, raw, f in claims),
        attributes={"Old_SSN__c": "123-45-6789"},  # a column no mapping read
    )


@pytest.fixture
def bank(tmp_path: Path) -> Iterator[tuple[SQLiteStore, int, dict[str, str]]]:
    """A store with Maria (every kind) and her call-center twin record in one person, and a token per role."""
    store = open_store(tmp_path / "bank.db")
    records = [_contact("a", "Maria", CLAIMS), _contact("b", "Maria", CLAIMS[:2])]
    store.upsert_batch([prepare_record(r, "US") for r in records])
    ids = [r.id for r in (store.find_record("crm", "a"), store.find_record("crm", "b")) if r is not None]
    apply_clustering(store, [ids], "test")
    person = store.assignments()[ids[0]]
    tokens = {role.value: create_token(store, role, f"{role.value}-user")[0] for role in Role}
    yield store, person, tokens
    store.close()


@pytest.fixture
def client(bank: tuple[SQLiteStore, int, dict[str, str]], tmp_path: Path) -> Iterator[TestClient]:
    """An HTTP client against the app over the bank's store."""
    with TestClient(create_app(Settings(db=tmp_path / "bank.db"), store=bank[0]), follow_redirects=False) as c:
        yield c


def _none_whole(text: str) -> None:
    """No whole value anywhere in the text."""
    assert [w for w in WHOLE if w in text] == []


@pytest.mark.parametrize("role", ["agent", "steward"])
def test_the_api_profile_is_masked_for_every_role_but_admin(
    client: TestClient, bank: tuple[SQLiteStore, int, dict[str, str]], role: str
) -> None:
    _, person, tokens = bank
    response = client.get(f"/api/v1/persons/{person}", headers=bearer(tokens[role]))
    assert response.status_code == 200
    _none_whole(response.text)
    values = {v["value"] for v in response.json()["identifiers"]}
    assert set(MASKED) <= values and "4242" in values  # a card's last four are shown as they are


def test_the_social_team_sees_none_of_them(client: TestClient, bank: tuple[SQLiteStore, int, dict[str, str]]) -> None:
    _, person, tokens = bank
    response = client.get(f"/api/v1/persons/{person}", headers=bearer(tokens["social"]))
    assert response.status_code == 200
    _none_whole(response.text)
    assert [m for m in MASKED if m in response.text] == [] and response.json()["identifiers"] == []


def test_an_admin_sees_them_whole(client: TestClient, bank: tuple[SQLiteStore, int, dict[str, str]]) -> None:
    _, person, tokens = bank
    body = client.get(f"/api/v1/persons/{person}", headers=bearer(tokens["admin"])).json()
    values = {v["value"] for v in body["identifiers"]}
    assert {"ssn:123456789", "US:X7654321", "CA:D1112223", "ein:987654320", "bank:00778899"} <= values
    assert body["records"][0]["attributes"] == {"Old_SSN__c": "123-45-6789"}


def test_the_steward_graph_is_masked(client: TestClient, bank: tuple[SQLiteStore, int, dict[str, str]]) -> None:
    _, person, tokens = bank
    response = client.get(f"/api/v1/persons/{person}/graph", headers=bearer(tokens["steward"]))
    assert response.status_code == 200
    _none_whole(response.text)
    assert "national_id: ssn:•••-••-6789" in {n["label"] for n in response.json()["nodes"]}


def test_the_web_profile_page_is_masked_for_an_agent(
    client: TestClient, bank: tuple[SQLiteStore, int, dict[str, str]]
) -> None:
    _, person, tokens = bank
    sign_in(client, tokens["agent"])
    page = client.get(f"/persons/{person}")
    assert page.status_code == 200
    _none_whole(page.text)
    assert "•••-••-6789" in page.text


def test_the_terminal_profile_is_masked_unless_asked(
    bank: tuple[SQLiteStore, int, dict[str, str]], tmp_path: Path
) -> None:
    _, person, _ = bank
    db = str(tmp_path / "bank.db")
    masked = CliRunner().invoke(cli_app, ["--db", db, "profile", "--person", str(person)], terminal_width=200)
    assert masked.exit_code == 0, masked.output
    _none_whole(masked.output)
    whole = CliRunner().invoke(cli_app, ["--db", db, "profile", "--person", str(person), "--unmasked"],
                               terminal_width=200)  # fmt: skip
    assert "ssn:123456789" in whole.output


def test_erasure_removes_them(bank: tuple[SQLiteStore, int, dict[str, str]], tmp_path: Path) -> None:
    store, person, _ = bank
    result = erase_person(store, person, Settings(db=store.path))
    assert result.counts.records == 2
    rows = store.query("SELECT kind, value FROM identifiers")
    assert [r for r in rows if r["kind"] in {k.value for k, _, _ in CLAIMS}] == []
    store.compact(vacuum=True)
    path = store.path
    blob = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    assert [w for w in WHOLE if w.encode() in blob] == []
