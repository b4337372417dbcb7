"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store


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
