"""What the steward's workflow needs from the Neo4j store: chain-guard reports and activity figures."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from identity_graph.model import MatchStatus
from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import Neo4jBase, Tx, now, run, run_ids, run_rows
from identity_graph.store.neo4j.rows import parse_time
from identity_graph.store.protocol import GuardReport, PersonStats, RecordActivity
from identity_graph.store.service_types import AuditEntry
from identity_graph.store.steward_types import AuditQuery, StewardAction


def _action(row: dict[str, Any]) -> StewardAction:
    """A StewardAction from a result row."""
    return StewardAction(
        id=int(row["id"]),
        kind=str(row["kind"]),
        actor=str(row["actor"]),
        at=datetime.fromisoformat(row["at"]),
        judgement_ids=tuple(int(i) for i in row["judgement_ids"] or []),
        superseded_ids=tuple(int(i) for i in row["superseded_ids"] or []),
        before={int(r): int(p) for r, p in json.loads(row["before"])},
        after={int(r): int(p) for r, p in json.loads(row["after"])},
        undone_at=parse_time(row["undone_at"]),
        undone_by=None if row["undone_by"] is None else str(row["undone_by"]),
    )


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

    # -- the steward's undo: actions with the memberships they changed
    def add_steward_action(self, action: StewardAction) -> int:
        """Store one steward action with its decisions; returns its id."""

        def work(tx: Tx) -> int:
            (action_id,) = self._next_ids(tx, "steward_action", 1)
            run(
                tx,
                cypher.ADD_ACTION,
                id=action_id,
                kind=action.kind,
                actor=action.actor,
                at=action.at.isoformat(),
                judgement_ids=[int(j) for j in action.judgement_ids],
                superseded_ids=[int(j) for j in action.superseded_ids],
                before=json.dumps(sorted(action.before.items())),
                after=json.dumps(sorted(action.after.items())),
            )
            return action_id

        return self._write(work)

    def steward_action(self, action_id: int) -> StewardAction | None:
        """One steward action by id."""
        rows = self._query(cypher.ACTION_BY_ID, id=action_id)
        return _action(rows[0]) if rows else None

    def steward_action_of_judgement(self, judgement_id: int) -> StewardAction | None:
        """The steward action that stored this decision (None for decisions older than the undo log)."""
        rows = self._query(cypher.ACTION_OF_JUDGEMENT, id=judgement_id)
        return _action(rows[0]) if rows else None

    def action_judgement_ids(self, kinds: Sequence[str]) -> set[int]:
        """Ids of the decisions stored by steward actions of these kinds."""
        return {int(j) for r in self._query(cypher.ACTION_JUDGEMENTS, kinds=list(kinds)) for j in r["ids"] or []}

    def mark_action_undone(self, action_id: int, by: str) -> bool:
        """Mark an action undone; False when it was undone already (or does not exist)."""
        return bool(self._execute(cypher.MARK_ACTION_UNDONE, id=action_id, undone_by=by, now=now()))

    def revive_persons(self, person_ids: Sequence[int]) -> None:
        """Make retired persons live again under their own ids (an undo gives them their records back)."""
        ids = [int(i) for i in person_ids]
        self._write(lambda tx: run_ids(tx, cypher.REVIVE_PERSONS, ids, now=now()))

    def reinstate_judgements(self, judgement_ids: Sequence[int]) -> None:
        """Make superseded decisions active again (an undo of the action that superseded them)."""
        ids = [int(i) for i in judgement_ids]
        self._write(lambda tx: run_ids(tx, cypher.REINSTATE_JUDGEMENTS, ids))

    # -- the review queue's filters
    def record_sources(self, record_ids: Sequence[int]) -> dict[int, str]:
        """Per record id: the source it came from."""
        ids = [int(i) for i in record_ids]
        rows = self._read(lambda tx: run_ids(tx, cypher.RECORD_SOURCES, ids))
        return {int(r["id"]): str(r["source"]) for r in rows}

    def count_edges(self, statuses: Sequence[MatchStatus]) -> int:
        """How many edges have these statuses."""
        rows = self._query(cypher.COUNT_EDGES, statuses=[s.value for s in statuses])
        return int(rows[0]["n"]) if rows else 0

    def record_ids_from(self, source: str) -> list[int]:
        """Ids of every record of one source, ascending."""
        return sorted(int(r["id"]) for r in self._query(cypher.RECORDS_FROM, source=source))

    def record_source_names(self) -> list[str]:
        """Every source the store holds records of, sorted."""
        return sorted(str(r["source"]) for r in self._query(cypher.SOURCE_NAMES))

    # -- the audit log's search
    def audit_search(self, query: AuditQuery) -> list[AuditEntry]:
        """Audit entries, newest first, filtered by actor, action (exact, or a prefix ending in '.') and time."""
        action = query.action or None
        rows = self._query(
            cypher.AUDIT_SEARCH,
            before_id=query.before_id,
            actors=list(query.actors) or None,
            action=action[:-1] if action and action.endswith(".") else action,
            prefix=action if action and action.endswith(".") else None,
            since=None if query.since is None else _time_text(query.since),
            until=None if query.until is None else _time_text(query.until),
            target=query.target,
            max_entries=query.limit,
        )
        return [
            AuditEntry(int(r["id"]), datetime.fromisoformat(r["at"]), r["actor"], r["action"], r["target"], r["detail"])
            for r in rows
        ]


def _time_text(moment: datetime) -> str:
    """A time as the stored UTC ISO text, for comparing with stored times."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
