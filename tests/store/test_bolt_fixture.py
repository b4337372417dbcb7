"""The Bolt server fixture's rules: no server fails a test in CI and skips it elsewhere; database names are safe."""

from __future__ import annotations

import pytest

from identity_graph.store.neo4j.local_server import DATABASE_NAME
from tests.bolt import database_name, no_server


def test_no_server_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no Bolt server"):
        no_server("java is missing")


def test_no_server_skips_with_the_reason_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="java is missing"):
        no_server("java is missing")


def test_each_module_gets_its_own_valid_database_name() -> None:
    names = [database_name("tests.store.test_contract", 1), database_name("tests.web.test-bolt.serve", 2)]
    assert len(set(names)) == 2 and all(DATABASE_NAME.fullmatch(n) for n in names)
