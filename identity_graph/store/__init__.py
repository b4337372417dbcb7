"""Stores of the identity graph: the `GraphStore` protocol and its embedded SQLite implementation."""

from __future__ import annotations

from pathlib import Path

from identity_graph.store.protocol import (
    ExportRow,
    GraphStore,
    NewEvent,
    Posting,
    PreparedRecord,
    TimelineQuery,
    UpsertStats,
)
from identity_graph.store.sqlite import SQLiteStore


def open_store(path: Path | str) -> SQLiteStore:
    """Open (creating or migrating) the embedded store at `path`."""
    return SQLiteStore(path)


__all__ = [
    "ExportRow",
    "GraphStore",
    "NewEvent",
    "Posting",
    "PreparedRecord",
    "SQLiteStore",
    "TimelineQuery",
    "UpsertStats",
    "open_store",
]
