"""`POST /api/v1/verify` and the `/verify` page over HTTP, with every role, on the service tests' world."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from identity_graph.campaigns.verify import MAX_PASTE_CHARS
from identity_graph.model import Channel, Direction, Interaction, Participation, RecordRef, Role
from identity_graph.service import create_app
from identity_graph.service.auth import ROLE_PERMISSIONS, Permission
from identity_graph.service.auth import Role as TokenRole
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from tests.campaigns.test_verify import HEADERS_FAIL, registry
from tests.factories import T0
from tests.service.test_web_pages import sign_in
from tests.service.world import World, build_world

#: The spring campaign's id in the send log.
ESP_ID = "esp-991"


def _sends(store: SQLiteStore) -> None:
    """Ana (crm c-1) was sent the spring campaign and opened it; spring runs from 30 days ago to 30 days ahead."""
    ref = RecordRef(source="crm", source_id="c-1")
    items = [
        Interaction(
            source="esp", source_id=f"ev-{event}", channel=Channel.CAMPAIGN, occurred_at=T0 + timedelta(hours=i),
            direction=Direction.OUTBOUND if event == "sent" else Direction.INBOUND, thread_key=ESP_ID,
            participants=(Participation(record=ref, role=Role.RECIPIENT),),
            attributes={"campaign_id": ESP_ID, "event": event},
        )
        for i, event in enumerate(("sent", "open"))
    ]  # fmt: skip
    store.upsert_batch([], items)
    today = datetime.now(UTC)
    for campaign in registry():
        if campaign.campaign_id == "spring":
            campaign = campaign.model_copy(
                update={"starts_at": today - timedelta(days=30), "ends_at": today + timedelta(days=30),
                        "external_ids": (ESP_ID,)}
            )  # fmt: skip
        store.save_campaign(campaign, "test")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, SQLiteStore, World]]:
    """The app over the world's store with the registry and Ana's sends."""
    store = open_store(tmp_path / "verify.db")
    world = build_world(store)
    _sends(store)
    app = create_app(Settings(db=tmp_path / "verify.db"), store=store)
    with TestClient(app, follow_redirects=False) as client:
        yield client, store, world
    store.close()


def _post(client: TestClient, token: str, body: object) -> tuple[int, dict[str, object]]:
    """POST /api/v1/verify with a token."""
    done = client.post("/api/v1/verify", json=body, headers={"Authorization": f"Bearer {token}"})
    return done.status_code, done.json()


@pytest.mark.parametrize("role", list(TokenRole))
def test_every_role_with_the_verify_permission_may_ask(
    served: tuple[TestClient, SQLiteStore, World], role: TokenRole
) -> None:
    client, _, world = served
    code, body = _post(client, world.tokens[role.value], {"text": "bank-0ffers.com"})
    if Permission.VERIFY in ROLE_PERMISSIONS[role]:
        assert code == 200 and body["answer"] == "lookalike", body
        assert "the digit 0 in place of 'o'" in str(body["sentence"])
    else:
        assert code == 403


def test_the_agent_learns_the_customer_was_sent_it(served: tuple[TestClient, SQLiteStore, World]) -> None:
    client, store, world = served
    code, body = _post(client, world.tokens["agent"], {"text": "news@bank-offers.com", "person_id": world.ana})
    assert code == 200, body
    assert body["answer"] == "ours_live"
    customer = body["customer"]
    assert isinstance(customer, dict) and customer["person_id"] == world.ana
    assert [t["event"] for t in customer["touches"]] == ["sent", "open"]
    assert str(customer["sentence"]).startswith("This customer was sent Spring savings on")
    entry = store.audit_entries()[0]
    assert (entry.action, entry.target, entry.detail) == ("verify", f"person:{world.ana}", "answer=ours_live")
    assert "bank-offers" not in entry.detail  # the pasted text is never audited


def test_a_customer_who_was_not_sent_it(served: tuple[TestClient, SQLiteStore, World]) -> None:
    client, _, world = served
    code, body = _post(client, world.tokens["agent"], {"text": "bank-offers.com", "person_id": world.bob})
    assert code == 200
    customer = body["customer"]
    assert isinstance(customer, dict) and customer["touches"] == []
    assert str(customer["sentence"]).startswith("This customer was not sent Spring savings")


@pytest.mark.parametrize("role", ["social", "marketing"])
def test_roles_that_do_not_see_campaign_touches_may_not_name_a_customer(
    served: tuple[TestClient, SQLiteStore, World], role: str
) -> None:
    client, _, world = served
    code, body = _post(client, world.tokens[role], {"text": "bank-offers.com", "person_id": world.ana})
    assert code == 403 and "campaign touches" in str(body["detail"])
    assert _post(client, world.tokens[role], {"text": "bank-offers.com"})[0] == 200


def test_headers_and_bad_input(served: tuple[TestClient, SQLiteStore, World]) -> None:
    client, _, world = served
    token = world.tokens["agent"]
    code, body = _post(client, token, {"text": HEADERS_FAIL})
    assert code == 200 and body["answer"] == "lookalike" and "DMARC fail" in str(body["sentence"])
    for bad in ({"text": ""}, {"text": "x" * (MAX_PASTE_CHARS + 1)}, {"text": "a\u0000b"}, {"text": " "},
                {"text": "x", "person_id": 0}, {}):  # fmt: skip
        assert _post(client, token, bad)[0] == 422, bad
    assert _post(client, token, {"text": "x.com", "person_id": 987654})[0] == 404
    assert client.post("/api/v1/verify", json={"text": "x.com"}).status_code == 401


def test_the_verify_box_on_the_profile_and_the_page(served: tuple[TestClient, SQLiteStore, World]) -> None:
    client, _, world = served
    csrf = sign_in(client, world.tokens["agent"])
    profile = client.get(f"/persons/{world.ana}").text
    assert 'action="/verify"' in profile and f'name="person_id" value="{world.ana}"' in profile
    page = client.post("/verify", data={"csrf": csrf, "text": "bank-offers.com", "person_id": str(world.ana)})
    assert page.status_code == 200
    html = re.sub(r"\s+", " ", page.text)
    assert 'class="verdict verdict-ok card"' in html and "Ours, and live" in html
    assert "registered sending domain of Spring savings" in html
    assert "This customer was sent Spring savings on" in html and "opened it on" in html
    assert "Not a loan; we never ask for a PIN by mail." in html
    assert f'href="/persons/{world.ana}"' in html
    phish = client.post("/verify", data={"csrf": csrf, "text": "bаnk-offers.com"})
    assert "verdict-danger" in phish.text and "a Cyrillic а" in phish.text
    assert client.get("/verify").status_code == 200
    assert client.post("/verify", data={"text": "x.com"}).status_code == 403  # no CSRF token
    too_long = client.post("/verify", data={"csrf": csrf, "text": "x" * (MAX_PASTE_CHARS + 1)})
    assert too_long.status_code == 422 and "longer than" in too_long.text


def test_the_social_team_sees_the_verdict_but_no_customer_touches(
    served: tuple[TestClient, SQLiteStore, World],
) -> None:
    client, _, world = served
    csrf = sign_in(client, world.tokens["social"])
    page = client.post("/verify", data={"csrf": csrf, "text": "bank-offers.com", "person_id": str(world.ana)})
    assert page.status_code == 200 and "Ours, and live" in page.text
    assert "This customer" not in page.text


def test_naming_a_customer_counts_as_a_read(tmp_path: Path) -> None:
    """Over the token's read limit, a verify naming a customer is 429 with Retry-After; one without is not a read."""
    store = open_store(tmp_path / "limited.db")
    world = build_world(store)
    _sends(store)
    settings = Settings(db=tmp_path / "limited.db", service={"reads_per_minute": 2, "daily_read_alert": 0})
    with TestClient(create_app(settings, store=store)) as client:
        token = world.tokens["agent"]
        with_person = {"text": "bank-offers.com", "person_id": world.ana}
        assert [_post(client, token, with_person)[0] for _ in range(2)] == [200, 200]
        refused = client.post("/api/v1/verify", json=with_person, headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert _post(client, token, {"text": "bank-offers.com"})[0] == 200
    store.close()
