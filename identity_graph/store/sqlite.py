"""The embedded store: one SQLite file in WAL mode, implementing `GraphStore`."""

from __future__ import annotations

from identity_graph.store.sqlite_campaigns import SQLiteCampaignsMixin
from identity_graph.store.sqlite_graph import SQLiteGraphMixin
from identity_graph.store.sqlite_ingest import SQLiteIngestMixin
from identity_graph.store.sqlite_read import SQLiteReadMixin
from identity_graph.store.sqlite_runs import SQLiteRunsMixin
from identity_graph.store.sqlite_service import SQLiteServiceMixin
from identity_graph.store.sqlite_steward import SQLiteStewardMixin
from identity_graph.store.sqlite_window import SQLiteWindowMixin


class SQLiteStore(
    SQLiteIngestMixin,
    SQLiteReadMixin,
    SQLiteGraphMixin,
    SQLiteStewardMixin,
    SQLiteServiceMixin,
    SQLiteRunsMixin,
    SQLiteCampaignsMixin,
    SQLiteWindowMixin,
):
    """The embedded default store (no server): SQLite with WAL, foreign keys and integer keys."""
