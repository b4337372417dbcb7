"""`GET /api/v1/runs` over real HTTP (TestClient): the load history for stewards and admins, audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from identity_graph.store import SQLiteStore
from identity_graph.store.runs import IngestRun
from tests.service.conftest import bearer
from tests.service.world import World

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def _record(store: SQLiteStore, *sources: str) -> list[int]:
    """Record one load per source, a minute apart; returns their ids."""
    return [
        store.record_ingest_run(
            IngestRun(
                source=src,
                format="salesforce",
                started_at=T0 + timedelta(minutes=n),
                finished_at=T0 + timedelta(minutes=n, seconds=30),
                loaded=n,
                quarantined=1 if src == "pbx" else 0,
                notes=["quarantine: q/x.csv"] if src == "pbx" else [],
            )
        )
        for n, src in enumerate(sources)
    ]


def test_runs_newest_first_with_counts_times_and_notes(client: TestClient, world: World, wstore: SQLiteStore) -> None:
    ids = _record(wstore, "crm", "pbx", "crm")
    r = client.get("/api/v1/runs", headers=bearer(world.tokens["steward"]))
    assert r.status_code == 200
    body = r.json()
    assert [run["id"] for run in body] == ids[::-1]
    pbx = body[1]
    assert (pbx["source"], pbx["format"], pbx["loaded"], pbx["quarantined"]) == ("pbx", "salesforce", 1, 1)
    assert pbx["notes"] == ["quarantine: q/x.csv"]
    assert datetime.fromisoformat(pbx["started_at"]) == T0 + timedelta(minutes=1)
    assert datetime.fromisoformat(pbx["finished_at"]) == T0 + timedelta(minutes=1, seconds=30)


def test_runs_filter_by_source_and_limit(client: TestClient, world: World, wstore: SQLiteStore) -> None:
    _record(wstore, "crm", "pbx", "crm", "crm")
    admin = bearer(world.tokens["admin"])
    crm = client.get("/api/v1/runs", params={"source": "crm", "limit": 2}, headers=admin).json()
    assert [(run["source"], run["loaded"]) for run in crm] == [("crm", 3), ("crm", 2)]
    assert client.get("/api/v1/runs", params={"source": "none"}, headers=admin).json() == []


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"source": ""}])
def test_runs_refuse_bad_paging(client: TestClient, world: World, params: dict[str, int | str]) -> None:
    r = client.get("/api/v1/runs", params=params, headers=bearer(world.tokens["admin"]))
    assert r.status_code == 422


@pytest.mark.parametrize(("role", "code"), [("agent", 403), ("social", 403), ("steward", 200), ("admin", 200)])
def test_runs_are_for_stewards_and_admins(client: TestClient, world: World, role: str, code: int) -> None:
    assert client.get("/api/v1/runs", headers=bearer(world.tokens[role])).status_code == code


def test_reading_runs_is_audited(client: TestClient, world: World, wstore: SQLiteStore) -> None:
    _record(wstore, "crm", "pbx")
    client.get("/api/v1/runs", params={"source": "pbx"}, headers=bearer(world.tokens["steward"]))
    (entry,) = [e for e in wstore.audit_entries(100, None, None) if e.action == "runs.read"]
    assert (entry.target, entry.detail) == ("source:pbx", "rows=1")
    assert entry.actor.startswith("token:")
