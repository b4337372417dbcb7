"""`idgraph push` copies the campaign registry too: to a second embedded store and to the Neo4j store on a live
Bolt server; pushing again changes nothing."""

from __future__ import annotations

from pathlib import Path

from identity_graph.campaigns.load import load_file, register
from identity_graph.push import push
from identity_graph.store import SQLiteStore, open_store
from tests.bolt import BoltTarget

DATA = Path(__file__).parent / "data"


def _registered(store: SQLiteStore) -> None:
    register(store, load_file(DATA / "campaigns.toml", "US").campaigns, "cli:test")


def test_push_copies_the_registry_to_another_store(store: SQLiteStore, tmp_path: Path) -> None:
    _registered(store)
    with open_store(tmp_path / "target.db") as target:
        assert push(store, target).campaigns == 3
        assert target.campaigns() == store.campaigns()
        assert push(store, target).campaigns == 0
        assert [e.actor for e in target.audit_entries(target="campaign:flash-social")] == ["push"]


def test_push_copies_the_registry_to_the_bolt_server(store: SQLiteStore, bolt_target: BoltTarget) -> None:
    _registered(store)
    server = bolt_target.open()
    try:
        assert push(store, server).campaigns == 3
        assert server.campaigns() == store.campaigns()
        assert push(store, server).campaigns == 0
    finally:
        server.close()
