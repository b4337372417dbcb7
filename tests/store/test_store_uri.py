"""A store named by one string: a Bolt URI (server, database, user) or a SQLite file; never a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from identity_graph.errors import ConfigError
from identity_graph.settings import Settings
from identity_graph.store.uri import describe, is_bolt_uri, with_store


def test_a_bolt_uri_names_the_server_database_and_user(tmp_path: Path) -> None:
    s = with_store(Settings(db=tmp_path / "x.db"), "bolt://ann@127.0.0.1:7687/identity")
    assert (s.store.backend, s.store.neo4j_uri) == ("neo4j", "bolt://127.0.0.1:7687")
    assert (s.store.neo4j_database, s.store.neo4j_user) == ("identity", "ann")
    assert describe(s) == "bolt://127.0.0.1:7687/identity"


def test_anything_else_is_the_embedded_file(tmp_path: Path) -> None:
    s = with_store(Settings(store={"backend": "neo4j"}), str(tmp_path / "y.db"))
    assert s.store.backend == "sqlite" and s.db == tmp_path / "y.db"
    assert not is_bolt_uri("y.db") and is_bolt_uri("neo4j+s://graph:7687")


@pytest.mark.parametrize("uri", ["bolt://ann:secret@127.0.0.1:7687", "bolt:///identity"])
def test_a_password_in_the_uri_or_no_host_is_refused(uri: str) -> None:
    with pytest.raises(ConfigError):
        with_store(Settings(), uri)
