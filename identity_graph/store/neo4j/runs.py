"""The load history of the Neo4j store: `(:IngestRun)` nodes with ids from their own counter."""

from __future__ import annotations

from typing import Any

from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import Neo4jBase, Tx, run
from identity_graph.store.runs import DEFAULT_RUNS_LIMIT, IngestRun, check_limit, run_from_row, run_values

#: The `(:Counter)` that numbers runs.
RUN_COUNTER = "ingest_run"


def _create_run(tx: Tx, run_id: int, values: dict[str, Any]) -> None:
    """Create one `(:IngestRun)` node from a run's stored form."""
    run(
        tx,
        cypher.ADD_INGEST_RUN,
        id=run_id,
        source=values["source"],
        format=values["format"],
        started_at=values["started_at"],
        finished_at=values["finished_at"],
        loaded=values["loaded"],
        updated=values["updated"],
        unchanged=values["unchanged"],
        quarantined=values["quarantined"],
        notes=values["notes"],
    )


class Neo4jRunsMixin(Neo4jBase):
    """Records loads and lists them, newest first (the same stored forms as the embedded store)."""

    def record_ingest_run(self, run: IngestRun) -> int:
        """Store one load; returns its new id (the run's own `id`, if any, is ignored)."""
        values = run_values(run)

        def work(tx: Tx) -> int:
            (run_id,) = self._next_ids(tx, RUN_COUNTER, 1)
            _create_run(tx, run_id, values)
            return run_id

        return self._write(work)

    def ingest_runs(self, limit: int = DEFAULT_RUNS_LIMIT, source: str | None = None) -> list[IngestRun]:
        """The newest `limit` loads (of one source when given), newest first."""
        check_limit(limit)
        return [run_from_row(r) for r in self._query(cypher.INGEST_RUNS, source=source, max_runs=limit)]
