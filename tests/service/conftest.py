"""Fixtures of the service tests: the small world in a store, the app over it, and an HTTP client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from identity_graph.service import create_app
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from tests.service.world import World, build_world


@pytest.fixture
def world_store(tmp_path: Path) -> Iterator[tuple[SQLiteStore, World]]:
    """A store holding the small world."""
    s = open_store(tmp_path / "world.db")
    w = build_world(s)
    yield s, w
    s.close()


@pytest.fixture
def world(world_store: tuple[SQLiteStore, World]) -> World:
    """The world's ids and tokens."""
    return world_store[1]


@pytest.fixture
def wstore(world_store: tuple[SQLiteStore, World]) -> SQLiteStore:
    """The world's store."""
    return world_store[0]


@pytest.fixture
def client(wstore: SQLiteStore, tmp_path: Path) -> Iterator[TestClient]:
    """An HTTP client against the app over the world's store."""
    app = create_app(Settings(db=tmp_path / "world.db"), store=wstore)
    with TestClient(app, follow_redirects=False) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}
