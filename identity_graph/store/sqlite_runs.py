"""The load history of the embedded store: the `ingest_runs` table (counts and notes, never record content)."""

from __future__ import annotations

from identity_graph.store.runs import DEFAULT_RUNS_LIMIT, IngestRun, check_limit, run_from_row, run_values
from identity_graph.store.sqlite_base import SQLiteBase

_COLUMNS = ("source", "format", "started_at", "finished_at", "loaded", "updated", "unchanged", "quarantined", "notes")
_INSERT = f"INSERT INTO ingest_runs ({', '.join(_COLUMNS)}) VALUES ({', '.join(':' + c for c in _COLUMNS)})"
_SELECT = f"SELECT id, {', '.join(_COLUMNS)} FROM ingest_runs"


class SQLiteRunsMixin(SQLiteBase):
    """Records loads and lists them, newest first."""

    def record_ingest_run(self, run: IngestRun) -> int:
        """Store one load; returns its new id (the run's own `id`, if any, is ignored)."""
        with self.transaction() as conn:
            cur = conn.execute(_INSERT, run_values(run))
            return int(cur.lastrowid or 0)

    def ingest_runs(self, limit: int = DEFAULT_RUNS_LIMIT, source: str | None = None) -> list[IngestRun]:
        """The newest `limit` loads (of one source when given), newest first."""
        check_limit(limit)
        if source is None:
            rows = self.query(f"{_SELECT} ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self.query(f"{_SELECT} WHERE source = ? ORDER BY id DESC LIMIT ?", (source, limit))
        return [run_from_row(dict(zip(row.keys(), row, strict=True))) for row in rows]
