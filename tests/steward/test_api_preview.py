"""The API's preview of a decision or a split equals what saving it does; actions are read and undone over HTTP;
the web split offers an undo."""

# ruff: noqa: F811 - the service tests' fixtures are imported by name and then taken as arguments

from __future__ import annotations

from fastapi.testclient import TestClient

from identity_graph.store import SQLiteStore
from tests.service.conftest import bearer, client, world, world_store, wstore  # noqa: F401 - fixtures
from tests.service.test_web_pages import sign_in
from tests.service.world import World


def _moves(preview: dict) -> dict[int, tuple[int | None, int]]:  # type: ignore[type-arg]
    """record -> (from, to) of a preview's moves."""
    return {m["record_id"]: (m["from_person"], m["to_person"]) for m in preview["moves"]}


def test_a_decision_previewed_then_saved_does_what_the_preview_said_and_undoes(
    client: TestClient, world: World, wstore: SQLiteStore
) -> None:
    steward = bearer(world.tokens["steward"])
    left, right = world.carol_records
    everything = wstore.assignments()
    body = {"left": left, "right": right, "verdict": "same"}
    preview = client.post("/api/v1/review/decisions/preview", json=body, headers=steward)
    assert preview.status_code == 200 and preview.json()["changed"] is True
    assert wstore.assignments() == everything
    saved = client.post("/api/v1/review/decisions", json=body, headers=steward)
    assert saved.status_code == 201
    out = saved.json()
    assert _moves(out["effect"]) == _moves(preview.json()) and out["effect"]["sentences"] == preview.json()["sentences"]
    action = client.get(f"/api/v1/review/actions/{out['action_id']}", headers=steward).json()
    assert action["can_undo"] is True and action["kind"] == "decision" and action["judgement_ids"] == [out["id"]]
    assert any("comes back" in s for s in action["undo_preview"]["sentences"])
    undone = client.post(f"/api/v1/review/actions/{out['action_id']}/undo", headers=steward)
    assert undone.status_code == 200 and undone.json()["withdrawn"] == [out["id"]]
    assert wstore.assignments() == everything
    again = client.post(f"/api/v1/review/actions/{out['action_id']}/undo", headers=steward)
    assert again.status_code == 409
    assert client.get(f"/api/v1/review/actions/{out['action_id']}", headers=steward).json()["can_undo"] is False
    agent = client.post("/api/v1/review/decisions/preview", json=body, headers=bearer(world.tokens["agent"]))
    assert agent.status_code == 403


def test_a_split_previewed_then_saved_and_undone_over_http(
    client: TestClient, world: World, wstore: SQLiteStore
) -> None:
    steward = bearer(world.tokens["steward"])
    everything = wstore.assignments()
    social = world.ana_records[3]
    body = {"groups": [[social]]}
    preview = client.post(f"/api/v1/persons/{world.ana}/split/preview", json=body, headers=steward).json()
    assert list(_moves(preview)) == [social] and wstore.assignments() == everything
    split = client.post(f"/api/v1/persons/{world.ana}/split", json=body, headers=steward).json()
    assert split["action_id"] and wstore.assignments([social])[social] == split["persons"][1]
    done = client.post(f"/api/v1/review/actions/{split['action_id']}/undo", headers=steward)
    assert done.status_code == 200 and wstore.assignments() == everything
    unmerged = client.post(f"/api/v1/records/{social}/unmerge", json={}, headers=steward).json()
    client.post(f"/api/v1/review/actions/{unmerged['action_id']}/undo", headers=steward)
    assert wstore.assignments() == everything


def test_the_web_split_says_what_moved_and_undoes(client: TestClient, world: World, wstore: SQLiteStore) -> None:
    everything = wstore.assignments()
    csrf = sign_in(client, world.tokens["steward"])
    social = world.ana_records[3]
    page = client.post(f"/persons/{world.ana}/split", data={"csrf": csrf, "records": str(social)})
    assert page.status_code == 200 and "splits off into person" in page.text and "Undo this split" in page.text
    action = wstore.steward_action_of_judgement(max(j.id or 0 for j in wstore.judgements(None)))
    assert action is not None
    undone = client.post(f"/review/actions/{action.id}/undo", data={"csrf": csrf})
    assert undone.status_code == 200 and "was undone" in undone.text
    assert f"is merged into person {world.ana} (Ana Lima): record {social} moves" in undone.text
    assert wstore.assignments() == everything


def test_the_queue_api_filters_pages_and_says_the_total(client: TestClient, world: World) -> None:
    steward = bearer(world.tokens["steward"])
    every = client.get("/api/v1/review", headers=steward)
    assert every.status_code == 200 and every.headers["X-Total-Count"] == "1"
    [item] = every.json()
    assert item["left_name"] == item["right_name"] == "Carol Diaz" and item["left_source"].startswith("crm/")
    assert client.get("/api/v1/review", params={"kind": "guard"}, headers=steward).headers["X-Total-Count"] == "0"
    crm = client.get("/api/v1/review", params={"source": "crm", "min_impact": 0}, headers=steward)
    assert crm.headers["X-Total-Count"] == "1" and len(crm.json()) == 1
    assert client.get("/api/v1/review", params={"offset": 1}, headers=steward).json() == []
    assert client.get("/api/v1/review", params={"kind": "chain"}, headers=steward).status_code == 422
