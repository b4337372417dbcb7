"""The registry over HTTP: marketing and admin edit, agents read but cannot edit, marketing reads no customer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from identity_graph.persons import apply_clustering
from identity_graph.service import create_app
from identity_graph.service.auth import Role, create_token
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from tests.campaigns.touch_world import build_touch_world
from tests.factories import prepared, record

BODY: dict[str, Any] = {
    "name": "Flight change: call us now",
    "channel": "call",
    "starts_at": "2026-03-10T08:00:00Z",
    "ends_at": "2026-03-20",
    "sending_domains": ["News.AcmeAir.com"],
    "phone_numbers": ["(888) 555-0142"],
    "dnis": ["888 555 0142"],
    "subjects": ["Your flight changed: call us now"],
    "guidance": {"offer_is": "A real rebooking notice.", "faq": [{"question": "Is it real?", "answer": "Yes."}]},
}


class Api:
    """An app over a fresh store with one person and a token per role."""

    def __init__(self, path: Path) -> None:
        self.store: SQLiteStore = open_store(path)
        self.store.upsert_batch([prepared(record("c-1", "Ana", "Lima", email="ana@example.com"))])
        found = self.store.find_record("crm", "c-1")
        assert found is not None
        apply_clustering(self.store, [[found.id]], "test")
        self.person = self.store.assignments()[found.id]
        self.tokens = {role: create_token(self.store, role, f"{role.value}-ann") for role in Role}
        self.client = TestClient(create_app(Settings(db=path), store=self.store), follow_redirects=False)

    def as_(self, role: Role) -> dict[str, str]:
        """The Authorization header of a role's token."""
        return {"Authorization": f"Bearer {self.tokens[role][0]}"}

    def actor(self, role: Role) -> str:
        """The audit actor of a role's token."""
        return f"token:{self.tokens[role][1].id}"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """The app, its store and tokens."""
    a = Api(tmp_path / "api.db")
    yield a
    a.client.close()
    a.store.close()


def test_marketing_registers_a_campaign_typed_any_way_and_it_is_stored_normalized(api: Api) -> None:
    made = api.client.put("/api/v1/campaigns/flight-change", json=BODY, headers=api.as_(Role.MARKETING))
    assert made.status_code == 200, made.text
    body = made.json()
    assert body["campaign_id"] == "flight-change"
    assert body["sending_domains"] == ["acmeair.com"] and body["dnis"] == ["+18885550142"]
    assert body["registered_from"] == "api:marketing-ann"
    stored = api.store.campaign("flight-change")
    assert stored is not None and stored.guidance.faq[0].answer == "Yes."
    assert stored.ends_at is not None and stored.ends_at.isoformat().startswith("2026-03-20T23:59:59")


def test_every_change_is_audited_with_the_token(api: Api) -> None:
    api.client.post("/api/v1/campaigns", json=BODY | {"campaign_id": "fc"}, headers=api.as_(Role.MARKETING))
    api.client.put("/api/v1/campaigns/fc", json=BODY | {"name": "Renamed"}, headers=api.as_(Role.ADMIN))
    assert api.client.delete("/api/v1/campaigns/fc", headers=api.as_(Role.MARKETING)).status_code == 204
    entries = api.store.audit_entries(target="campaign:fc")
    assert [(e.actor, e.action, e.detail) for e in entries] == [
        (api.actor(Role.MARKETING), "campaign.delete", ""),
        (api.actor(Role.ADMIN), "campaign.save", "replaced"),
        (api.actor(Role.MARKETING), "campaign.save", "added"),
    ]


@pytest.mark.parametrize("role", [Role.AGENT, Role.SOCIAL, Role.STEWARD, Role.MARKETING, Role.ADMIN])
def test_every_staff_role_reads_the_registry(api: Api, role: Role) -> None:
    api.client.put("/api/v1/campaigns/fc", json=BODY, headers=api.as_(Role.ADMIN))
    listed = api.client.get("/api/v1/campaigns", headers=api.as_(role))
    assert listed.status_code == 200 and [c["campaign_id"] for c in listed.json()] == ["fc"]
    one = api.client.get("/api/v1/campaigns/fc", headers=api.as_(role))
    assert one.status_code == 200 and one.json()["guidance"]["offer_is"] == "A real rebooking notice."


@pytest.mark.parametrize("role", [Role.AGENT, Role.SOCIAL, Role.STEWARD])
def test_agents_social_and_stewards_cannot_edit(api: Api, role: Role) -> None:
    api.client.put("/api/v1/campaigns/fc", json=BODY, headers=api.as_(Role.ADMIN))
    headers = api.as_(role)
    assert api.client.put("/api/v1/campaigns/fc", json=BODY | {"name": "X"}, headers=headers).status_code == 403
    assert api.client.post("/api/v1/campaigns", json=BODY | {"campaign_id": "n"}, headers=headers).status_code == 403
    assert api.client.delete("/api/v1/campaigns/fc", headers=headers).status_code == 403
    stored = api.store.campaign("fc")
    assert stored is not None and stored.name == BODY["name"]


def test_marketing_reads_no_customer(api: Api) -> None:
    headers = api.as_(Role.MARKETING)
    assert api.client.get(f"/api/v1/persons/{api.person}", headers=headers).status_code == 403
    assert api.client.get("/api/v1/lookup", params={"q": "Ana"}, headers=headers).status_code == 403
    assert api.client.get("/api/v1/audit", headers=headers).status_code == 403


def test_bad_campaigns_are_422_with_sentences_and_nothing_is_stored(api: Api) -> None:
    bad = BODY | {"dnis": ["12"], "sending_domains": ["localhost"]}
    answer = api.client.put("/api/v1/campaigns/fc", json=bad, headers=api.as_(Role.MARKETING))
    assert answer.status_code == 422
    assert "dnis: '12' is not a possible phone number" in answer.json()["detail"]
    assert "'localhost' has no registrable domain" in answer.json()["detail"]
    assert api.store.campaigns() == []
    mismatch = api.client.put("/api/v1/campaigns/fc", json=BODY | {"campaign_id": "other"}, headers=api.as_(Role.ADMIN))
    assert mismatch.status_code == 422
    no_id = api.client.post("/api/v1/campaigns", json=BODY, headers=api.as_(Role.ADMIN))
    assert no_id.status_code == 422


def test_unknown_campaigns_are_404(api: Api) -> None:
    assert api.client.get("/api/v1/campaigns/nope", headers=api.as_(Role.AGENT)).status_code == 404
    assert api.client.delete("/api/v1/campaigns/nope", headers=api.as_(Role.ADMIN)).status_code == 404
    assert api.client.get("/api/v1/campaigns/bad%20id", headers=api.as_(Role.AGENT)).status_code == 422


def test_a_marketing_token_is_made_from_the_admin_api(api: Api) -> None:
    made = api.client.post("/api/v1/tokens", json={"role": "marketing", "name": "bo"}, headers=api.as_(Role.ADMIN))
    assert made.status_code == 201 and made.json()["role"] == "marketing"
    mine = {"Authorization": f"Bearer {made.json()['token']}"}
    assert api.client.put("/api/v1/campaigns/fc", json=BODY, headers=mine).status_code == 200


def test_the_campaigns_that_reached_a_person_over_the_api(store: SQLiteStore, tmp_path: Path) -> None:
    world = build_touch_world(store, now=datetime.now(UTC))
    tokens = {role: create_token(store, role, role.value)[0] for role in Role}
    with TestClient(create_app(Settings(db=tmp_path / "test.db"), store=store)) as client:

        def get(role: Role) -> Any:
            return client.get(
                f"/api/v1/persons/{world.person}/campaigns", headers={"Authorization": f"Bearer {tokens[role]}"}
            )

        answer = get(Role.AGENT)
        assert answer.status_code == 200
        assert [(c["campaign"]["campaign_id"], c["touches"]) for c in answer.json()] == [
            ("flight-change", 1),
            ("spring-rate-2026", 2),
        ]
        assert answer.json()[1]["campaign"]["guidance"]["offer_is_not"] == "It never asks for a PIN."
        assert get(Role.SOCIAL).json() == []
        assert get(Role.MARKETING).status_code == 403
        assert store.audit_entries(target=f"person:{world.person}")[0].detail == "campaigns"
        assert (
            client.get(
                "/api/v1/persons/987654/campaigns", headers={"Authorization": f"Bearer {tokens[Role.ADMIN]}"}
            ).status_code
            == 404
        )
