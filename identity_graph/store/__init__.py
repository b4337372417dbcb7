"""Stores of the identity graph: the `GraphStore` protocol and its embedded SQLite implementation."""

from __future__ import annotations

from pathlib import Path

from identity_graph.errors import ConfigError
from identity_graph.settings import Settings, StoreSettings
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
from identity_graph.store.sqlite_checkpoint import CheckpointPolicy


def open_store(path: Path | str, settings: StoreSettings | None = None) -> SQLiteStore:
    """Open (creating or migrating) the embedded store at `path`, checkpointing as `settings` say."""
    return SQLiteStore(path, CheckpointPolicy.from_settings(settings))


def open_configured(settings: Settings) -> GraphStore:
    """The store the settings name: the SQLite file `settings.db`, or the Neo4j server of `[store]`."""
    cfg = settings.store
    if cfg.backend == "sqlite":
        return open_store(settings.db, cfg)
    if not cfg.neo4j_uri or cfg.neo4j_password is None:
        raise ConfigError("store.backend is neo4j: set store.neo4j_uri and IDGRAPH_STORE__NEO4J_PASSWORD")
    return open_neo4j(cfg.neo4j_uri, cfg.neo4j_user, cfg.neo4j_password.get_secret_value(), cfg.neo4j_database)


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
    "open_configured",
    "open_neo4j",
    "open_store",
]
