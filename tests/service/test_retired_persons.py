"""A retired person id over HTTP and the CLI: 410 naming the live persons its records went to (ids only), or
saying it was erased; the web page links to those persons; `idgraph profile --person N` says the same."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from identity_graph.cli.main import app
from identity_graph.persons import apply_clustering
from identity_graph.store import SQLiteStore, open_store
from tests.service.conftest import bearer
from tests.service.test_web_pages import sign_in
from tests.service.world import ANA_PII, World, build_world


def _scatter_ana(store: SQLiteStore, world: World) -> list[int]:
    """Re-cluster Ana's four records apart: her person is retired without heir; returns the new persons."""
    apply_clustering(store, [[r] for r in world.ana_records], "test")
    return sorted(set(store.assignments(world.ana_records).values()))


def _no_pii(text: str) -> None:
    for term in ANA_PII:
        assert term not in text, term


def test_every_person_route_answers_410_with_where_the_records_went(
    client: TestClient, world: World, wstore: SQLiteStore
) -> None:
    heirs = _scatter_ana(wstore, world)
    admin = bearer(world.tokens["admin"])
    paths = [
        f"/api/v1/persons/{world.ana}",
        f"/api/v1/persons/{world.ana}/timeline",
        f"/api/v1/persons/{world.ana}/records/{world.ana_records[0]}/why",
        f"/api/v1/persons/{world.ana}/graph",
    ]
    for path in paths:
        r = client.get(path, headers=admin)
        assert r.status_code == 410, (path, r.text)
        assert r.json() == {
            "detail": f"person {world.ana} was retired; its records went to persons {', '.join(map(str, heirs))}",
            "person_id": world.ana,
            "erased": False,
            "person_ids": heirs,
        }
        _no_pii(r.text)
    deleted = client.delete(f"/api/v1/persons/{world.ana}", headers=admin)
    assert deleted.status_code == 410 and deleted.json()["person_ids"] == heirs
    split = client.post(f"/api/v1/persons/{world.ana}/split", json={"groups": [[1]]}, headers=admin)
    assert split.status_code == 410
    assert client.get("/api/v1/persons/999999", headers=admin).status_code == 404  # never a person


def test_the_spec_declares_410_on_the_person_routes(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    for path, method in [
        ("/api/v1/persons/{person_id}", "get"),
        ("/api/v1/persons/{person_id}", "delete"),
        ("/api/v1/persons/{person_id}/timeline", "get"),
        ("/api/v1/persons/{person_id}/records/{record_id}/why", "get"),
        ("/api/v1/persons/{person_id}/graph", "get"),
        ("/api/v1/persons/{person_id}/split", "post"),
    ]:
        gone = spec["paths"][path][method]["responses"]["410"]
        assert gone["content"]["application/json"]["schema"]["$ref"].endswith("/GoneOut"), path


def test_an_erased_person_answers_410_erased(client: TestClient, world: World) -> None:
    admin = bearer(world.tokens["admin"])
    assert client.delete(f"/api/v1/persons/{world.ana}", headers=admin).status_code == 200
    r = client.get(f"/api/v1/persons/{world.ana}/timeline", headers=bearer(world.tokens["agent"]))
    assert r.status_code == 410
    body = {"detail": f"person {world.ana} was erased", "person_id": world.ana, "erased": True, "person_ids": []}
    assert r.json() == body


def test_the_profile_page_links_to_the_persons_holding_the_records(
    client: TestClient, world: World, wstore: SQLiteStore
) -> None:
    heirs = _scatter_ana(wstore, world)
    sign_in(client, world.tokens["agent"])
    page = client.get(f"/persons/{world.ana}")
    assert page.status_code == 410
    assert f"Person {world.ana} was retired; its records went to" in page.text
    for pid in heirs:
        assert f'<a href="/persons/{pid}">person {pid}</a>' in page.text
    _no_pii(page.text)


def test_the_cli_profile_says_where_the_records_went(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    store = open_store(path)
    world = build_world(store)
    heirs = _scatter_ana(store, world)
    store.close()
    shown = CliRunner().invoke(app, ["--db", str(path), "profile", "--person", str(world.ana)])
    assert shown.exit_code != 0
    assert isinstance(shown.exception, Exception)
    assert f"its records went to persons {', '.join(map(str, heirs))}" in str(shown.exception)
