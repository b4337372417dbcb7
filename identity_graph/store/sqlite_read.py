"""Reads of the embedded store: records, identifiers, name search, blocking keys, timelines, export."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any, NamedTuple

from identity_graph.errors import StoreError
from identity_graph.gc_pause import paused_gc
from identity_graph.model import (
    Channel,
    ClaimedIdentifier,
    Direction,
    Identifier,
    IdentifierKind,
    PostalAddress,
    RecordKind,
    Role,
    StoredInteraction,
    StoredRecord,
    Strength,
    TimelineItem,
    built_directly,
)
from identity_graph.store.protocol import ExportRow, Posting, TimelineQuery
from identity_graph.store.sqlite_base import SQLiteBase, chunks, placeholders
from identity_graph.store.sqlite_bulk import (
    Meanwhile,
    bulk_params,
    indexes_built_after,
    insert_rows,
    replace_table,
    sorted_on_disk,
)

_WORD = re.compile(r"\w+", re.UNICODE)
#: The `records` columns a StoredRecord is built from, in `_record_from_row`'s order (rows as plain tuples).
_SELECT_RECORDS = (
    "SELECT id, source, source_id, kind, first_name, middle_name, last_name, full_name, dob, street, city, state, "
    "postal_code, country, address_full, company, attributes, created_at, updated_at, version FROM records"
)


def _dt(text: str | None) -> datetime | None:
    """Parse stored ISO time text."""
    return datetime.fromisoformat(text) if text else None


_RECORD_KINDS = {k.value: k for k in RecordKind}
_IDENTIFIER_KINDS = {k.value: k for k in IdentifierKind}
_STRENGTHS = {s.value: s for s in Strength}
_stored = built_directly  # values the store wrote (valid when written), read back without re-validation


def _identifier(kind: str, value: str) -> Identifier:
    """An Identifier read from the store."""
    return _stored(Identifier, {"kind": _IDENTIFIER_KINDS.get(kind) or IdentifierKind(kind), "value": value})


def _claim(ident: Identifier, field: str, strength: str, raw: str) -> ClaimedIdentifier:
    """A ClaimedIdentifier read from the store."""
    s = _STRENGTHS.get(strength) or Strength(strength)
    return _stored(ClaimedIdentifier, {"identifier": ident, "field": field, "strength": s, "raw": raw})


def interaction_of(r: sqlite3.Row) -> StoredInteraction:
    """A StoredInteraction from a row of the interactions table (participants are not filled in)."""
    return StoredInteraction(
        id=int(r["id"]),
        source=r["source"],
        source_id=r["source_id"],
        channel=Channel(r["channel"]),
        occurred_at=datetime.fromisoformat(r["occurred_at"]),
        direction=Direction(r["direction"]),
        subject=r["subject"],
        summary=r["summary"],
        thread_key=r["thread_key"],
        attributes=json.loads(r["attributes"]),
    )


#: How many record ids of the blocking keys no record has, and the first.
MISSING_KEY_RECORDS = """
SELECT count(*), min(record_id) FROM (SELECT DISTINCT record_id FROM blocking_keys)
WHERE record_id NOT IN (SELECT id FROM records)
"""


def missing_records(conn: sqlite3.Connection, ids: set[int]) -> list[int]:
    """The ids among `ids` that no row of `records` has, ascending. Ids that run without a gap (a whole store's,
    usually) are all there when as many records have an id in their range: one count, not a lookup per id."""
    ordered = sorted(ids)
    if ordered and ordered[-1] - ordered[0] + 1 == len(ordered):
        held = conn.execute("SELECT count(*) FROM records WHERE id BETWEEN ? AND ?", (ordered[0], ordered[-1]))
        if held.fetchone()[0] == len(ordered):
            return []
    found: set[int] = set()
    for part in chunks(ordered, bulk_params(conn)):
        rows = conn.execute(f"SELECT id FROM records WHERE id IN ({placeholders(len(part))})", part)
        found.update(int(r[0]) for r in rows)
    return [i for i in ordered if i not in found]


#: A record's claimed identifiers, in the order a StoredRecord holds them (`_CLAIMS_ORDER`).
_SELECT_CLAIMS = (
    "SELECT ri.record_id, i.kind, i.value, ri.field, ri.strength, ri.raw FROM record_identifiers ri "
    "JOIN identifiers i ON i.id = ri.identifier_id"
)
_CLAIMS_ORDER = "ORDER BY ri.record_id, ri.field, i.kind, i.value"


class _Claims:
    """Claimed identifiers read for some records, by record id (one object per identifier: frozen, so shared)."""

    def __init__(self) -> None:
        self.by_record: dict[int, list[ClaimedIdentifier]] = defaultdict(list)
        self.idents: dict[tuple[str, str], Identifier] = {}

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        """Rows of `_SELECT_CLAIMS`."""
        idents, by_record = self.idents, self.by_record
        for rid, kind, value, field, strength, raw in rows:
            ident = idents.get((kind, value))
            if ident is None:
                ident = idents[(kind, value)] = _identifier(kind, value)
            by_record[int(rid)].append(_claim(ident, field, strength, raw))

    def of(self, record_id: int) -> tuple[ClaimedIdentifier, ...]:
        """One record's claims."""
        found = self.by_record.get(record_id)
        return tuple(found) if found else ()


class AddressFields(NamedTuple):
    """A stored record's address fields as written (`PostalAddress`'s), read without a model object."""

    street: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None
    full: str | None


class RecordFields(NamedTuple):
    """The fields of a stored record that batch features are built from (`resolve.features.feature_values`),
    each as the StoredRecord read by `iter_records` holds it, read without building one (several times faster)."""

    id: int
    source_id: str
    kind: RecordKind
    first_name: str | None
    middle_name: str | None
    last_name: str | None
    full_name: str | None
    dob: date | None
    address: AddressFields
    attributes: dict[str, str]
    claimed: tuple[ClaimedIdentifier, ...]


#: The `records` columns RecordFields is made of, in its order (the address's as AddressFields holds them).
_SELECT_FIELDS = (
    "SELECT id, source_id, kind, first_name, middle_name, last_name, full_name, dob, street, city, state, "
    "postal_code, country, address_full, attributes FROM records"
)


def record_fields_in_range(conn: sqlite3.Connection, low: int, high: int) -> list[RecordFields]:
    """The RecordFields of every record with an id from `low` to `high` (both included), by id, with its
    identifiers: two queries on `conn` (a worker process's own connection to the store's file:
    `resolve.feature_workers`)."""
    rows = conn.execute(f"{_SELECT_FIELDS} WHERE id BETWEEN ? AND ? ORDER BY id", (low, high)).fetchall()
    claims = _Claims()
    if rows:
        bounds = (int(rows[0][0]), int(rows[-1][0]))
        claims.add(conn.execute(f"{_SELECT_CLAIMS} WHERE ri.record_id BETWEEN ? AND ? {_CLAIMS_ORDER}", bounds))
    dates: dict[str, date] = {}
    out: list[RecordFields] = []
    for (
        rid,
        sid,
        kind,
        first,
        middle,
        last,
        full,
        dob,
        street,
        city,
        state,
        postal,
        country,
        whole,
        attrs,
    ) in rows:
        day = None
        if dob:
            day = dates.get(dob)
            if day is None:
                day = dates[dob] = date.fromisoformat(dob)
        where = AddressFields(street, city, state, postal, country, whole)
        attributes = {} if attrs == "{}" else json.loads(attrs)
        kind_ = _RECORD_KINDS.get(kind) or RecordKind(kind)
        out.append(RecordFields(int(rid), sid, kind_, first, middle, last, full, day, where, attributes,
                                claims.of(int(rid))))  # fmt: skip
    return out


class SQLiteReadMixin(SQLiteBase):
    """Read paths of the embedded store."""

    def counts(self) -> dict[str, int]:
        """Numbers of records, interactions, identifiers, persons and edges by status."""
        out = {
            "records": int(self.scalar("SELECT count(*) FROM records")),
            "interactions": int(self.scalar("SELECT count(*) FROM interactions")),
            "identifiers": int(self.scalar("SELECT count(*) FROM identifiers")),
            "persons": int(self.scalar("SELECT count(DISTINCT person_id) FROM record_person")),
            "judgements": int(self.scalar("SELECT count(*) FROM judgements WHERE superseded_at IS NULL")),
        }
        for status, n in self._conn().execute("SELECT status, count(*) FROM match_edges GROUP BY status"):
            out[f"edges_{status}"] = int(n)
        return out

    def _records_from_rows(self, rows: Sequence[Sequence[Any]]) -> list[StoredRecord]:
        """Build StoredRecords (with identifiers) from `records` rows read with `_SELECT_RECORDS`."""
        ids = [int(r[0]) for r in rows]
        claims = _Claims()
        for part in chunks(ids):
            claims.add(self._conn().execute(f"{_SELECT_CLAIMS} WHERE ri.record_id IN ({placeholders(len(part))}) "
                                            f"{_CLAIMS_ORDER}", part))  # fmt: skip
        return [self._record_from_row(r, claims.of(int(r[0]))) for r in rows]

    @staticmethod
    def _record_from_row(r: Sequence[Any], claimed: tuple[ClaimedIdentifier, ...]) -> StoredRecord:
        """One StoredRecord from a `records` row read with `_SELECT_RECORDS`."""
        (rid, source, source_id, kind, first, middle, last, full_name, dob, street, city, state, postal_code,
         country, address_full, company, attributes, created_at, updated_at, version) = r  # fmt: skip
        address = {"street": street, "city": city, "state": state, "postal_code": postal_code, "country": country,
                   "full": address_full}  # fmt: skip
        return _stored(
            StoredRecord,
            {
                "source": source,
                "source_id": source_id,
                "kind": _RECORD_KINDS.get(kind) or RecordKind(kind),
                "first_name": first,
                "middle_name": middle,
                "last_name": last,
                "full_name": full_name,
                "dob": date.fromisoformat(dob) if dob else None,
                "address": _stored(PostalAddress, address),
                "company": company,
                "identifiers": (),
                "attributes": {} if attributes == "{}" else json.loads(attributes),
                "created_at": _dt(created_at),
                "updated_at": _dt(updated_at),
                "id": int(rid),
                "claimed": claimed,
                "version": int(version),
            },
        )

    def get_records(self, ids: Sequence[int]) -> list[StoredRecord]:
        """Records by id, with their identifiers, in the order asked (unknown ids left out)."""
        rows: list[Sequence[Any]] = []
        conn = self._conn()
        for part in chunks(list(ids)):
            rows.extend(conn.execute(f"{_SELECT_RECORDS} WHERE id IN ({placeholders(len(part))})", part))
        by_id = {r.id: r for r in self._records_from_rows(rows)}
        return [by_id[i] for i in ids if i in by_id]

    def find_record(self, source: str, source_id: str) -> StoredRecord | None:
        """A record by natural key."""
        rows = self._conn().execute(f"{_SELECT_RECORDS} WHERE source = ? AND source_id = ?", (source, source_id))
        found = self._records_from_rows(rows.fetchall())
        return found[0] if found else None

    def iter_records(self, batch_size: int = 10_000, *, dirty_only: bool = False) -> Iterator[list[StoredRecord]]:
        """Every record (or every changed one), in batches, by id (keyset paging, no long-held cursor)."""
        last = 0
        where = "AND dirty = 1" if dirty_only else ""
        conn = self._conn()
        while True:
            rows = conn.execute(f"{_SELECT_RECORDS} WHERE id > ? {where} ORDER BY id LIMIT ?", (last, batch_size))
            batch = rows.fetchall()
            if not batch:
                return
            last = int(batch[-1][0])
            yield self._records_from_rows(batch)

    def iter_record_fields(self, batch_size: int = 10_000) -> Iterator[list[RecordFields]]:
        """Every record's RecordFields (what batch features read of it), in batches, by id: `iter_records`
        without building StoredRecords (keyset paging on this thread's connection, so a caller's transaction
        sees its own rows)."""
        conn = self._conn()
        last = 0
        while True:
            ids = [int(r[0]) for r in conn.execute("SELECT id FROM records WHERE id > ? ORDER BY id LIMIT ?",
                                                   (last, batch_size))]  # fmt: skip
            if not ids:
                return
            last = ids[-1]
            yield record_fields_in_range(conn, ids[0], last)

    def record_ids(self) -> list[int]:
        """Every record id, ascending."""
        return [int(r[0]) for r in self._conn().execute("SELECT id FROM records ORDER BY id")]

    def mark_resolved(self, ids: Sequence[int] | None = None) -> None:
        """Clear the changed-since-resolve flag of these records (all when None)."""
        with self.transaction() as conn:
            if ids is None:
                conn.execute("UPDATE records SET dirty = 0 WHERE dirty = 1")
                return
            for part in chunks(list(ids)):
                conn.execute(f"UPDATE records SET dirty = 0 WHERE id IN ({placeholders(len(part))})", part)

    def iter_postings(self, kinds: Sequence[IdentifierKind] = ()) -> Iterator[Posting]:
        """Every record-identifier link (optionally of some kinds), ordered by identifier."""
        sql = (
            "SELECT i.id, i.kind, i.value, ri.record_id, ri.strength FROM identifiers i "
            "JOIN record_identifiers ri ON ri.identifier_id = i.id"
        )
        params: list[str] = []
        if kinds:
            sql += f" WHERE i.kind IN ({placeholders(len(kinds))})"
            params = [k.value for k in kinds]
        sql += " ORDER BY i.id, ri.record_id"
        for ident_id, kind, value, record_id, strength in self._conn().execute(sql, params):
            yield Posting(int(ident_id), IdentifierKind(kind), value, int(record_id), strength)

    def records_with_identifiers(self, identifiers: Sequence[Identifier]) -> dict[str, list[int]]:
        """Record ids holding each identifier, keyed by the identifier's key."""
        out: dict[str, list[int]] = {}
        ids = self.identifier_ids(identifiers)
        by_id = {v: f"{k[0]}:{k[1]}" for k, v in ids.items()}
        for part in chunks(list(by_id)):
            for ident_id, record_id in self._conn().execute(
                "SELECT identifier_id, record_id FROM record_identifiers "
                f"WHERE identifier_id IN ({placeholders(len(part))}) ORDER BY record_id",
                part,
            ):
                out.setdefault(by_id[int(ident_id)], []).append(int(record_id))
        return out

    def search_names(self, text: str, limit: int = 50) -> list[int]:
        """Ids of records whose name holds every word of `text` (accent-folded full-text, prefix on the last)."""
        words = _WORD.findall(text)
        if not words:
            return []
        terms = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
        rows = self._conn().execute(
            "SELECT rowid FROM record_names WHERE record_names MATCH ? ORDER BY rank LIMIT ?",
            (" ".join(terms), limit),
        )
        return [int(r[0]) for r in rows]

    def replace_blocking_keys(
        self, keys: Sequence[tuple[str, int]], record_ids: Sequence[int] | None, *, meanwhile: Meanwhile = None
    ) -> None:
        """Replace the blocking keys of these records (all when None) with (key, record_id) pairs; a key of a record
        that is not in the store is refused (checked once for the batch: the table has no foreign key).
        `meanwhile` runs on this thread while SQLite builds the key index of a big fill on a worker (see
        `sqlite_bulk.beside`), else after the write; it must not use the store."""
        with paused_gc(), self.transaction() as conn:
            missing = missing_records(conn, set(map(itemgetter(1), keys)))
            if missing:
                raise StoreError(
                    f"blocking keys name {len(missing)} record(s) that are not in the store (first id {missing[0]})"
                )
            if record_ids is None:  # keys that did not change are left alone (a rerun rewrites almost nothing)
                # in record order: the table's primary key is (record_id, key), and the keys of a batch come
                # in runs of ascending record ids (one run a key pass), which sort in a few merges
                replace_table(
                    conn, "blocking_keys", ("key", "record_id"), keys, order_by=1, keyed=True, meanwhile=meanwhile
                )
                return
            for part in chunks(list(record_ids)):
                conn.execute(f"DELETE FROM blocking_keys WHERE record_id IN ({placeholders(len(part))})", part)
            # in the table's order (record_id, key), many rows a statement
            insert = "INSERT OR IGNORE INTO blocking_keys(key, record_id)"
            insert_rows(conn, insert, 2, sorted(keys, key=itemgetter(1)), params=bulk_params(conn))
        if meanwhile is not None:
            meanwhile()

    def fill_blocking_keys(self, batches: Iterable[Sequence[tuple[str, int]]]) -> None:
        """Replace every record's blocking keys with these, given in record order (the table's key is record_id,
        key): the table is emptied and filled by appending to its B-tree, its key index built after; one
        transaction."""
        insert = "INSERT OR IGNORE INTO blocking_keys(key, record_id)"
        with paused_gc(), sorted_on_disk(self._conn()), self.transaction() as conn:
            conn.execute("DELETE FROM blocking_keys")
            with indexes_built_after(conn, "blocking_keys"):
                for batch in batches:
                    insert_rows(conn, insert, 2, batch, params=bulk_params(conn))
            # the records are checked once, after the fill (one pass over the table's own order)
            missing, first = conn.execute(MISSING_KEY_RECORDS).fetchone()
            if missing:
                raise StoreError(f"blocking keys name {missing} record(s) that are not in the store (first id {first})")

    def records_with_blocking_keys(self, keys: Sequence[str], limit_per_key: int) -> dict[str, list[int]]:
        """Record ids under each blocking key; a key holding more than the limit maps to an empty list."""
        out: dict[str, list[int]] = {}
        conn = self._conn()
        for key in keys:
            ids = [
                int(r[0])
                for r in conn.execute(
                    "SELECT record_id FROM blocking_keys WHERE key = ? LIMIT ?", (key, limit_per_key + 1)
                )
            ]
            out[key] = ids if len(ids) <= limit_per_key else []
        return out

    def timeline(self, person_id: int, query: TimelineQuery) -> tuple[list[TimelineItem], int]:
        """A page of the person's interactions, newest first, and the total matching the filters."""
        where = ["rp.person_id = ?"]
        params: list[object] = [person_id]
        if query.channels:
            where.append(f"x.channel IN ({placeholders(len(query.channels))})")
            params.extend(c.value for c in query.channels)
        if query.since:
            where.append("x.occurred_at >= ?")
            params.append(query.since.isoformat())
        if query.until:
            where.append("x.occurred_at < ?")
            params.append(query.until.isoformat())
        base = (
            "FROM record_person rp JOIN participations p ON p.record_id = rp.record_id "
            "JOIN interactions x ON x.id = p.interaction_id WHERE " + " AND ".join(where)
        )
        total = int(self.scalar(f"SELECT count(DISTINCT x.id) {base}", params))
        rows = self.query(
            "SELECT x.id, x.source, x.source_id, x.channel, x.occurred_at, x.direction, x.subject, x.summary, "
            f"min(p.role) AS role, min(p.record_id) AS record_id {base} "
            "GROUP BY x.id ORDER BY x.occurred_at DESC, x.id DESC LIMIT ? OFFSET ?",
            [*params, query.limit, query.offset],
        )
        items = [
            TimelineItem(
                interaction_id=int(r["id"]),
                source=r["source"],
                source_id=r["source_id"],
                channel=Channel(r["channel"]),
                occurred_at=datetime.fromisoformat(r["occurred_at"]),
                direction=Direction(r["direction"]),
                subject=r["subject"],
                summary=r["summary"],
                role=Role(r["role"]),
                record_id=int(r["record_id"]),
                why="",
            )
            for r in rows
        ]
        return items, total

    def get_interaction(self, interaction_id: int) -> StoredInteraction | None:
        """One interaction by id (participants are not filled in)."""
        rows = self.query("SELECT * FROM interactions WHERE id = ?", (interaction_id,))
        if not rows:
            return None
        return interaction_of(rows[0])

    def iter_export(self) -> Iterator[ExportRow]:
        """Every ingested item with its person; an interaction takes the person of its first customer party."""
        conn = self._conn()
        for source, source_id, person in conn.execute(
            "SELECT r.source, r.source_id, rp.person_id FROM records r "
            "LEFT JOIN record_person rp ON rp.record_id = r.id ORDER BY r.id"
        ):
            yield ExportRow(source, source_id, "record", None if person is None else int(person))
        for source, source_id, person in conn.execute(
            "SELECT x.source, x.source_id, (SELECT rp.person_id FROM participations p "
            "JOIN record_person rp ON rp.record_id = p.record_id WHERE p.interaction_id = x.id "
            "ORDER BY CASE p.role WHEN 'mentioned' THEN 1 ELSE 0 END, p.record_id LIMIT 1) "
            "FROM interactions x ORDER BY x.id"
        ):
            yield ExportRow(source, source_id, "interaction", None if person is None else int(person))
