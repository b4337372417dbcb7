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


def open_neo4j(uri: str, user: str, password: str, database: str | None = None) -> GraphStore:
    """Open the Neo4j server store (the driver is imported only when used)."""
    from identity_graph.store.neo4j import open_neo4j as _open

    return _open(uri, user, password, database)


__all__ = [
    "ExportRow",
    "GraphStore",
    "NewEvent",
    "Posting",
    "PreparedRecord",
    "SQLiteStore",
    "TimelineQuery",
    "UpsertStats",
    "open_neo4j",
    "open_store",
]
