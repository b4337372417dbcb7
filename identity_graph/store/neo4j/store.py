"""The server store for teams: Neo4j through the official driver, implementing `GraphStore`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import neo4j

from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import open_session, run
from identity_graph.store.neo4j.campaigns import Neo4jCampaignsMixin
from identity_graph.store.neo4j.erasure import Neo4jErasureMixin
from identity_graph.store.neo4j.graph import Neo4jGraphMixin
from identity_graph.store.neo4j.ingest import Neo4jIngestMixin
from identity_graph.store.neo4j.read import Neo4jReadMixin
from identity_graph.store.neo4j.runs import Neo4jRunsMixin
from identity_graph.store.neo4j.schema import ensure_schema
from identity_graph.store.neo4j.service import Neo4jServiceMixin
from identity_graph.store.neo4j.steward import Neo4jStewardMixin
from identity_graph.store.neo4j.window import Neo4jWindowMixin

if TYPE_CHECKING:
    from identity_graph.store.protocol import GraphStore

#: Nodes deleted per transaction when a database is wiped, so a large one does not exhaust the server's memory.
WIPE_BATCH_SIZE = 10_000


class Neo4jStore(
    Neo4jIngestMixin,
    Neo4jReadMixin,
    Neo4jGraphMixin,
    Neo4jStewardMixin,
    Neo4jServiceMixin,
    Neo4jErasureMixin,
    Neo4jRunsMixin,
    Neo4jCampaignsMixin,
    Neo4jWindowMixin,
):
    """The same labels and relationship types as DESIGN.md, integer ids from counters, one transaction per batch."""

    def __init__(self, driver: neo4j.Driver, database: str | None = None) -> None:
        super().__init__(driver, database)
        ensure_schema(driver, database)
        self.tombstone_secret()  # created with the store (or on the first open of an older one)

    def clear(self) -> None:
        """Delete every node and relationship of this database, keeping constraints and indexes (tests, demos)."""
        wipe_database(self._driver, self._database)
        ensure_schema(self._driver, self._database)
        self._tombstone_secret = None
        self.tombstone_secret()


def wipe_database(driver: neo4j.Driver, database: str | None = None) -> int:
    """Delete every node and relationship of a database, in batches; returns how many nodes went (tests only)."""
    deleted = 0
    with open_session(driver, database) as session:
        while True:
            n = session.execute_write(
                lambda tx: int(run(tx, cypher.WIPE_BATCH, batch_size=WIPE_BATCH_SIZE)[0]["deleted"])
            )
            deleted += n
            if n == 0:
                return deleted


if TYPE_CHECKING:

    def _conforms(store: Neo4jStore) -> GraphStore:
        """Static check (mypy): the Neo4j store implements every method of the protocol with its signature."""
        return store
