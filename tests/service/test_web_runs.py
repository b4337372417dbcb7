"""The Loads page (stewards and admins) over HTTP: the load history, newest first, escaped, audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from identity_graph.store import SQLiteStore
from identity_graph.store.runs import IngestRun
from tests.service.test_web_pages import sign_in
from tests.service.world import World

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_loads_page_lists_runs_newest_first_with_notes(client: TestClient, world: World, wstore: SQLiteStore) -> None:
    wstore.record_ingest_run(IngestRun(source="crm", format="salesforce", started_at=T0, loaded=4212))
    wstore.record_ingest_run(
        IngestRun(
            source="<b>pbx</b>",
            format="asterisk",
            started_at=T0 + timedelta(hours=1),
            finished_at=T0 + timedelta(hours=1, minutes=2),
            quarantined=3,
            notes=["quarantine: q/a.csv", "stopped: InputError"],
        )
    )
    sign_in(client, world.tokens["steward"])
    page = client.get("/loads")
    assert page.status_code == 200
    text = page.text
    assert 'href="/loads"' in text  # in the navigation
    assert text.index("asterisk") < text.index("salesforce")  # newest first
    assert "4,212" in text and "2026-03-01 10:32" in text
    assert "quarantine: q/a.csv<br>stopped: InputError" in text
    assert "&lt;b&gt;pbx&lt;/b&gt;" in text and "<b>pbx</b>" not in text
    (entry,) = [e for e in wstore.audit_entries(100, None, None) if e.action == "runs.read"]
    assert entry.detail == "rows=2" and entry.actor.startswith("token:")


def test_loads_page_when_nothing_was_loaded(client: TestClient, world: World) -> None:
    sign_in(client, world.tokens["admin"])
    assert "No loads recorded yet." in client.get("/loads").text


def test_loads_are_not_for_agents(client: TestClient, world: World) -> None:
    sign_in(client, world.tokens["agent"])
    assert client.get("/loads").status_code == 403
    assert 'href="/loads"' not in client.get("/").text
