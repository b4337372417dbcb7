"""`idgraph token create|list|revoke`, `idgraph erase` and `idgraph serve --help` through the real CLI."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from identity_graph.cli.main import app
from identity_graph.service.auth import authenticate
from identity_graph.store import open_store
from tests.service.world import build_world

runner = CliRunner()


def _world_db(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "cli.db"
    store = open_store(path)
    world = build_world(store)
    store.close()
    return path, world.ana


def test_token_create_prints_a_working_token_once_and_list_hides_it(tmp_path: Path) -> None:
    db, _ = _world_db(tmp_path)
    made = runner.invoke(app, ["--db", str(db), "token", "create", "--role", "agent", "--name", "desk-1"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("idg_")
    store = open_store(db)
    caller = authenticate(store, secret)
    assert caller is not None and caller.role.value == "agent" and caller.name == "desk-1"
    listed = runner.invoke(app, ["--db", str(db), "token", "list"])
    assert "desk-1" in listed.stdout and secret not in listed.stdout
    revoked = runner.invoke(app, ["--db", str(db), "token", "revoke", str(caller.token_id)])
    assert revoked.exit_code == 0
    assert authenticate(store, secret) is None
    assert [e.action for e in store.audit_entries()][:2] == ["token.revoke", "token.create"]
    store.close()


def test_token_create_rejects_an_unknown_role(tmp_path: Path) -> None:
    db, _ = _world_db(tmp_path)
    result = runner.invoke(app, ["--db", str(db), "token", "create", "--role", "root"])
    assert result.exit_code != 0


def test_erase_removes_the_person(tmp_path: Path) -> None:
    db, ana = _world_db(tmp_path)
    result = runner.invoke(app, ["--db", str(db), "erase", "--person", str(ana), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"person {ana} erased" in result.stdout
    store = open_store(db)
    assert store.find_record("crm", "c-1") is None
    assert store.audit_entries()[0].action == "person.erase"
    store.close()


def test_erase_asks_before_acting(tmp_path: Path) -> None:
    db, ana = _world_db(tmp_path)
    result = runner.invoke(app, ["--db", str(db), "erase", "--person", str(ana)], input="n\n")
    assert result.exit_code != 0
    store = open_store(db)
    assert store.find_record("crm", "c-1") is not None
    store.close()


def test_audit_shows_the_newest_entries(tmp_path: Path) -> None:
    db, ana = _world_db(tmp_path)
    runner.invoke(app, ["--db", str(db), "erase", "--person", str(ana), "--yes"])
    result = runner.invoke(app, ["--db", str(db), "audit", "--target", f"person:{ana}"])
    # who: "at the command line"
    assert result.exit_code == 0 and "person.erase" in result.stdout and "command" in result.stdout


def test_serve_and_token_have_help() -> None:
    for args in (
        ["serve", "--help"],
        ["token", "--help"],
        ["token", "create", "--help"],
        ["erase", "--help"],
        ["audit", "--help"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage" in result.stdout


def test_the_service_package_exports_functions() -> None:
    from identity_graph.service import create_app, serve

    assert callable(serve) and serve.__name__ == "serve"
    assert callable(create_app) and create_app.__name__ == "create_app"
