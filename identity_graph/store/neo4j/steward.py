"""What the steward's workflow needs from the Neo4j store: chain-guard reports and activity figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import Neo4jBase, Tx, now, run_ids, run_rows
from identity_graph.store.neo4j.rows import parse_time
from identity_graph.store.protocol import GuardReport, PersonStats, RecordActivity


class Neo4jStewardMixin(Neo4jBase):
    """Guard reports and the activity figures the review queue ranks by."""

    def add_guard_reports(self, reports: Sequence[tuple[Sequence[int], str]]) -> list[int]:
        """Store chain-guard reports, (record ids, reason) each; returns their ids."""
        if not reports:
            return []

        def work(tx: Tx) -> list[int]:
            ids = self._next_ids(tx, "guard_report", len(reports))
            rows = [
                {"id": gid, "record_ids": [int(r) for r in record_ids], "reason": reason}
                for gid, (record_ids, reason) in zip(ids, reports, strict=True)
            ]
            run_rows(tx, cypher.ADD_GUARD_REPORTS, rows, now=now())
            return ids

        return self._write(work)

    def guard_reports(self, *, open_only: bool = True) -> list[GuardReport]:
        """Chain-guard reports, oldest first; only the unresolved ones unless asked."""
        return [
            GuardReport(
                id=int(r["id"]),
                record_ids=tuple(int(x) for x in r["record_ids"]),
                reason=str(r["reason"]),
                created_at=datetime.fromisoformat(r["created_at"]),
                resolved_at=parse_time(r["resolved_at"]),
            )
            for r in self._query(cypher.GUARD_REPORTS, open_only=open_only)
        ]

    def resolve_guard_reports(self, report_ids: Sequence[int]) -> None:
        """Mark chain-guard reports as dealt with (kept, never deleted)."""
        ids = [int(i) for i in report_ids]
        self._write(lambda tx: run_ids(tx, cypher.RESOLVE_GUARD_REPORTS, ids, now=now()))

    def record_activity(self, record_ids: Sequence[int]) -> dict[int, RecordActivity]:
        """Per record: how many interactions it took part in and when it last changed."""
        ids = [int(i) for i in record_ids]
        rows = self._read(lambda tx: run_ids(tx, cypher.RECORD_ACTIVITY, ids))
        return {
            int(r["id"]): RecordActivity(
                interactions=int(r["interactions"]), changed_at=datetime.fromisoformat(r["changed_at"])
            )
            for r in rows
        }

    def person_stats(self, person_ids: Sequence[int]) -> dict[int, PersonStats]:
        """Per live person: how many records it holds and how many distinct interactions they took part in."""
        ids = [int(i) for i in person_ids]
        rows = self._read(lambda tx: run_ids(tx, cypher.PERSON_STATS, ids))
        return {int(r["id"]): PersonStats(records=int(r["records"]), interactions=int(r["interactions"])) for r in rows}

    def identifier_keys(self, record_ids: Sequence[int]) -> dict[int, set[str]]:
        """Per record: the keys (`kind:value`) of the identifiers it holds (records without any are left out)."""
        ids = [int(i) for i in record_ids]
        out: dict[int, set[str]] = {}
        for r in self._read(lambda tx: run_ids(tx, cypher.IDENTIFIER_KEYS_OF, ids)):
            out.setdefault(int(r["record_id"]), set()).add(f"{r['kind']}:{r['value']}")
        return out
