"""Reads of the Neo4j store: counts, records, identifiers, name search, blocking keys, timelines, export."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from identity_graph.model import Identifier, IdentifierKind, StoredInteraction, StoredRecord, TimelineItem
from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import PAGE_SIZE, Neo4jBase, Tx, run, run_ids, run_keys, run_rows
from identity_graph.store.neo4j.rows import (
    epoch_us,
    export_person,
    interaction_from_props,
    name_query,
    record_from_props,
    timeline_item,
)
from identity_graph.store.protocol import ExportRow, Posting, TimelineQuery


def _records(rows: list[dict[str, Any]]) -> list[StoredRecord]:
    """StoredRecords from rows of (record properties, claims)."""
    return [record_from_props(r["record"], r["claims"]) for r in rows]


class Neo4jReadMixin(Neo4jBase):
    """Read paths of the Neo4j store."""

    def counts(self) -> dict[str, int]:
        """Numbers of records, interactions, identifiers, persons and edges by status."""

        def work(tx: Tx) -> dict[str, int]:
            out = {
                "records": int(run(tx, cypher.COUNT_RECORDS)[0]["n"]),
                "interactions": int(run(tx, cypher.COUNT_INTERACTIONS)[0]["n"]),
                "identifiers": int(run(tx, cypher.COUNT_IDENTIFIERS)[0]["n"]),
                "persons": int(run(tx, cypher.COUNT_PERSONS)[0]["n"]),
                "judgements": int(run(tx, cypher.COUNT_ACTIVE_JUDGEMENTS)[0]["n"]),
            }
            for row in run(tx, cypher.COUNT_EDGES_BY_STATUS):
                out[f"edges_{row['status']}"] = int(row["n"])
            return out

        return self._read(work)

    def get_records(self, ids: Sequence[int]) -> list[StoredRecord]:
        """Records by id, with their identifiers, in the order asked (unknown ids left out)."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        found = self._read(lambda tx: _records(run_ids(tx, cypher.RECORDS_BY_ID, wanted)))
        by_id = {r.id: r for r in found}
        return [by_id[i] for i in ids if i in by_id]

    def find_record(self, source: str, source_id: str) -> StoredRecord | None:
        """A record by natural key."""
        found = _records(self._query(cypher.RECORD_BY_KEY, source=source, source_id=source_id))
        return found[0] if found else None

    def iter_records(self, batch_size: int = 10_000, *, dirty_only: bool = False) -> Iterator[list[StoredRecord]]:
        """Every record (or every changed one), in batches, by id (keyset paging, one short read per page)."""
        last = 0
        while True:
            rows = self._query(cypher.RECORD_PAGE, after=last, dirty_only=dirty_only, page_size=batch_size)
            page = sorted(_records(rows), key=lambda r: r.id)
            if not page:
                return
            last = page[-1].id
            yield page

    def record_ids(self) -> list[int]:
        """Every record id, ascending."""
        return [int(r["id"]) for r in self._query(cypher.RECORD_IDS)]

    def mark_resolved(self, ids: Sequence[int] | None = None) -> None:
        """Clear the changed-since-resolve flag of these records (all when None)."""
        if ids is None:
            self._execute(cypher.MARK_ALL_RESOLVED)
            return
        wanted = [int(i) for i in ids]
        self._write(lambda tx: run_ids(tx, cypher.MARK_RESOLVED, wanted))

    def iter_postings(self, kinds: Sequence[IdentifierKind] = ()) -> Iterator[Posting]:
        """Every record-identifier link (optionally of some kinds), ordered by identifier (paged by identifier id)."""
        kind_values = [k.value for k in kinds]
        last = 0
        while True:
            rows = self._query(cypher.POSTINGS_PAGE, after=last, kinds=kind_values, page_size=PAGE_SIZE)
            if not rows:
                return
            last = int(rows[-1]["identifier_id"])
            for r in rows:
                if r["record_id"] is not None:
                    yield Posting(
                        int(r["identifier_id"]), IdentifierKind(r["kind"]), r["value"], int(r["record_id"]),
                        r["strength"],
                    )  # fmt: skip

    def records_with_identifiers(self, identifiers: Sequence[Identifier]) -> dict[str, list[int]]:
        """Record ids holding each identifier, keyed by the identifier's key."""
        keys = [{"kind": i.kind.value, "value": i.value} for i in identifiers]
        out: dict[str, list[int]] = {}
        for r in self._read(lambda tx: run_keys(tx, cypher.RECORDS_WITH_IDENTIFIERS, keys)):
            out.setdefault(f"{r['kind']}:{r['value']}", []).append(int(r["record_id"]))
        for ids in out.values():
            ids.sort()
        return out

    def search_names(self, text: str, limit: int = 50) -> list[int]:
        """Ids of records whose name holds every word of `text` (accent-folded full-text, prefix on the last)."""
        query = name_query(text)
        if query is None:
            return []
        words, prefix = query
        if words:
            first, others = words[0], words[1:]
            rows = self._query(cypher.SEARCH_NAME_WORDS, first=first, others=others, prefix=prefix, max_hits=limit)
        else:
            rows = self._query(cypher.SEARCH_NAME_PREFIX, prefix=prefix, max_hits=limit)
        return [int(r["id"]) for r in rows]

    def replace_blocking_keys(
        self,
        keys: Sequence[tuple[str, int]],
        record_ids: Sequence[int] | None,
        *,
        meanwhile: Callable[[], None] | None = None,
    ) -> None:
        """Replace the blocking keys of these records (all when None) with (key, record_id) pairs (`meanwhile` is
        called first)."""
        if meanwhile is not None:
            meanwhile()
        rows = [{"key": k, "record_id": int(r)} for k, r in dict.fromkeys(keys)]

        def work(tx: Tx) -> None:
            if record_ids is None:
                run(tx, cypher.DELETE_ALL_BLOCKING_KEYS)
            else:
                run_ids(tx, cypher.DELETE_BLOCKING_KEYS_OF, [int(r) for r in record_ids])
            run_rows(tx, cypher.INSERT_BLOCKING_KEYS, rows)

        self._write(work)

    def fill_blocking_keys(self, batches: Iterable[Sequence[tuple[str, int]]]) -> None:
        """Replace every record's blocking keys with these, a batch at a time (the first replaces them all)."""
        with self.transaction():
            first = True
            for batch in batches:
                self.replace_blocking_keys(batch, None if first else [])
                first = False
            if first:
                self.replace_blocking_keys([], None)

    def records_with_blocking_keys(self, keys: Sequence[str], limit_per_key: int) -> dict[str, list[int]]:
        """Record ids under each blocking key; a key holding more than the limit maps to an empty list."""

        def work(tx: Tx) -> dict[str, list[int]]:
            out: dict[str, list[int]] = {}
            for key in keys:
                ids = sorted(int(r["id"]) for r in run(tx, cypher.BLOCK_MEMBERS, key=key, cap=limit_per_key + 1))
                out[key] = ids if len(ids) <= limit_per_key else []
            return out

        return self._read(work)

    def timeline(self, person_id: int, query: TimelineQuery) -> tuple[list[TimelineItem], int]:
        """A page of the person's interactions, newest first, and the total matching the filters."""
        channels = [c.value for c in query.channels]
        since_us = None if query.since is None else epoch_us(query.since)
        until_us = None if query.until is None else epoch_us(query.until)

        def work(tx: Tx) -> tuple[list[TimelineItem], int]:
            total = run(
                tx, cypher.TIMELINE_TOTAL, person_id=person_id, channels=channels, since_us=since_us, until_us=until_us
            )
            rows = run(
                tx, cypher.TIMELINE_PAGE, person_id=person_id, channels=channels, since_us=since_us,
                until_us=until_us, skip_n=query.offset, page_size=query.limit,
            )  # fmt: skip
            return [timeline_item(r) for r in rows], int(total[0]["total"])

        return self._read(work)

    def get_interaction(self, interaction_id: int) -> StoredInteraction | None:
        """One interaction by id (participants are not filled in)."""
        rows = self._query(cypher.INTERACTION_BY_ID, id=interaction_id)
        return interaction_from_props(rows[0]["interaction"]) if rows else None

    def iter_export(self) -> Iterator[ExportRow]:
        """Every ingested item with its person; an interaction takes the person of its first customer party."""
        last = 0
        while rows := self._query(cypher.EXPORT_RECORDS_PAGE, after=last, page_size=PAGE_SIZE):
            last = int(rows[-1]["id"])
            for r in rows:
                person = r["person_id"]
                yield ExportRow(r["source"], r["source_id"], "record", None if person is None else int(person))
        last = 0
        while rows := self._query(cypher.EXPORT_INTERACTIONS_PAGE, after=last, page_size=PAGE_SIZE):
            last = int(rows[-1]["id"])
            for r in rows:
                yield ExportRow(r["source"], r["source_id"], "interaction", export_person(r["parties"]))
