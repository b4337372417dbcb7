"""The graph half of the embedded store: match edges, judgements, persons and the change feed."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from identity_graph.gc_pause import paused_gc
from identity_graph.model import ChangeEvent, Evidence, Judgement, MatchEdge, MatchStatus, Verdict
from identity_graph.store.protocol import EdgeRow, NewEvent, RetiredPerson
from identity_graph.store.retired import PersonQueries, trace_retired
from identity_graph.store.sqlite_base import SQLiteBase, chunks, placeholders, utcnow
from identity_graph.store.sqlite_bulk import bulk_params, insert_rows

#: `to_json` with one encoder made once (json.dumps builds a new one per call): an edge's evidence, as stored.
#: An Evidence's `vars` are its four plain fields, what `model_dump` returns, read without a copy.
_evidence_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode


def _edge_from_row(row: Sequence[object]) -> MatchEdge:
    """A MatchEdge from (left, right, score, weight, status, evidence, explanation)."""
    left, right, score, weight, status, evidence, explanation = row
    return MatchEdge(
        left=int(str(left)),
        right=int(str(right)),
        score=float(str(score)),
        weight=float(str(weight)),
        status=MatchStatus(str(status)),
        evidence=tuple(Evidence(**e) for e in json.loads(str(evidence))),
        explanation=str(explanation),
    )


def _judgement_from_row(row: Sequence[object]) -> Judgement:
    """A Judgement from (id, left, right, verdict, by, at, reason, superseded_at)."""
    jid, left, right, verdict, by, at, reason, superseded = row
    return Judgement(
        id=int(str(jid)),
        left=int(str(left)),
        right=int(str(right)),
        verdict=Verdict(str(verdict)),
        by=str(by),
        at=datetime.fromisoformat(str(at)),
        reason=None if reason is None else str(reason),
        superseded_at=None if superseded is None else datetime.fromisoformat(str(superseded)),
    )


#: How the encoder writes a string (`ensure_ascii=False`): the C function it uses itself.
_string: Callable[[str], str] = json.encoder.encode_basestring
#: Evidence's fields, in the sorted order `_entry_json` writes them; if the model changes, it stands aside.
_EVIDENCE_FIELDS = ("comparison", "detail", "level", "weight")
_PLAIN_EVIDENCE = tuple(sorted(Evidence.model_fields)) == _EVIDENCE_FIELDS


def _entry_json(ev: Evidence) -> str:
    """`_evidence_json(vars(ev))`, the same text, written directly: four plain fields, the weight a finite float
    (written as the encoder writes one, its repr). Anything else goes through the encoder."""
    weight = ev.weight
    if type(ev) is not Evidence or type(weight) is not float or not math.isfinite(weight) or not _PLAIN_EVIDENCE:
        return _evidence_json(vars(ev))
    return (
        f'{{"comparison":{_string(ev.comparison)},"detail":{_string(ev.detail)},"level":{_string(ev.level)},'
        f'"weight":{weight!r}}}'
    )


def _evidence_texts(edges: Sequence[MatchEdge]) -> list[str]:
    """Each edge's evidence as stored (`_evidence_json` of the list of its entries' fields). An entry shared by
    several edges (equal evidence is one frozen object: `state Nsw matches` on half of febrl's edges) is encoded
    once; the list is its entries' texts joined as the encoder joins them."""
    made: dict[int, str] = {}  # id() of an entry -> its JSON; every entry stays alive in `edges` meanwhile
    out = []
    for e in edges:
        parts = []
        for ev in e.evidence:
            text = made.get(id(ev))
            if text is None:
                text = made[id(ev)] = _entry_json(ev)
            parts.append(text)
        out.append(f"[{','.join(parts)}]")
    return out


#: The columns an edge is written to, in `EdgeRow`'s order and then its time.
_EDGE_COLUMNS = "left_id, right_id, score, weight, status, evidence, explanation, updated_at"


class SQLiteGraphMixin(SQLiteBase):
    """Edges, judgements, persons and events of the embedded store."""

    # -- match edges
    def replace_edges(self, edges: Sequence[MatchEdge], record_ids: Sequence[int] | None = None) -> None:
        """Replace all edges (None) or the edges touching these records with the given ones."""
        now = utcnow()
        with self.transaction() as conn:
            if record_ids is None:
                conn.execute("DELETE FROM match_edges")
            else:
                for part in chunks(list(record_ids)):
                    marks = placeholders(len(part))
                    conn.execute(
                        f"DELETE FROM match_edges WHERE left_id IN ({marks}) OR right_id IN ({marks})",
                        (*part, *part),
                    )
            insert_rows(
                conn,
                f"INSERT OR REPLACE INTO match_edges({_EDGE_COLUMNS})",
                8,
                [
                    (e.left, e.right, e.score, e.weight, e.status.value, evidence, e.explanation, now)
                    for e, evidence in zip(edges, _evidence_texts(edges), strict=True)
                ],
            )

    def fill_edges(self, batches: Iterable[Sequence[EdgeRow]]) -> None:
        """Replace every edge with these rows, given in batches (a pair given twice keeps its last row); one
        transaction, many rows per statement."""
        insert = f"INSERT OR REPLACE INTO match_edges({_EDGE_COLUMNS})"
        now = utcnow()
        with paused_gc(), self.transaction() as conn:
            conn.execute("DELETE FROM match_edges")
            params = bulk_params(conn)
            for batch in batches:
                insert_rows(conn, insert, 8, [(*row, now) for row in batch], params=params)

    def edges(self, record_ids: Sequence[int] | None = None, statuses: Sequence[MatchStatus] = ()) -> list[MatchEdge]:
        """Edges touching these records (all when None), optionally of some statuses."""
        cols = "left_id, right_id, score, weight, status, evidence, explanation"
        status_sql = f" AND status IN ({placeholders(len(statuses))})" if statuses else ""
        status_params = [s.value for s in statuses]
        conn = self._conn()
        if record_ids is None:
            rows = conn.execute(
                f"SELECT {cols} FROM match_edges WHERE 1 = 1{status_sql} ORDER BY left_id, right_id", status_params
            ).fetchall()
            return [_edge_from_row(r) for r in rows]
        found: dict[tuple[int, int], MatchEdge] = {}
        for part in chunks(list(record_ids)):
            marks = placeholders(len(part))
            for r in conn.execute(
                # `+status`: filter the rows the record indexes find, never scan a whole status through its index
                f"SELECT {cols} FROM match_edges WHERE (left_id IN ({marks}) OR right_id IN ({marks}))"
                f"{status_sql.replace('status', '+status')}",
                (*part, *part, *status_params),
            ):
                edge = _edge_from_row(r)
                found[(edge.left, edge.right)] = edge
        return [found[k] for k in sorted(found)]

    # -- judgements
    def add_judgement(self, judgement: Judgement) -> Judgement:
        """Store a decision; the pair's active decision, if any, is marked superseded, never removed."""
        left, right = sorted((judgement.left, judgement.right))
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO judgements(left_id, right_id, verdict, by, at, reason) VALUES (?, ?, ?, ?, ?, ?)",
                (left, right, judgement.verdict.value, judgement.by, judgement.at.isoformat(), judgement.reason),
            )
            new_id = int(cur.lastrowid or 0)
            conn.execute(
                "UPDATE judgements SET superseded_at = ?, superseded_by = ? "
                "WHERE left_id = ? AND right_id = ? AND superseded_at IS NULL AND id <> ?",
                (judgement.at.isoformat(), new_id, left, right, new_id),
            )
        return judgement.model_copy(update={"id": new_id, "left": left, "right": right})

    def judgements(self, record_ids: Sequence[int] | None = None, *, active_only: bool = True) -> list[Judgement]:
        """Decisions touching these records (all when None); only unsuperseded ones unless asked."""
        cols = "id, left_id, right_id, verdict, by, at, reason, superseded_at"
        active = " AND superseded_at IS NULL" if active_only else ""
        conn = self._conn()
        if record_ids is None:
            rows = conn.execute(f"SELECT {cols} FROM judgements WHERE 1 = 1{active} ORDER BY id").fetchall()
            return [_judgement_from_row(r) for r in rows]
        found: dict[int, Judgement] = {}
        for part in chunks(list(record_ids)):
            marks = placeholders(len(part))
            for r in conn.execute(
                f"SELECT {cols} FROM judgements WHERE (left_id IN ({marks}) OR right_id IN ({marks})){active}",
                (*part, *part),
            ):
                j = _judgement_from_row(r)
                found[j.id or 0] = j
        return [found[k] for k in sorted(found)]

    # -- persons
    def assignments(self, record_ids: Sequence[int] | None = None) -> dict[int, int]:
        """record id -> person id, for these records (all when None)."""
        conn = self._conn()
        if record_ids is None:
            return {int(r): int(p) for r, p in conn.execute("SELECT record_id, person_id FROM record_person")}
        out: dict[int, int] = {}
        for part in chunks(list(record_ids)):
            for r, p in conn.execute(
                f"SELECT record_id, person_id FROM record_person WHERE record_id IN ({placeholders(len(part))})",
                part,
            ):
                out[int(r)] = int(p)
        return out

    def person_record_ids(self, person_ids: Sequence[int]) -> dict[int, list[int]]:
        """person id -> its record ids (ascending)."""
        out: dict[int, list[int]] = defaultdict(list)
        for part in chunks(list(person_ids)):
            for r, p in self._conn().execute(
                f"SELECT record_id, person_id FROM record_person WHERE person_id IN ({placeholders(len(part))}) "
                "ORDER BY record_id",
                part,
            ):
                out[int(p)].append(int(r))
        return dict(out)

    def create_persons(self, n: int) -> list[int]:
        """Create n persons and return their new ids, ascending."""
        if n <= 0:
            return []
        now = utcnow()
        with self.transaction() as conn:
            start = int(conn.execute("SELECT coalesce(max(id), 0) FROM persons").fetchone()[0]) + 1
            ids = list(range(start, start + n))
            rows = [(i, now, now) for i in ids]
            insert_rows(conn, "INSERT INTO persons(id, created_at, updated_at)", 3, rows, params=bulk_params(conn))
        return ids

    def set_persons(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Assign records to persons: (record_id, person_id) pairs."""
        now = utcnow()
        with self.transaction() as conn:
            insert_rows(
                conn,
                "INSERT INTO record_person(record_id, person_id)",
                2,
                pairs,
                "ON CONFLICT(record_id) DO UPDATE SET person_id = excluded.person_id",
                params=bulk_params(conn),
            )
            touched = sorted({p for _, p in pairs})
            for part in chunks(touched):
                conn.execute(f"UPDATE persons SET updated_at = ? WHERE id IN ({placeholders(len(part))})", (now, *part))

    def retire_persons(self, pairs: Sequence[tuple[int, int | None]]) -> None:
        """Retire persons that lost all their records: (person_id, merged_into or None)."""
        now = utcnow()
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE persons SET retired_at = ?, merged_into = ?, updated_at = ? WHERE id = ?",
                ((now, into, now, pid) for pid, into in pairs),
            )

    def add_events(self, events: Sequence[NewEvent]) -> None:
        """Append to the change feed."""
        now = utcnow()
        with self.transaction() as conn:
            insert_rows(
                conn,
                "INSERT INTO change_events(at, type, person_id, other_person_id, record_id, cause)",
                6,
                [(now, e.type, e.person_id, e.other_person_id, e.record_id, e.cause) for e in events],
                params=bulk_params(conn),
            )

    def events(self, since_id: int = 0, since: datetime | None = None, limit: int = 1000) -> list[ChangeEvent]:
        """Change-feed events after an id and/or a time, oldest first."""
        sql = "SELECT id, at, type, person_id, other_person_id, record_id, cause FROM change_events WHERE id > ?"
        params: list[object] = [since_id]
        if since is not None:
            sql += " AND at >= ?"
            params.append(since.isoformat())
        sql += " ORDER BY id LIMIT ?"
        params.append(limit)
        return [
            ChangeEvent(
                id=int(r[0]),
                at=datetime.fromisoformat(r[1]),
                type=r[2],
                person_id=r[3],
                other_person_id=r[4],
                record_id=r[5],
                cause=r[6],
            )
            for r in self._conn().execute(sql, params)
        ]

    def live_person_ids(self) -> list[int]:
        """Ids of persons that hold at least one record."""
        return [int(r[0]) for r in self._conn().execute("SELECT DISTINCT person_id FROM record_person ORDER BY 1")]

    def resolve_person_id(self, person_id: int) -> int | None:
        """Follow merges: the live person an old id now lives on as (None if retired without heir)."""
        seen: set[int] = set()
        current: int | None = person_id
        while current is not None and current not in seen:
            seen.add(current)
            row = (
                self._conn().execute("SELECT merged_into, retired_at FROM persons WHERE id = ?", (current,)).fetchone()
            )
            if row is None:
                return None
            if row[1] is None:
                return current
            current = None if row[0] is None else int(row[0])
        return None

    def retired_person(self, person_id: int) -> RetiredPerson | None:
        """What became of a person id retired without heir: erased, or the live persons holding its records."""
        conn = self._conn()

        def state(pid: int) -> tuple[bool, int | None] | None:
            row = conn.execute("SELECT retired_at, merged_into FROM persons WHERE id = ?", (pid,)).fetchone()
            return None if row is None else (row[0] is not None, None if row[1] is None else int(row[1]))

        def erased(pid: int) -> bool:
            sql = "SELECT 1 FROM change_events WHERE person_id = ? AND type = 'person.erased' LIMIT 1"
            return conn.execute(sql, (pid,)).fetchone() is not None

        def detached(pids: Sequence[int]) -> list[int]:
            sql = (
                "SELECT DISTINCT record_id FROM change_events WHERE type = 'record.detached' "
                f"AND record_id IS NOT NULL AND person_id IN ({placeholders(len(pids))}) ORDER BY 1"
            )
            return [int(r[0]) for r in conn.execute(sql, list(pids))]

        return trace_retired(person_id, PersonQueries(state, erased, detached, self.assignments))
