"""Every change is audited, resolve and load runs included; the log shows token names and can be filtered and paged;
revoking one's own token asks first; a pair with an identical email never reads 'no evidence'."""

# ruff: noqa: F811 - the service tests' fixtures are imported by name and then taken as arguments

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from identity_graph.cli.main import app
from identity_graph.model import Verdict
from identity_graph.service import audit
from identity_graph.service.auth import Role, create_token
from identity_graph.store import SQLiteStore, open_store
from tests.service.conftest import bearer, client, world, world_store, wstore  # noqa: F401 - fixtures
from tests.service.test_web_pages import sign_in
from tests.service.world import World

CRM = """Id,FirstName,LastName,Email,Phone,MobilePhone,MailingStreet,MailingCity,MailingState,MailingPostalCode,MailingCountry,Birthdate,CreatedDate,LastModifiedDate
003A,Tessa,Defren,tessa.defren@example.com,(415) 555-0134,,,,,,,,2024-01-02T10:00:00.000+0000,2024-01-02T10:00:00.000+0000
003B,Tessa,Defren,tessa.defren@example.com,,,,,,,,,2024-01-02T10:00:00.000+0000,2024-01-02T10:00:00.000+0000
"""  # noqa: E501


def test_resolve_and_ingest_runs_are_audited_with_counts_and_the_run_id(tmp_path: Path) -> None:
    db, crm = tmp_path / "a.db", tmp_path / "contacts.csv"
    crm.write_text(CRM, encoding="utf-8")
    runner = CliRunner()
    for args in (["ingest", "--format", "salesforce", "--source", "crm", str(crm)], ["resolve"]):
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 0, (args, result.output)
    store = open_store(db)
    runs = store.ingest_runs()
    entries = {e.action: e for e in store.audit_entries(100, None, None)}
    store.close()
    assert entries["ingest"].detail.startswith(f"run={runs[0].id} loaded=2")
    resolved = entries["resolve"]
    assert resolved.actor.startswith("cli") and "mode=full records=2" in resolved.detail
    assert "tessa" not in resolved.detail.lower()


def test_the_audit_api_names_tokens_and_filters_and_pages(
    client: TestClient, world: World, wstore: SQLiteStore
) -> None:
    admin = bearer(world.tokens["admin"])
    steward = bearer(world.tokens["steward"])
    left, right = world.carol_records
    client.get(f"/api/v1/review/{left}/{right}", headers=steward)
    client.post(
        "/api/v1/review/decisions", json={"left": left, "right": right, "verdict": "different"}, headers=steward
    )
    steward_token = next(t for t in wstore.list_tokens() if t.name == "steward-user")
    mine = client.get("/api/v1/audit", params={"actor": "steward-user"}, headers=admin).json()
    assert mine and {e["actor"] for e in mine} == {f"token:{steward_token.id}"}
    assert {e["actor_name"] for e in mine} == {f"steward-user (token {steward_token.id})"}
    decisions = client.get("/api/v1/audit", params={"action": "decision"}, headers=admin).json()
    assert [e["action"] for e in decisions] == ["decision"] and "action=" in decisions[0]["detail"]
    assert client.get("/api/v1/audit", params={"since": "2999-01-01"}, headers=admin).json() == []
    for n in range(3):
        audit.record(wstore, "cli:alice", "resolve", "", f"mode=full records={n}")
    today = client.get("/api/v1/audit", params={"until": "2999-01-01"}, headers=admin).json()
    first = client.get("/api/v1/audit", params={"limit": 2}, headers=admin).json()
    older = client.get("/api/v1/audit", params={"limit": 2, "before_id": first[-1]["id"]}, headers=admin).json()
    assert len(first) == 2 and older and older[0]["id"] < first[-1]["id"] and len(today) >= len(first) + len(older)
    bad = client.get("/api/v1/audit", params={"since": "yesterday"}, headers=admin)
    assert bad.status_code == 422 and "not a date" in bad.text


def test_the_admin_page_shows_names_filters_and_asks_before_revoking_ones_own_token(
    client: TestClient,
    world: World,
    wstore: SQLiteStore,
) -> None:
    audit.record(wstore, "cli:alice", "resolve", "", "mode=full records=8")
    csrf = sign_in(client, world.tokens["admin"])
    page = client.get("/admin").text
    assert "alice at the command line" in page and "admin-user (token" in page
    assert ">token:" not in page  # the stored id is only a tooltip
    only = client.get("/admin", params={"action": "resolve"}).text
    assert "alice at the command line" in only and "token.create" not in only
    me = next(t for t in wstore.list_tokens() if t.name == "admin-user")
    asked = client.post(f"/admin/tokens/{me.id}/revoke", data={"csrf": csrf})
    assert asked.status_code == 200 and "Revoke the token you are signed in with?" in asked.text
    assert wstore.get_token(me.id) is not None and wstore.get_token(me.id).revoked_at is None  # type: ignore[union-attr]
    create_token(wstore, Role.AGENT, "temp")
    other_id = next(t.id for t in wstore.list_tokens() if t.name == "temp")
    gone = client.post(f"/admin/tokens/{other_id}/revoke", data={"csrf": csrf})
    assert gone.status_code == 303 and wstore.get_token(other_id).revoked_at is not None  # type: ignore[union-attr]
    done = client.post(f"/admin/tokens/{me.id}/revoke", data={"csrf": csrf, "confirm": "yes"})
    assert done.status_code == 303 and wstore.get_token(me.id).revoked_at is not None  # type: ignore[union-attr]


def test_a_pair_with_an_identical_email_shows_evidence_even_when_no_link_was_stored(
    client: TestClient,
    world: World,
    wstore: SQLiteStore,
) -> None:
    crm, mail = world.ana_records[0], world.ana_records[2]
    other = world.carol_records[0]
    steward = bearer(world.tokens["steward"])
    pair = client.get(f"/api/v1/review/{other}/{mail}", headers=steward).json()
    assert pair["evidence"]["computed"] is True
    owners = wstore.assignments([other, mail])
    assert {p["person_id"] for p in pair["persons"]} == {owners[other], owners[mail]}
    wstore.replace_edges([e for e in wstore.edges() if {e.left, e.right} != {crm, mail}])
    same_email = client.get(f"/api/v1/review/{crm}/{mail}", headers=steward).json()
    details = " ".join(e["detail"] for e in same_email["evidence"]["evidence"])
    assert "ana.lima@example.com" in details
    csrf = sign_in(client, world.tokens["steward"])
    page = client.get(f"/review/{crm}/{mail}").text
    assert "stored no evidence" not in page and "ana.lima@example.com" in page and csrf
    assert "If <em>different people</em>" in page
    assert {v.value for v in Verdict} >= set(same_email["previews"])
