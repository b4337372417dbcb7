"""Least privilege for reads, over real HTTP: the social team's view of a profile, a per-token rate limit
answered 429 with Retry-After, and a day's read volume past the setting flagged in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from identity_graph.service import create_app
from identity_graph.service.read_quota import VOLUME_ACTION, ReadQuota
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from tests.service.conftest import bearer
from tests.service.world import World

#: What an agent sees of Ana that the social team must not: her address, email, phone, and her mail, call and
#: campaign items (subjects and snippets).
NOT_FOR_SOCIAL = (
    "Quinta Street 12", "ana.lima@example.com", "4155550134", "Asked about the invoice", "Re: invoice", "Spring offer",
)  # fmt: skip


class Clock:
    """A settable monotonic clock and calendar for the quota."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.day = date(2026, 12, 7)


@pytest.fixture
def app(wstore: SQLiteStore, tmp_path: Path) -> FastAPI:
    """The app over the world's store (its quota replaced by tests that need a clock)."""
    return create_app(Settings(db=tmp_path / "world.db"), store=wstore)


@pytest.fixture
def http(app: FastAPI) -> Iterator[TestClient]:
    """A client of that app."""
    with TestClient(app, follow_redirects=False) as c:
        yield c


def _quota(app: FastAPI, per_minute: int, daily_alert: int) -> Clock:
    """Give the app a quota on a test clock; returns the clock."""
    clock = Clock()
    app.state.read_quota = ReadQuota(per_minute, daily_alert, clock=lambda: clock.now, today=lambda: clock.day)
    return clock


def test_the_social_team_sees_names_handles_and_social_items_only(http: TestClient, world: World) -> None:
    agent = http.get(f"/api/v1/persons/{world.ana}", headers=bearer(world.tokens["agent"]))
    assert agent.status_code == 200 and agent.json()["addresses"]
    assert any(word in agent.text for word in NOT_FOR_SOCIAL)  # the agent's view holds them
    r = http.get(f"/api/v1/persons/{world.ana}", headers=bearer(world.tokens["social"]))
    assert r.status_code == 200
    p = r.json()
    assert p["name"]["value"] == "Ana Lima"
    assert p["dobs"] == [] and p["addresses"] == []
    assert {i["kind"] for i in p["identifiers"]} <= {"handle", "url"} and "x:analima" in {
        i["value"] for i in p["identifiers"]
    }
    assert {t["channel"] for t in p["timeline"]} == {"social"} and p["timeline_total"] == len(p["timeline"])
    assert {rec["kind"] for rec in p["records"]} == {"social_account"}
    assert [w for w in NOT_FOR_SOCIAL if w.lower() in r.text.lower()] == []


def test_the_social_timeline_holds_no_mail_call_or_campaign_item(http: TestClient, world: World) -> None:
    r = http.get(f"/api/v1/persons/{world.ana}/timeline", headers=bearer(world.tokens["social"]))
    assert r.status_code == 200 and {t["channel"] for t in r.json()["items"]} == {"social"}
    assert [w for w in NOT_FOR_SOCIAL if w.lower() in r.text.lower()] == []
    agent = http.get(f"/api/v1/persons/{world.ana}/timeline", headers=bearer(world.tokens["agent"])).json()
    assert {t["channel"] for t in agent["items"]} == {"call", "email", "social", "campaign"}


def test_reads_over_the_limit_get_429_with_retry_after(app: FastAPI, http: TestClient, world: World) -> None:
    clock = _quota(app, per_minute=3, daily_alert=0)
    agent = bearer(world.tokens["agent"])
    reads = [
        http.get(f"/api/v1/persons/{world.ana}", headers=agent),
        http.get("/api/v1/lookup", params={"q": "415 555 0134"}, headers=agent),
        http.get(f"/api/v1/persons/{world.ana}/timeline", headers=agent),
    ]
    assert [r.status_code for r in reads] == [200, 200, 200]
    clock.now += 20
    over = http.get(f"/api/v1/persons/{world.ana}", headers=agent)
    assert over.status_code == 429 and over.headers["Retry-After"] == "40"
    assert "too many reads" in over.json()["detail"]
    social = http.get("/api/v1/whois", params={"handle": "@analima"}, headers=bearer(world.tokens["social"]))
    assert social.status_code == 200  # another token has its own window
    admin = [http.get(f"/api/v1/persons/{world.ana}", headers=bearer(world.tokens["admin"])) for _ in range(5)]
    assert {r.status_code for r in admin} == {200}  # admins are not limited
    clock.now += 40
    assert http.get(f"/api/v1/persons/{world.ana}", headers=agent).status_code == 200  # the window moved on


def test_a_refused_read_does_not_count(app: FastAPI, http: TestClient, world: World) -> None:
    _quota(app, per_minute=1, daily_alert=0)
    social = bearer(world.tokens["social"])
    assert http.get("/api/v1/lookup", params={"q": "Ana"}, headers=social).status_code == 403
    assert http.get("/api/v1/whois", params={"handle": "@analima"}, headers=social).status_code == 200
    assert http.get("/api/v1/whois", params={"handle": "@analima"}, headers=social).status_code == 429


def test_a_days_read_volume_past_the_setting_is_flagged_once_in_the_audit(
    app: FastAPI, http: TestClient, world: World, wstore: SQLiteStore
) -> None:
    clock = _quota(app, per_minute=0, daily_alert=2)
    agent = bearer(world.tokens["agent"])
    token_id = next(t.id for t in wstore.list_tokens() if t.role == "agent")

    def flags() -> list[str]:
        return [e.detail for e in wstore.audit_entries() if e.action == VOLUME_ACTION]

    for _ in range(2):
        assert http.get(f"/api/v1/persons/{world.ana}", headers=agent).status_code == 200
    assert flags() == []
    for _ in range(3):
        assert http.get(f"/api/v1/persons/{world.ana}", headers=agent).status_code == 200
    assert flags() == [f"reads=3 limit=2 day={clock.day.isoformat()}"]
    entry = next(e for e in wstore.audit_entries() if e.action == VOLUME_ACTION)
    assert (entry.actor, entry.target) == (f"token:{token_id}", f"token:{token_id}")
    clock.day += timedelta(days=1)
    for _ in range(3):
        http.get(f"/api/v1/persons/{world.ana}", headers=agent)
    assert len(flags()) == 2  # a new day counts from zero and flags again


def test_the_settings_name_the_limits(app: FastAPI, http: TestClient, world: World) -> None:
    settings = Settings(db=Path("x.db"), service={"reads_per_minute": 2, "daily_read_alert": 0})
    limited = create_app(settings, store=app.state.store)
    with TestClient(limited) as c:
        codes = [c.get("/api/v1/whois", params={"handle": "@x"}, headers=bearer(world.tokens["social"])) for _ in "abc"]
    assert [r.status_code for r in codes] == [200, 200, 429]
    assert 1 <= int(codes[2].headers["Retry-After"]) <= 60
