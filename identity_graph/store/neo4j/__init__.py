"""The Neo4j server store: `open_neo4j(uri, user, password)` gives a `GraphStore` backed by a Neo4j database."""

from __future__ import annotations

import neo4j
from neo4j.exceptions import DriverError, Neo4jError

from identity_graph.errors import StoreError
from identity_graph.store.neo4j.store import Neo4jStore, wipe_database


def open_neo4j(uri: str, user: str, password: str, database: str | None = None) -> Neo4jStore:
    """Connect to a Neo4j server, check the database is ours (or empty), create the schema, and return the store."""
    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=(user, password))
        driver.verify_connectivity()
    except (Neo4jError, DriverError, ValueError) as exc:
        code = getattr(exc, "code", None) or type(exc).__name__
        raise StoreError(f"cannot connect to Neo4j at {uri}: {code}") from exc
    try:
        return Neo4jStore(driver, database)
    except BaseException:
        driver.close()
        raise


__all__ = ["Neo4jStore", "open_neo4j", "wipe_database"]
