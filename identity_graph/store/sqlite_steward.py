"""Reads and writes the steward's workflow needs: chain-guard reports and per-record and per-person activity."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from identity_graph.model import MatchStatus
from identity_graph.store.protocol import GuardReport, PersonStats, RecordActivity
from identity_graph.store.sqlite_base import SQLiteBase, chunks, placeholders, to_json, utcnow


def _utc(text: str) -> datetime:
    """Stored ISO time text as an aware datetime (a naive source time is taken as UTC)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SQLiteStewardMixin(SQLiteBase):
    """Guard reports and the activity figures the review queue ranks by."""

    def add_guard_reports(self, reports: Sequence[tuple[Sequence[int], str]]) -> list[int]:
        """Store chain-guard reports, (record ids, reason) each; returns their ids."""
        now = utcnow()
        ids: list[int] = []
        with self.transaction() as conn:
            for record_ids, reason in reports:
                cur = conn.execute(
                    "INSERT INTO guard_reports(record_ids, reason, created_at) VALUES (?, ?, ?)",
                    (to_json([int(r) for r in record_ids]), reason, now),
                )
                ids.append(int(cur.lastrowid or 0))
        return ids

    def guard_reports(self, *, open_only: bool = True) -> list[GuardReport]:
        """Chain-guard reports, oldest first; only the unresolved ones unless asked."""
        where = "WHERE resolved_at IS NULL" if open_only else ""
        rows = self._conn().execute(
            f"SELECT id, record_ids, reason, created_at, resolved_at FROM guard_reports {where} ORDER BY id"
        )
        return [
            GuardReport(
                id=int(gid),
                record_ids=tuple(int(r) for r in json.loads(record_ids)),
                reason=str(reason),
                created_at=datetime.fromisoformat(created),
                resolved_at=None if resolved is None else datetime.fromisoformat(resolved),
            )
            for gid, record_ids, reason, created, resolved in rows
        ]

    def resolve_guard_reports(self, report_ids: Sequence[int]) -> None:
        """Mark chain-guard reports as dealt with (kept, never deleted)."""
        now = utcnow()
        with self.transaction() as conn:
            for part in chunks(list(report_ids)):
                conn.execute(
                    f"UPDATE guard_reports SET resolved_at = ? WHERE resolved_at IS NULL "
                    f"AND id IN ({placeholders(len(part))})",
                    (now, *part),
                )

    def record_activity(self, record_ids: Sequence[int]) -> dict[int, RecordActivity]:
        """Per record: interactions it took part in, when it last changed here, and when it was last active."""
        out: dict[int, RecordActivity] = {}
        conn = self._conn()
        for part in chunks(list(record_ids)):
            marks = placeholders(len(part))
            for rid, changed, updated, n, last in conn.execute(
                "SELECT r.id, r.changed_at, r.updated_at, count(DISTINCT p.interaction_id), max(x.occurred_at) "
                "FROM records r LEFT JOIN participations p ON p.record_id = r.id "
                f"LEFT JOIN interactions x ON x.id = p.interaction_id WHERE r.id IN ({marks}) GROUP BY r.id",
                part,
            ):
                moments = [_utc(t) for t in (updated, last) if t]
                out[int(rid)] = RecordActivity(
                    interactions=int(n),
                    changed_at=_utc(changed),
                    last_active=max(moments) if moments else None,
                )
        return out

    def person_stats(self, person_ids: Sequence[int]) -> dict[int, PersonStats]:
        """Per live person: how many records it holds and how many distinct interactions they took part in."""
        out: dict[int, PersonStats] = {}
        conn = self._conn()
        for part in chunks(list(person_ids)):
            marks = placeholders(len(part))
            records = dict(
                conn.execute(
                    f"SELECT person_id, count(*) FROM record_person WHERE person_id IN ({marks}) GROUP BY person_id",
                    part,
                ).fetchall()
            )
            acts = dict(
                conn.execute(
                    "SELECT rp.person_id, count(DISTINCT p.interaction_id) FROM record_person rp "
                    f"JOIN participations p ON p.record_id = rp.record_id WHERE rp.person_id IN ({marks}) "
                    "GROUP BY rp.person_id",
                    part,
                ).fetchall()
            )
            for pid, n in records.items():
                out[int(pid)] = PersonStats(records=int(n), interactions=int(acts.get(pid, 0)))
        return out

    def last_event_id(self) -> int:
        """The id of the newest change-feed event (0 when the feed is empty)."""
        return int(self.scalar("SELECT coalesce(max(id), 0) FROM change_events"))

    def identifier_keys(self, record_ids: Sequence[int]) -> dict[int, set[str]]:
        """Per record: the keys (`kind:value`) of the identifiers it holds (records without any are left out)."""
        out: dict[int, set[str]] = {}
        conn = self._conn()
        for part in chunks(list(record_ids)):
            for rid, kind, value in conn.execute(
                "SELECT ri.record_id, i.kind, i.value FROM record_identifiers ri "
                f"JOIN identifiers i ON i.id = ri.identifier_id WHERE ri.record_id IN ({placeholders(len(part))})",
                part,
            ):
                out.setdefault(int(rid), set()).add(f"{kind}:{value}")
        return out

    def edge_pairs(self, statuses: Sequence[MatchStatus]) -> list[tuple[int, int, float]]:
        """(left, right, score) of every edge of these statuses, without evidence (cheap for ranking many)."""
        marks = placeholders(len(statuses))
        rows = self._conn().execute(
            f"SELECT left_id, right_id, score FROM match_edges WHERE status IN ({marks}) ORDER BY left_id, right_id",
            [s.value for s in statuses],
        )
        return [(int(a), int(b), float(c)) for a, b, c in rows]
