"""The `/api/v1` endpoints over real HTTP (TestClient) against a real SQLite store."""

from __future__ import annotations

from fastapi.testclient import TestClient

from identity_graph.store import SQLiteStore
from tests.service.conftest import bearer
from tests.service.world import ANA_PII, NASTY_LAST, NASTY_NAME, NASTY_SUBJECT, World


def test_openapi_is_served(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "identity-graph"
    assert "/api/v1/lookup" in spec["paths"]


def test_lookup_by_phone_typed_with_spaces_finds_ana_first(client: TestClient, world: World) -> None:
    r = client.get("/api/v1/lookup", params={"q": "415 555 0134"}, headers=bearer(world.tokens["agent"]))
    assert r.status_code == 200
    body = r.json()
    assert body["kind"] == "phone"
    assert body["hits"][0]["person_id"] == world.ana
    assert body["hits"][0]["name"] == "Ana Lima"


def test_lookup_by_email_and_by_source_id(client: TestClient, world: World) -> None:
    agent = bearer(world.tokens["agent"])
    by_mail = client.get("/api/v1/lookup", params={"q": "Ana.Lima@Example.com"}, headers=agent).json()
    assert [h["person_id"] for h in by_mail["hits"]] == [world.ana]
    by_id = client.get("/api/v1/lookup", params={"q": "crm:c-2"}, headers=agent).json()
    assert [h["person_id"] for h in by_id["hits"]] == [world.bob]


def test_profile_has_golden_fields_with_provenance_and_a_cross_channel_timeline(
    client: TestClient, world: World
) -> None:
    r = client.get(f"/api/v1/persons/{world.ana}", headers=bearer(world.tokens["agent"]))
    assert r.status_code == 200
    p = r.json()
    assert p["name"]["value"] == "Ana Lima" and p["name"]["rule"]
    assert {s["source"] for s in p["name"]["sources"]} >= {"crm", "mail"}
    assert {i["value"] for i in p["identifiers"]} >= {"+14155550134", "x:analima"}
    assert {t["channel"] for t in p["timeline"]} == {"call", "email", "social", "campaign"}
    assert all(t["why"] for t in p["timeline"])
    times = [t["occurred_at"] for t in p["timeline"]]
    assert times == sorted(times, reverse=True)


def test_timeline_filters_and_pages(client: TestClient, world: World) -> None:
    agent = bearer(world.tokens["agent"])
    url = f"/api/v1/persons/{world.ana}/timeline"
    calls = client.get(url, params={"channel": ["call", "social"]}, headers=agent).json()
    assert {t["channel"] for t in calls["items"]} == {"call", "social"} and calls["total"] == 2
    window = client.get(url, params={"since": "2026-01-02", "until": "2026-01-03"}, headers=agent).json()
    assert [t["channel"] for t in window["items"]] == ["social", "email"]
    first = client.get(url, params={"limit": 2, "page": 1}, headers=agent).json()
    second = client.get(url, params={"limit": 2, "page": 2}, headers=agent).json()
    assert first["total"] == 5 and len(first["items"]) == 2 and len(second["items"]) == 2
    assert not {t["interaction_id"] for t in first["items"]} & {t["interaction_id"] for t in second["items"]}
    bad = client.get(url, params={"channel": "fax"}, headers=agent)
    assert bad.status_code == 422 and "'crm', 'call', 'email', 'social' or 'campaign'" in str(bad.json()["detail"])


def test_why_linked_on_demand_shows_the_stored_evidence(client: TestClient, world: World) -> None:
    r = client.get(
        f"/api/v1/persons/{world.ana}/records/{world.ana_records[1]}/why", headers=bearer(world.tokens["agent"])
    )
    assert r.status_code == 200
    body = r.json()
    assert body["why"] == "Same phone number as the CRM record."  # the agent's sentence; the detail on the edges
    assert body["edges"][0]["explanation"] == "phone +14155550134 matches"
    assert body["edges"][0]["evidence"][0]["comparison"] == "phone"
    other = client.get(
        f"/api/v1/persons/{world.bob}/records/{world.ana_records[1]}/why", headers=bearer(world.tokens["agent"])
    )
    assert other.status_code == 404


def test_whois_resolves_a_handle_and_a_profile_url(client: TestClient, world: World) -> None:
    social = bearer(world.tokens["social"])
    for handle in ("@analima", "https://x.com/analima"):
        body = client.get("/api/v1/whois", params={"handle": handle}, headers=social).json()
        assert body["candidates"][0]["person_id"] == world.ana
        assert body["candidates"][0]["confidence"] > 0.5 and body["candidates"][0]["evidence"]
    unknown = client.get("/api/v1/whois", params={"handle": "@nobody_here"}, headers=social).json()
    assert unknown["status"] == "unknown" and unknown["found"]


def test_every_read_and_change_is_audited_without_pii(client: TestClient, world: World, wstore: SQLiteStore) -> None:
    agent, admin = bearer(world.tokens["agent"]), bearer(world.tokens["admin"])
    client.get("/api/v1/lookup", params={"q": "415 555 0134"}, headers=agent)
    client.get(f"/api/v1/persons/{world.ana}", headers=agent)
    client.post("/api/v1/tokens", json={"role": "social", "name": "desk"}, headers=admin)
    log = client.get("/api/v1/audit", headers=admin).json()
    actions = [e["action"] for e in log]
    assert actions[:3] == ["token.create", "profile.read", "lookup"]
    read = next(e for e in log if e["action"] == "profile.read")
    assert read["target"] == f"person:{world.ana}" and read["actor"].startswith("token:") and read["at"]
    text = " ".join(f"{e['actor']} {e['target']} {e['detail']}" for e in log).lower()
    assert not [p for p in ANA_PII if p.lower() in text]
    assert "415" not in text


def test_tokens_are_shown_once_and_stored_hashed(client: TestClient, world: World, wstore: SQLiteStore) -> None:
    admin = bearer(world.tokens["admin"])
    made = client.post("/api/v1/tokens", json={"role": "steward", "name": "sam"}, headers=admin)
    assert made.status_code == 201
    secret = made.json()["token"]
    listed = client.get("/api/v1/tokens", headers=admin).json()
    assert all("token" not in t for t in listed)
    stored = [r[0] for r in wstore.query("SELECT token_hash FROM api_tokens")]
    assert secret not in stored and len(stored) == len(world.tokens) + 1  # one a role, and sam's


def test_hostile_text_is_stored_verbatim_and_returned_as_data(client: TestClient, world: World) -> None:
    p = client.get(f"/api/v1/persons/{world.nasty}", headers=bearer(world.tokens["agent"])).json()
    assert p["records"][0]["first_name"] == NASTY_NAME
    assert p["records"][0]["last_name"] == NASTY_LAST
    assert p["timeline"][0]["subject"] == NASTY_SUBJECT
    hits = client.get("/api/v1/lookup", params={"q": "Robert'); DROP"}, headers=bearer(world.tokens["agent"]))
    assert hits.status_code == 200


def test_ingest_a_record_and_an_interaction_in_real_time(client: TestClient, world: World) -> None:
    admin = bearer(world.tokens["admin"])
    rec = {
        "source": "web", "source_id": "w-1", "kind": "contact", "first_name": "Dora", "last_name": "Ng",
        "identifiers": [{"kind": "email", "raw": "dora@example.com", "field": "email"}],
    }  # fmt: skip
    r = client.post("/api/v1/ingest/records", json={"records": [rec]}, headers=admin)
    assert r.status_code == 200, r.text
    outcome = r.json()[0]
    assert outcome["person_id"] is not None and outcome["record_id"] > 0
    act = {
        "source": "web", "source_id": "chat-1", "channel": "social", "occurred_at": "2026-02-01T10:00:00Z",
        "participants": [{"record": {"source": "web", "source_id": "w-1"}, "role": "author"}],
    }  # fmt: skip
    done = client.post("/api/v1/ingest/interactions", json={"interactions": [act]}, headers=admin).json()
    assert done[0]["loaded"] is True
    found = client.get("/api/v1/lookup", params={"q": "dora@example.com"}, headers=admin).json()
    assert found["hits"][0]["person_id"] == outcome["person_id"]
    profile = client.get(f"/api/v1/persons/{outcome['person_id']}", headers=admin).json()
    assert [r["source_id"] for r in profile["records"]] == ["w-1"]
    assert [t["source_id"] for t in profile["timeline"]] == ["chat-1"]
    invalid = client.post("/api/v1/ingest/records", json={"records": [{"source": "web"}]}, headers=admin)
    assert invalid.status_code == 422


def test_review_queue_decision_takes_effect_and_can_be_undone(client: TestClient, world: World) -> None:
    steward = bearer(world.tokens["steward"])
    queue = client.get("/api/v1/review", headers=steward).json()
    pair = (queue[0]["left"], queue[0]["right"])
    assert pair == tuple(sorted(world.carol_records))
    view = client.get(f"/api/v1/review/{pair[0]}/{pair[1]}", headers=steward).json()
    assert {f["field"] for f in view["fields"]} >= {"city", "phone"}
    decided = client.post(
        "/api/v1/review/decisions", json={"left": pair[0], "right": pair[1], "verdict": "different"}, headers=steward
    )
    assert decided.status_code == 201
    assert client.get("/api/v1/review", headers=steward).json() == []
    undone = client.post(f"/api/v1/review/decisions/{decided.json()['id']}/undo", headers=steward)
    assert undone.status_code == 200 and undone.json()["superseded_at"]
    assert len(client.get("/api/v1/review", headers=steward).json()) == 1
    again = client.post(f"/api/v1/review/decisions/{decided.json()['id']}/undo", headers=steward)
    assert again.status_code == 409


def test_split_and_graph_and_change_feed(client: TestClient, world: World) -> None:
    steward = bearer(world.tokens["steward"])
    graph = client.get(f"/api/v1/persons/{world.ana}/graph", headers=steward).json()
    kinds = {n["kind"] for n in graph["nodes"]}
    assert kinds == {"record", "identifier"}
    assert {(link["kind"], link["status"]) for link in graph["links"]} >= {("match", "auto"), ("claim", "declared")}
    assert all(0.0 <= n["x"] <= 1.0 and 0.0 <= n["y"] <= 1.0 for n in graph["nodes"])
    social_record = world.ana_records[3]
    split = client.post(f"/api/v1/persons/{world.ana}/split", json={"groups": [[social_record]]}, headers=steward)
    assert split.status_code == 200, split.text
    persons = split.json()["persons"]
    assert len(set(persons)) == 2 and world.ana in persons
    feed = client.get("/api/v1/changes", params={"since": "0"}, headers=steward).json()
    assert "person.split" in {e["type"] for e in feed}
    tl = client.get(f"/api/v1/persons/{world.ana}/timeline", headers=steward).json()
    assert "social" not in {t["channel"] for t in tl["items"]}
