"""The one input policy (identity_graph.limits) at every entry point: ids and pages out of range are 422, never an
overflow; text that is no text is refused; long text is cut with a counted note; birth dates out of range are
left out with a note, as file loading does; the caller is known before the body is judged (issue #17, 2 and 6)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from identity_graph.cli.main import app as cli
from identity_graph.ingest import IngestResult, ingest_items
from identity_graph.limits import INTERACTION_TEXT_LIMITS, MAX_ID, RECORD_TEXT_LIMITS
from identity_graph.model import Channel, Interaction, Participation, Record, RecordKind, RecordRef, Role
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from tests.service.conftest import bearer
from tests.service.test_web_pages import sign_in
from tests.service.world import World

BIG = MAX_ID + 1  # 2^63: one past the largest id SQLite can hold
TEN_MB = 10 * 1024 * 1024


def _api_cases(world: World) -> list[tuple[str, str, dict[str, object] | None, dict[str, object] | None]]:
    """(method, path, query, json) of every listed API route, each with one integer of 2^63."""
    p = world.ana
    return [
        ("GET", f"/api/v1/persons/{BIG}", None, None),
        ("GET", f"/api/v1/persons/{p}", {"page": BIG}, None),
        ("GET", f"/api/v1/persons/{p}/timeline", {"page": BIG}, None),
        ("GET", f"/api/v1/persons/{BIG}/timeline", None, None),
        ("GET", f"/api/v1/persons/{p}/records/{BIG}/why", None, None),
        ("GET", f"/api/v1/persons/{BIG}/graph", None, None),
        ("DELETE", f"/api/v1/persons/{BIG}", None, None),
        ("GET", f"/api/v1/review/{BIG}/1", None, None),
        ("POST", "/api/v1/review/decisions", None, {"left": 1, "right": BIG, "verdict": "same"}),
        ("POST", f"/api/v1/review/decisions/{BIG}/undo", None, None),
        ("POST", f"/api/v1/persons/{BIG}/split", None, {"groups": [[1]]}),
        ("POST", f"/api/v1/persons/{p}/split", None, {"groups": [[BIG]]}),
        ("POST", f"/api/v1/records/{BIG}/unmerge", None, {}),
        ("GET", "/api/v1/audit", {"before_id": BIG}, None),
        ("DELETE", f"/api/v1/tokens/{BIG}", None, None),
    ]


def test_integers_of_2_63_are_422_on_every_api_route(client: TestClient, world: World) -> None:
    admin = bearer(world.tokens["admin"])
    for method, path, query, body in _api_cases(world):
        r = client.request(method, path, params=query, json=body, headers=admin)
        assert r.status_code == 422, (method, path, query, body, r.status_code, r.text)
        assert "detail" in r.json()


@pytest.mark.parametrize("since", ["9999999w", "99999999999999999999999", "#9223372036854775808", "0001-01-01"])
def test_a_change_feed_start_out_of_range_is_422(client: TestClient, world: World, since: str) -> None:
    r = client.get("/api/v1/changes", params={"since": since}, headers=bearer(world.tokens["steward"]))
    assert r.status_code == 422, r.text
    assert isinstance(r.json()["detail"], str)


def test_web_pages_answer_ids_of_2_63_with_a_422_page(client: TestClient, world: World) -> None:
    assert client.get(f"/persons/{BIG}").status_code == 303  # not signed in: to the sign-in page first
    csrf = sign_in(client, world.tokens["admin"])
    pages = [
        ("GET", f"/persons/{BIG}"),
        ("GET", f"/persons/{world.ana}?page={BIG}"),
        ("GET", f"/persons/{world.ana}/why/{BIG}"),
        ("GET", f"/persons/{BIG}/graph"),
        ("GET", f"/review/{BIG}/1"),
        ("GET", f"/review?undo={BIG}"),
        ("POST", f"/review/{BIG}/1/decide"),
        ("POST", f"/review/undo/{BIG}"),
        ("POST", f"/admin/tokens/{BIG}/revoke"),
        ("POST", f"/persons/{BIG}/split"),
    ]
    for method, path in pages:
        data = {"csrf": csrf, "verdict": "same", "records": "1"} if method == "POST" else None
        r = client.request(method, path, data=data)
        assert r.status_code == 422 and "text/html" in r.headers["content-type"], (method, path, r.status_code)
    split = client.post(f"/persons/{world.ana}/split", data={"csrf": csrf, "records": str(BIG)})
    assert split.status_code == 422  # an out-of-range record in the form is no record: nothing selected


@pytest.mark.parametrize("bad", ["\ud800", "a\x00b"])
def test_a_lone_surrogate_or_a_nul_byte_in_posted_json_is_422(client: TestClient, world: World, bad: str) -> None:
    admin = bearer(world.tokens["admin"])
    record = {"source": "web", "source_id": "s-1", "kind": "contact", "first_name": bad}
    raw = json.dumps({"records": [record]})  # ensure_ascii: "\\ud800" on the wire, as a client would send it
    r = client.post("/api/v1/ingest/records", content=raw, headers={**admin, "Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert "surrogate" in r.text or "NUL" in r.text
    reason = json.dumps({"left": 7, "right": 8, "verdict": "same", "reason": bad})
    decided = client.post("/api/v1/review/decisions", content=reason, headers=admin)
    assert decided.status_code == 422


def test_ten_megabytes_of_first_name_and_subject_are_cut_with_a_note(client: TestClient, world: World) -> None:
    admin = bearer(world.tokens["admin"])
    rec = {"source": "web", "source_id": "big-1", "kind": "contact", "first_name": "A" * TEN_MB, "last_name": "Long"}
    r = client.post("/api/v1/ingest/records", json={"records": [rec]}, headers=admin)
    assert r.status_code == 200, r.text[:300]
    out = r.json()[0]
    limit = RECORD_TEXT_LIMITS["first_name"]
    assert out["notes"] == {f"first_name longer than {limit:,} characters cut to {limit:,}": 1}
    act = {
        "source": "web", "source_id": "mail-big", "channel": "email", "occurred_at": "2026-02-01T10:00:00Z",
        "subject": "S" * TEN_MB,
        "participants": [{"record": {"source": "web", "source_id": "big-1"}, "role": "sender"}],
    }  # fmt: skip
    done = client.post("/api/v1/ingest/interactions", json={"interactions": [act]}, headers=admin)
    assert done.status_code == 200 and done.json()[0]["notes"], done.text[:300]
    profile = client.get(f"/api/v1/persons/{out['person_id']}", headers=admin)
    assert len(profile.content) < 50_000
    item = profile.json()["timeline"][0]
    assert len(item["subject"]) == INTERACTION_TEXT_LIMITS["subject"]
    assert profile.json()["records"][0]["first_name"] == "A" * limit


@pytest.mark.parametrize("dob", ["0001-01-01", "9999-12-31", "1879-12-31"])
def test_a_birth_date_files_would_refuse_is_left_out_with_a_note(client: TestClient, world: World, dob: str) -> None:
    admin = bearer(world.tokens["admin"])
    rec = {"source": "web", "source_id": f"dob-{dob}", "kind": "contact", "first_name": "Old", "dob": dob}
    r = client.post("/api/v1/ingest/records", json={"records": [rec]}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()[0]["notes"] == {"date of birth before 1880 or in the future left out": 1}
    profile = client.get(f"/api/v1/persons/{r.json()[0]['person_id']}", headers=admin).json()
    assert profile["records"][0]["dob"] is None and profile["dobs"] == []


def test_an_interaction_dated_year_one_or_naming_an_unloaded_record_is_422(client: TestClient, world: World) -> None:
    admin = bearer(world.tokens["admin"])
    act = {"source": "web", "source_id": "old", "channel": "call", "occurred_at": "0001-01-01T00:00:00+05:00"}
    assert client.post("/api/v1/ingest/interactions", json={"interactions": [act]}, headers=admin).status_code == 422
    act = {
        "source": "web", "source_id": "orphan", "channel": "call", "occurred_at": "2026-01-01T00:00:00Z",
        "participants": [{"record": {"source": "nowhere", "source_id": "x"}, "role": "caller"}],
    }  # fmt: skip
    assert client.post("/api/v1/ingest/interactions", json={"interactions": [act]}, headers=admin).status_code == 422


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\x00", b'{"records": [}'])
def test_the_caller_is_known_before_the_body_is_judged(client: TestClient, world: World, body: bytes) -> None:
    json_type = {"Content-Type": "application/json"}
    for headers in ({}, {"Authorization": "Bearer idg_nobody"}):
        r = client.post("/api/v1/ingest/records", content=body, headers={**json_type, **headers})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer", r.text
    agent = client.post("/api/v1/ingest/records", content=body, headers={**json_type, **bearer(world.tokens["agent"])})
    assert agent.status_code == 403
    admin = client.post("/api/v1/ingest/records", content=body, headers={**json_type, **bearer(world.tokens["admin"])})
    assert admin.status_code == 422 and isinstance(admin.json()["detail"], list)


#: Create-or-replace routes: a missing id is created, never a 404.
UPSERTS = {("put", "/api/v1/campaigns/{campaign_id}")}


def test_the_spec_declares_every_error_and_channel_is_an_enum(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            assert {"401", "403", "422"} <= set(op["responses"]), (method, path)
            if "{" in path and (method, path) not in UPSERTS:
                assert "404" in op["responses"], (method, path)
    for path in ("/api/v1/lookup", "/api/v1/whois", "/api/v1/persons/{person_id}"):  # reads under the read limit
        assert "Retry-After" in spec["paths"][path]["get"]["responses"]["429"]["headers"]
    params = spec["paths"]["/api/v1/persons/{person_id}"]["get"]["parameters"]
    channel = next(p for p in params if p["name"] == "channel")
    assert spec["components"]["schemas"]["Channel"]["enum"] == [c.value for c in Channel]
    assert channel["schema"]["items"]["$ref"].endswith("/Channel")
    person_id = next(p for p in params if p["name"] == "person_id")
    assert person_id["schema"]["maximum"] == MAX_ID


def test_an_input_error_body_matches_its_declared_schema(client: TestClient, world: World) -> None:
    bad = client.get(f"/api/v1/persons/{world.ana}", params={"since": "soon"}, headers=bearer(world.tokens["agent"]))
    assert bad.status_code == 422 and isinstance(bad.json()["detail"], str)
    same = {"left": 7, "right": 7, "verdict": "same"}  # a request's bad option: 422 as declared, not 400
    r = client.post("/api/v1/review/decisions", json=same, headers=bearer(world.tokens["steward"]))
    assert r.status_code == 422, r.text


def test_files_take_the_same_policy_with_counted_notes(wstore: SQLiteStore, tmp_path: Path) -> None:
    when = datetime(2026, 3, 1, tzinfo=UTC)
    items = [
        Record(source="x", source_id="u1", kind=RecordKind.SOCIAL_ACCOUNT, full_name="N" * TEN_MB,
               dob=date(1, 1, 1), attributes={"bio": "b" * 100_000}),
        Interaction(source="mail", source_id="big", channel=Channel.EMAIL, occurred_at=when, subject="s" * TEN_MB,
                    participants=(Participation(record=RecordRef(source="x", source_id="u1"), role=Role.SENDER),)),
    ]  # fmt: skip
    result = IngestResult(source="x", format="test", paths=[])
    ingest_items(items, wstore, Settings(db=tmp_path / "w.db"), result)
    assert result.notices == {
        "full_name longer than 500 characters cut to 500": 1,
        "date of birth before 1880 or in the future left out": 1,
        "attribute bio longer than 4,000 characters cut to 4,000": 1,
        "subject longer than 2,000 characters cut to 2,000": 1,
    }
    stored = wstore.find_record("x", "u1")
    assert stored is not None and stored.full_name == "N" * 500 and stored.dob is None
    assert len(stored.attributes["bio"]) == 4000


@pytest.mark.parametrize(
    "args",
    [
        ["profile", "--person", str(BIG)],
        ["erase", "--person", str(BIG)],
        ["token", "revoke", str(BIG)],
        ["split", str(BIG), "--group", "1"],
        ["unmerge", str(BIG)],
        ["changes", "--since", "9999999w"],
    ],
)
def test_the_cli_refuses_ids_of_2_63_without_a_traceback(wstore: SQLiteStore, tmp_path: Path, args: list[str]) -> None:
    db = str(tmp_path / "world.db")
    result = CliRunner().invoke(cli, ["--db", db, *args])
    assert result.exit_code in (1, 2), result.output
    assert not isinstance(result.exception, OverflowError | ValueError), result.exception
