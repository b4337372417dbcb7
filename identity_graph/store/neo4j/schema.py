"""The Neo4j store's schema: uniqueness constraints, indexes and the schema version kept on a `:Meta` node.

Every statement is idempotent (`IF NOT EXISTS`), so opening a store applies whatever is missing. Composite
uniqueness constraints (not node keys, which need the Enterprise edition) hold the natural keys; integer ids
come from `:Counter` nodes so `MatchEdge.left/right`, person ids and event ids stay integers as in SQLite.
"""

from __future__ import annotations

from typing import LiteralString

import neo4j
from neo4j.exceptions import DriverError, Neo4jError

from identity_graph.errors import SchemaError, StoreError
from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import open_session

#: The graph layout version this code writes; a database marked newer is refused.
SCHEMA_VERSION = 1
#: Meta keys marking a database as ours and holding its layout version.
APPLICATION_KEY = "application"
APPLICATION = "identity-graph"
VERSION_KEY = "schema_version"
#: How long opening a store waits for new indexes to come online, in seconds.
INDEX_WAIT_SECONDS = 300
#: Name of the full-text index over record names (also used by `search_names`).
NAME_INDEX = "record_names"

#: Constraints first (they create the indexes MERGE relies on), then plain and full-text indexes.
SCHEMA_STATEMENTS: tuple[LiteralString, ...] = (
    cypher.DDL_RECORD_KEY,
    cypher.DDL_RECORD_ID,
    cypher.DDL_IDENTIFIER_KEY,
    cypher.DDL_IDENTIFIER_ID,
    cypher.DDL_INTERACTION_KEY,
    cypher.DDL_INTERACTION_ID,
    cypher.DDL_PERSON_ID,
    cypher.DDL_EVENT_ID,
    cypher.DDL_COUNTER_NAME,
    cypher.DDL_META_KEY,
    cypher.DDL_BLOCKING_KEY,
    cypher.DDL_VERSION_KEY,
    cypher.DDL_GUARD_REPORT_ID,
    cypher.DDL_TOKEN_ID,
    cypher.DDL_TOKEN_HASH,
    cypher.DDL_AUDIT_ID,
    cypher.DDL_TOMBSTONE_KEY,
    cypher.DDL_INGEST_RUN_ID,
    cypher.DDL_RECORD_DIRTY,
    cypher.DDL_INTERACTION_TIME,
    cypher.DDL_EVENT_PERSON,
    cypher.DDL_EVENT_OTHER,
    cypher.DDL_EVENT_RECORD,
    cypher.DDL_EVENT_AT,
    cypher.DDL_AUDIT_TARGET,
    cypher.DDL_INGEST_RUN_SOURCE,
    cypher.DDL_MATCH_STATUS,
    cypher.DDL_JUDGED_ID,
    cypher.DDL_JUDGED_ACTIVE,
    cypher.DDL_RECORD_NAMES,
)


def check_version(application: str | None, version: str | None, has_nodes: bool) -> None:
    """Refuse a database another program wrote, or one written by a newer version of this program."""
    if application is None:
        if has_nodes:
            raise SchemaError("this Neo4j database holds data that is not an identity-graph store")
        return
    if application != APPLICATION:
        raise SchemaError("this Neo4j database is not an identity-graph store")
    if version is not None and int(version) > SCHEMA_VERSION:
        raise SchemaError(
            f"the store has schema version {version}, newer than this program's {SCHEMA_VERSION}; upgrade"
        )


def _meta(session: neo4j.Session, key: str) -> str | None:
    """One metadata value, read in its own transaction."""
    record = session.run(cypher.META_GET, key=key).single()
    return None if record is None or record["value"] is None else str(record["value"])


def ensure_schema(driver: neo4j.Driver, database: str | None) -> None:
    """Check the database is ours (or empty), then create missing constraints and indexes and mark it."""
    try:
        with open_session(driver, database) as session:
            has_nodes = session.run(cypher.ANY_NODE).single() is not None
            check_version(_meta(session, APPLICATION_KEY), _meta(session, VERSION_KEY), has_nodes)
            for statement in SCHEMA_STATEMENTS:
                session.run(statement).consume()
            session.run(cypher.AWAIT_INDEXES, seconds=INDEX_WAIT_SECONDS).consume()
            session.run(cypher.META_SET, key=APPLICATION_KEY, value=APPLICATION).consume()
            if _meta(session, VERSION_KEY) is None:
                session.run(cypher.META_SET, key=VERSION_KEY, value=str(SCHEMA_VERSION)).consume()
    except (Neo4jError, DriverError) as exc:
        code = getattr(exc, "code", None) or type(exc).__name__
        raise StoreError(f"cannot prepare the Neo4j store: {code}") from exc
