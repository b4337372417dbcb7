"""Fixtures shared by the whole suite."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from identity_graph.errors import StoreError
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from identity_graph.store.neo4j.local_server import LocalBoltServer, start_local_server
from tests.bolt import BoltTarget, database_name, env_target, no_server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A fresh embedded store in a temporary file."""
    s = open_store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings pointing at a temporary store and quarantine folder."""
    return Settings(db=tmp_path / "test.db", ingest={"quarantine_dir": tmp_path / "quarantine"})


# ---------------------------------------------------------------- the Bolt server of the Neo4j store's tests
@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBoltServer | None]:
    """ArcadeDB's Bolt server on 127.0.0.1, started once for the session (None when NEO4J_URI names a server)."""
    if env_target() is not None:
        yield None
        return
    try:
        server = start_local_server(tmp_path_factory.mktemp("arcadedb"))
    except (StoreError, OSError) as exc:
        no_server(str(exc))
    _BOLT_RUN["server"] = f"ArcadeDB's Bolt server at {server.uri}, started in {server.started_in:.1f} s"
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bolt_target(request: pytest.FixtureRequest, bolt_server: LocalBoltServer | None) -> BoltTarget:
    """Where this test module's Neo4j store lives: NEO4J_URI's server, or a fresh database on ArcadeDB's."""
    target = env_target()
    if target is not None:
        _BOLT_RUN.setdefault("server", f"Neo4j at {target.uri} (NEO4J_URI)")
        return target
    assert bolt_server is not None
    name = bolt_server.create_database(database_name(request.module.__name__, next(_DATABASES)))
    return BoltTarget(bolt_server.uri, bolt_server.user, bolt_server.password, name, "arcadedb")


_DATABASES = itertools.count(1)
#: What the run's summary says about the Bolt server (set when one is used).
_BOLT_RUN: dict[str, str] = {}
_BOLT_OUTCOMES: Counter[str] = Counter()


def _uses_bolt(item: pytest.Item) -> bool:
    """Whether a test runs on the Bolt server: it takes `bolt_target`, or it is a contract test's neo4j case."""
    callspec = getattr(item, "callspec", None)
    on_neo4j = callspec is not None and "neo4j" in callspec.params.values()
    return on_neo4j or "bolt_target" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs on the Bolt server `neo4j` (so `-m neo4j` selects them all)."""
    for item in items:
        if _uses_bolt(item):
            item.add_marker(pytest.mark.neo4j)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count the outcomes of the tests marked `neo4j` for the summary."""
    if "neo4j" not in report.keywords:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _BOLT_OUTCOMES[report.outcome] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which Bolt server the Neo4j store's tests ran on, and how they fared."""
    if not _BOLT_OUTCOMES:
        return
    counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(_BOLT_OUTCOMES.items()))
    where = _BOLT_RUN.get("server", "no server")
    terminalreporter.write_line(f"Neo4j store on a live Bolt server: {counts} ({where})")
