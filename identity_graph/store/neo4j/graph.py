"""The graph half of the Neo4j store: MATCH edges, JUDGED decisions, persons and the change feed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from identity_graph.errors import StoreError
from identity_graph.model import ChangeEvent, Judgement, MatchEdge, MatchStatus
from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import Neo4jBase, Tx, now, run, run_ids, run_rows
from identity_graph.store.neo4j.rows import edge_from_row, edge_row, judgement_from_row, parse_time
from identity_graph.store.protocol import EdgeRow, NewEvent, RetiredPerson
from identity_graph.store.retired import PersonQueries, trace_retired


def event_rows(events: Sequence[NewEvent], ids: Sequence[int]) -> list[dict[str, Any]]:
    """`UNWIND` rows for change-feed events with their new ids."""
    return [
        {
            "id": i,
            "type": e.type,
            "person_id": e.person_id,
            "other_person_id": e.other_person_id,
            "record_id": e.record_id,
            "cause": e.cause,
        }
        for e, i in zip(events, ids, strict=True)
    ]


class Neo4jGraphMixin(Neo4jBase):
    """Edges, judgements, persons and events of the Neo4j store."""

    # -- match edges
    def replace_edges(self, edges: Sequence[MatchEdge], record_ids: Sequence[int] | None = None) -> None:
        """Replace all edges (None) or the edges touching these records with the given ones."""
        rows = list({(e.left, e.right): edge_row(e) for e in edges}.values())

        def work(tx: Tx) -> None:
            if record_ids is None:
                run(tx, cypher.DELETE_ALL_EDGES)
            else:
                run_ids(tx, cypher.DELETE_EDGES_OF, [int(r) for r in record_ids])
            run_rows(tx, cypher.MERGE_EDGES, rows, now=now())

        self._write(work)

    def fill_edges(self, batches: Iterable[Sequence[EdgeRow]]) -> None:
        """Replace every edge with these rows, a batch at a time, in one transaction (a pair given twice keeps its
        last row)."""
        names = ("left", "right", "score", "weight", "status", "evidence", "explanation")
        with self.transaction():
            self._write(lambda tx: run(tx, cypher.DELETE_ALL_EDGES))
            for batch in batches:
                rows = list({(r[0], r[1]): dict(zip(names, r, strict=True)) for r in batch}.values())

                def merge(tx: Tx, rows: list[dict[str, Any]] = rows) -> None:
                    run_rows(tx, cypher.MERGE_EDGES, rows, now=now())

                self._write(merge)

    def edges(self, record_ids: Sequence[int] | None = None, statuses: Sequence[MatchStatus] = ()) -> list[MatchEdge]:
        """Edges touching these records (all when None), optionally of some statuses, by (left, right)."""
        status_values = [s.value for s in statuses]
        if record_ids is None:
            return [edge_from_row(r) for r in self._query(cypher.EDGES_ALL, statuses=status_values)]
        ids = [int(r) for r in record_ids]
        rows = self._read(lambda tx: run_ids(tx, cypher.EDGES_OF, ids, statuses=status_values))
        found = {(e.left, e.right): e for e in (edge_from_row(r) for r in rows)}
        return [found[k] for k in sorted(found)]

    def edge_pairs(self, statuses: Sequence[MatchStatus]) -> list[tuple[int, int, float]]:
        """(left, right, score) of every edge of these statuses, without evidence (cheap for ranking many)."""
        rows = self._query(cypher.EDGE_PAIRS, statuses=[s.value for s in statuses])
        return [(int(r["left"]), int(r["right"]), float(r["score"])) for r in rows]

    # -- judgements
    def add_judgement(self, judgement: Judgement) -> Judgement:
        """Store a decision; the pair's active decision, if any, is marked superseded, never removed."""
        left, right = sorted((judgement.left, judgement.right))
        at = judgement.at.isoformat()

        def work(tx: Tx) -> int:
            (new_id,) = self._next_ids(tx, "judgement", 1)
            created = run(
                tx, cypher.CREATE_JUDGEMENT, left=left, right=right, id=new_id, verdict=judgement.verdict.value,
                judged_by=judgement.by, at=at, reason=judgement.reason,
            )  # fmt: skip
            if not created:
                raise StoreError(f"cannot judge records {left} and {right}: a record is not in the store")
            run(tx, cypher.SUPERSEDE_JUDGEMENTS, left=left, right=right, id=new_id, at=at)
            return new_id

        new_id = self._write(work)
        return judgement.model_copy(update={"id": new_id, "left": left, "right": right})

    def judgements(self, record_ids: Sequence[int] | None = None, *, active_only: bool = True) -> list[Judgement]:
        """Decisions touching these records (all when None); only unsuperseded ones unless asked; by id."""
        if record_ids is None:
            return [judgement_from_row(r) for r in self._query(cypher.JUDGEMENTS_ALL, active_only=active_only)]
        ids = [int(r) for r in record_ids]
        rows = self._read(lambda tx: run_ids(tx, cypher.JUDGEMENTS_OF, ids, active_only=active_only))
        found = {j.id or 0: j for j in (judgement_from_row(r) for r in rows)}
        return [found[k] for k in sorted(found)]

    # -- persons
    def assignments(self, record_ids: Sequence[int] | None = None) -> dict[int, int]:
        """record id -> person id, for these records (all when None)."""
        if record_ids is None:
            rows = self._query(cypher.ASSIGNMENTS_ALL)
        else:
            ids = [int(r) for r in record_ids]
            rows = self._read(lambda tx: run_ids(tx, cypher.ASSIGNMENTS_OF, ids))
        return {int(r["record_id"]): int(r["person_id"]) for r in rows}

    def person_record_ids(self, person_ids: Sequence[int]) -> dict[int, list[int]]:
        """person id -> its record ids (ascending)."""
        ids = [int(p) for p in person_ids]
        out: dict[int, list[int]] = defaultdict(list)
        for r in self._read(lambda tx: run_ids(tx, cypher.PERSON_RECORDS, ids)):
            out[int(r["person_id"])].append(int(r["record_id"]))
        return {pid: sorted(rids) for pid, rids in out.items()}

    def create_persons(self, n: int) -> list[int]:
        """Create n persons and return their new ids, ascending."""
        if n <= 0:
            return []

        def work(tx: Tx) -> list[int]:
            ids = self._next_ids(tx, "person", n)
            run_ids(tx, cypher.CREATE_PERSONS, ids, now=now())
            return ids

        return self._write(work)

    def set_persons(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Assign records to persons: (record_id, person_id) pairs; a record listed twice gets its last person."""
        last = {int(r): int(p) for r, p in pairs}
        rows = [{"record_id": r, "person_id": p} for r, p in last.items()]
        self._write(lambda tx: run_rows(tx, cypher.SET_PERSONS, rows, now=now()))

    def retire_persons(self, pairs: Sequence[tuple[int, int | None]]) -> None:
        """Retire persons that lost all their records: (person_id, merged_into or None)."""
        rows = [{"person_id": int(p), "merged_into": None if m is None else int(m)} for p, m in pairs]
        self._write(lambda tx: run_rows(tx, cypher.RETIRE_PERSONS, rows, now=now()))

    def add_events(self, events: Sequence[NewEvent]) -> None:
        """Append to the change feed (ids ascending in the order given)."""
        if not events:
            return

        def work(tx: Tx) -> None:
            ids = self._next_ids(tx, "event", len(events))
            run_rows(tx, cypher.ADD_EVENTS, event_rows(events, ids), now=now())

        self._write(work)

    def events(self, since_id: int = 0, since: datetime | None = None, limit: int = 1000) -> list[ChangeEvent]:
        """Change-feed events after an id and/or a time, oldest first."""
        rows = self._query(
            cypher.EVENTS_AFTER, after_id=since_id, since=None if since is None else since.isoformat(), max_events=limit
        )
        return [
            ChangeEvent(
                id=int(r["id"]),
                at=datetime.fromisoformat(r["at"]),
                type=r["type"],
                person_id=r["person_id"],
                other_person_id=r["other_person_id"],
                record_id=r["record_id"],
                cause=r["cause"],
            )
            for r in rows
        ]

    def live_person_ids(self) -> list[int]:
        """Ids of persons that hold at least one record."""
        return [int(r["id"]) for r in self._query(cypher.LIVE_PERSONS)]

    def resolve_person_id(self, person_id: int) -> int | None:
        """Follow merges: the live person an old id now lives on as (None if retired without heir)."""

        def work(tx: Tx) -> int | None:
            seen: set[int] = set()
            current: int | None = person_id
            while current is not None and current not in seen:
                seen.add(current)
                rows = run(tx, cypher.PERSON_STATE, id=current)
                if not rows:
                    return None
                if parse_time(rows[0]["retired_at"]) is None:
                    return current
                merged = rows[0]["merged_into"]
                current = None if merged is None else int(merged)
            return None

        return self._read(work)

    def retired_person(self, person_id: int) -> RetiredPerson | None:
        """What became of a person id retired without heir: erased, or the live persons holding its records."""

        def state(pid: int) -> tuple[bool, int | None] | None:
            rows = self._query(cypher.PERSON_STATE, id=pid)
            if not rows:
                return None
            merged = rows[0]["merged_into"]
            return parse_time(rows[0]["retired_at"]) is not None, None if merged is None else int(merged)

        def erased(pid: int) -> bool:
            return int(self._query(cypher.PERSON_ERASED, person_id=pid)[0]["n"]) > 0

        def detached(pids: Sequence[int]) -> list[int]:
            rows = self._query(cypher.DETACHED_RECORDS, person_ids=[int(p) for p in pids])
            return [int(r["record_id"]) for r in rows]

        return trace_retired(person_id, PersonQueries(state, erased, detached, self.assignments))

    def last_event_id(self) -> int:
        """The id of the newest change-feed event (0 when the feed is empty)."""
        return int(self._query(cypher.LAST_EVENT_ID)[0]["id"])
