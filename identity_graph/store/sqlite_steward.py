"""Reads and writes the steward's workflow needs: chain-guard reports, per-record and per-person activity, the
steward actions an undo reads, and the audit log's search."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from identity_graph.model import MatchStatus
from identity_graph.store.protocol import GuardReport, PersonStats, RecordActivity
from identity_graph.store.service_types import AuditEntry
from identity_graph.store.sqlite_base import SQLiteBase, chunks, placeholders, to_json, utcnow
from identity_graph.store.steward_types import AuditQuery, StewardAction


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

    # -- the steward's undo: actions with the memberships they changed
    def add_steward_action(self, action: StewardAction) -> int:
        """Store one steward action with its decisions; returns its id."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO steward_actions(kind, actor, at, superseded_ids, before, after) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    action.kind,
                    action.actor,
                    action.at.isoformat(),
                    to_json(list(action.superseded_ids)),
                    to_json(sorted(action.before.items())),
                    to_json(sorted(action.after.items())),
                ),
            )
            action_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT OR REPLACE INTO steward_action_judgements(judgement_id, action_id) VALUES (?, ?)",
                [(int(j), action_id) for j in action.judgement_ids],
            )
        return action_id

    def steward_action(self, action_id: int) -> StewardAction | None:
        """One steward action by id."""
        row = self._conn().execute(f"SELECT {_ACTION_COLS} FROM steward_actions WHERE id = ?", (action_id,)).fetchone()
        return None if row is None else self._action(row)

    def steward_action_of_judgement(self, judgement_id: int) -> StewardAction | None:
        """The steward action that stored this decision (None for decisions older than the undo log)."""
        row = (
            self._conn()
            .execute(
                f"SELECT {_ACTION_COLS} FROM steward_actions WHERE id = "
                "(SELECT action_id FROM steward_action_judgements WHERE judgement_id = ?)",
                (judgement_id,),
            )
            .fetchone()
        )
        return None if row is None else self._action(row)

    def action_judgement_ids(self, kinds: Sequence[str]) -> set[int]:
        """Ids of the decisions stored by steward actions of these kinds."""
        rows = self._conn().execute(
            "SELECT j.judgement_id FROM steward_action_judgements j JOIN steward_actions a ON a.id = j.action_id "
            f"WHERE a.kind IN ({placeholders(len(kinds))})",
            list(kinds),
        )
        return {int(r[0]) for r in rows}

    def mark_action_undone(self, action_id: int, by: str) -> bool:
        """Mark an action undone; False when it was undone already (or does not exist)."""
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE steward_actions SET undone_at = ?, undone_by = ? WHERE id = ? AND undone_at IS NULL",
                (utcnow(), by, action_id),
            )
            return cur.rowcount > 0

    def revive_persons(self, person_ids: Sequence[int]) -> None:
        """Make retired persons live again under their own ids (an undo gives them their records back)."""
        now = utcnow()
        with self.transaction() as conn:
            for part in chunks(list(person_ids)):
                conn.execute(
                    "UPDATE persons SET retired_at = NULL, merged_into = NULL, updated_at = ? "
                    f"WHERE id IN ({placeholders(len(part))})",
                    (now, *part),
                )

    def reinstate_judgements(self, judgement_ids: Sequence[int]) -> None:
        """Make superseded decisions active again (an undo of the action that superseded them)."""
        with self.transaction() as conn:
            for part in chunks(list(judgement_ids)):
                conn.execute(
                    "UPDATE judgements SET superseded_at = NULL, superseded_by = NULL "
                    f"WHERE id IN ({placeholders(len(part))})",
                    part,
                )

    def _action(self, row: Sequence[object]) -> StewardAction:
        """A StewardAction from a row of `_ACTION_COLS`, with its decision ids."""
        aid, kind, actor, at, superseded, before, after, undone_at, undone_by = row
        ids = [
            int(r[0])
            for r in self._conn().execute(
                "SELECT judgement_id FROM steward_action_judgements WHERE action_id = ? ORDER BY judgement_id", (aid,)
            )
        ]
        return StewardAction(
            id=int(str(aid)),
            kind=str(kind),
            actor=str(actor),
            at=_utc(str(at)),
            judgement_ids=tuple(ids),
            superseded_ids=tuple(int(i) for i in json.loads(str(superseded))),
            before={int(r): int(p) for r, p in json.loads(str(before))},
            after={int(r): int(p) for r, p in json.loads(str(after))},
            undone_at=None if undone_at is None else _utc(str(undone_at)),
            undone_by=None if undone_by is None else str(undone_by),
        )

    # -- the review queue's filters
    def record_sources(self, record_ids: Sequence[int]) -> dict[int, str]:
        """Per record id: the source it came from."""
        out: dict[int, str] = {}
        conn = self._conn()
        for part in chunks(list(record_ids)):
            for rid, source in conn.execute(
                f"SELECT id, source FROM records WHERE id IN ({placeholders(len(part))})", part
            ):
                out[int(rid)] = str(source)
        return out

    def count_edges(self, statuses: Sequence[MatchStatus]) -> int:
        """How many edges have these statuses."""
        marks = placeholders(len(statuses))
        return int(
            self.scalar(f"SELECT count(*) FROM match_edges WHERE status IN ({marks})", [s.value for s in statuses])
        )

    def record_ids_from(self, source: str) -> list[int]:
        """Ids of every record of one source, ascending."""
        rows = self._conn().execute("SELECT id FROM records WHERE source = ? ORDER BY id", (source,))
        return [int(r[0]) for r in rows]

    def record_source_names(self) -> list[str]:
        """Every source the store holds records of, sorted."""
        return sorted(str(r[0]) for r in self._conn().execute("SELECT DISTINCT source FROM records"))

    # -- the audit log's search
    def audit_search(self, query: AuditQuery) -> list[AuditEntry]:
        """Audit entries, newest first, filtered by actor, action (exact, or a prefix ending in '.') and time."""
        sql = "SELECT id, at, actor, action, target, detail FROM audit_log WHERE 1 = 1"
        params: list[object] = []
        if query.before_id is not None:
            sql += " AND id < ?"
            params.append(query.before_id)
        if query.target is not None:
            sql += " AND target = ?"
            params.append(query.target)
        if query.actors:
            sql += f" AND actor IN ({placeholders(len(query.actors))})"
            params += list(query.actors)
        if query.action:
            if query.action.endswith("."):
                sql += " AND (action = ? OR substr(action, 1, ?) = ?)"
                params += [query.action[:-1], len(query.action), query.action]
            else:
                sql += " AND action = ?"
                params.append(query.action)
        if query.since is not None:
            sql += " AND at >= ?"
            params.append(query.since.astimezone(UTC).isoformat(timespec="microseconds"))
        if query.until is not None:
            sql += " AND at < ?"
            params.append(query.until.astimezone(UTC).isoformat(timespec="microseconds"))
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(query.limit)
        return [
            AuditEntry(int(r[0]), datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5])
            for r in self._conn().execute(sql, params)
        ]


_ACTION_COLS = "id, kind, actor, at, superseded_ids, before, after, undone_at, undone_by"
