"""The Neo4j store's schema: uniqueness constraints, indexes and the schema version kept on a `:Meta` node.

Every statement is idempotent (`IF NOT EXISTS`), so opening a store applies whatever is missing. Composite
uniqueness constraints (not node keys, which need the Enterprise edition) hold the natural keys; integer ids
come from `:Counter` nodes so `MatchEdge.left/right`, person ids and event ids stay integers as in SQLite.
Only forms that Neo4j 5 and ArcadeDB's Bolt server both run are used: no full-text index (names are searched
through `:NameWord` nodes), no `db.awaitIndexes` (index states are polled with `SHOW INDEXES`).
"""

from __future__ import annotations

import time
from typing import LiteralString

import neo4j
from neo4j.exceptions import DriverError, Neo4jError

from identity_graph.errors import SchemaError, StoreError
from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import PAGE_SIZE, open_session, run, run_rows
from identity_graph.store.neo4j.rows import name_word_rows

#: The graph layout version this code writes; a database marked newer is refused. 2: names are searched through
#: `(:Record)-[:NAMED]->(:NameWord)` links (version 1 had a full-text index, which only Neo4j has).
SCHEMA_VERSION = 2
#: Meta keys marking a database as ours and holding its layout version.
APPLICATION_KEY = "application"
APPLICATION = "identity-graph"
VERSION_KEY = "schema_version"
#: How long opening a store waits for new indexes to come online, in seconds.
INDEX_WAIT_SECONDS = 300
#: How often opening a store asks whether new indexes are online, in seconds.
INDEX_POLL_SECONDS = 0.2
#: The state an index is in once it can be used.
ONLINE = "ONLINE"
#: The state of an index the server could not build (waiting longer will not help).
FAILED = "FAILED"

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
    cypher.DDL_CAMPAIGN_ID,
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
    cypher.DDL_NAME_WORD,
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


def await_indexes(session: neo4j.Session, seconds: float = INDEX_WAIT_SECONDS) -> None:
    """Wait until every index is online (`SHOW INDEXES`, which both Neo4j and ArcadeDB answer), or fail."""
    deadline = time.monotonic() + seconds
    while True:
        states = {str(r["name"]): str(r["state"]).upper() for r in session.run(cypher.SHOW_INDEX_STATES)}
        pending = sorted(name for name, state in states.items() if state != ONLINE)
        if not pending:
            return
        if FAILED in (states[name] for name in pending) or time.monotonic() > deadline:
            raise StoreError(f"Neo4j store: indexes not online: {', '.join(pending[:5])}")
        time.sleep(INDEX_POLL_SECONDS)


def ensure_schema(driver: neo4j.Driver, database: str | None) -> None:
    """Check the database is ours (or empty), then create missing constraints and indexes and mark it."""
    try:
        with open_session(driver, database) as session:
            has_nodes = session.run(cypher.ANY_NODE).single() is not None
            version = _meta(session, VERSION_KEY)
            check_version(_meta(session, APPLICATION_KEY), version, has_nodes)
            for statement in SCHEMA_STATEMENTS:
                session.run(statement).consume()
            await_indexes(session)
            session.run(cypher.META_SET, key=APPLICATION_KEY, value=APPLICATION).consume()
            if version is not None and int(version) < SCHEMA_VERSION:
                link_all_name_words(driver, database)
            if version is None or int(version) < SCHEMA_VERSION:
                session.run(cypher.META_SET, key=VERSION_KEY, value=str(SCHEMA_VERSION)).consume()
    except (Neo4jError, DriverError) as exc:
        code = getattr(exc, "code", None) or type(exc).__name__
        raise StoreError(f"cannot prepare the Neo4j store: {code}") from exc


def link_all_name_words(driver: neo4j.Driver, database: str | None) -> int:
    """Link every record to the words of its name, page by page (upgrading a version-1 store); returns how many
    records were read."""
    after, seen = 0, 0
    with open_session(driver, database) as session:
        while True:
            page = session.execute_read(
                lambda tx: run(tx, cypher.NAMES_PAGE, after=after, page_size=PAGE_SIZE)  # noqa: B023
            )
            if not page:
                return seen
            rows = [w for r in page for w in name_word_rows(r["source"], r["source_id"], r["name"])]
            session.execute_write(lambda tx: run_rows(tx, cypher.LINK_NAME_WORDS, rows))  # noqa: B023
            after, seen = int(page[-1]["id"]), seen + len(page)
