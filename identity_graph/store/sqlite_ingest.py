"""Batched, idempotent upserts of records and interactions by `(source, source_id)`."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import chain
from typing import Any, NamedTuple

from pydantic import TypeAdapter

from identity_graph.errors import StoreError
from identity_graph.gc_pause import paused_gc
from identity_graph.model import IdentifierClaim, Interaction, Participation, PostalAddress, Record, RecordRef
from identity_graph.store.protocol import PreparedRecord, UpsertStats
from identity_graph.store.sqlite_base import (
    PARAM_CHUNK,
    SQLiteBase,
    chunks,
    identifier_ids_of,
    placeholders,
    utcnow,
)
from identity_graph.store.sqlite_bulk import insert_rows
from identity_graph.store.tombstones import (
    Key,
    hash_index,
    keyed_hash,
)

_RECORD_COLUMNS = (
    "kind", "first_name", "middle_name", "last_name", "full_name", "dob", "street", "city", "state",
    "postal_code", "country", "address_full", "company", "attributes", "created_at", "updated_at",
)  # fmt: skip
_INTERACTION_COLUMNS = (
    "channel", "occurred_at", "direction", "subject", "summary", "thread_key", "attributes",
)  # fmt: skip


#: `to_json` with one encoder made once (json.dumps builds a new one per call); the same text, so the same hashes.
_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode
#: How that encoder writes a string (`ensure_ascii=False`): the C function it uses itself.
#: (An enum member's value is read as `_value_`, the attribute itself: `.value` is a property, a third of a
#: microsecond a read, read nine times a record.)
_string: Callable[[str], str] = json.encoder.encode_basestring


#: A batch of at least this many records is looked up in bulk: not at all in an empty table, and its new
#: records' ids taken from the order SQLite gives them (checked) instead of looking each up again. A smaller
#: batch (a real-time add is one record) looks its records up by natural key: fewer queries.
BULK_ROWS = 100


def content_hash(data: Any) -> str:
    """A stable hash of an item's content, to tell a changed item from a repeated one."""
    return _digest(_json(data))


def _digest(text: str) -> str:
    """`content_hash` of the data whose JSON (as `_json` writes it) is `text`."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def write_tombstones(conn: sqlite3.Connection, secret: bytes, kind: str, keys: Sequence[Key], now: str) -> None:
    """Insert a keyed tombstone of this kind for each natural key (existing ones stay)."""
    conn.executemany(
        "INSERT OR IGNORE INTO tombstones(source, source_id_hash, item_kind, erased_at) VALUES (?, ?, ?, ?)",
        [(source, keyed_hash(secret, source, source_id), kind, now) for source, source_id in keys],
    )


def _record_values(prepared: PreparedRecord) -> tuple[Any, ...]:
    """The column values of a record, in `_RECORD_COLUMNS` order."""
    return _values_of(prepared.record)


def _values_of(r: Record) -> tuple[Any, ...]:
    """The column values of a record, in `_RECORD_COLUMNS` order."""
    a = r.address
    return (
        r.kind._value_, r.first_name, r.middle_name, r.last_name, r.full_name,
        r.dob.isoformat() if r.dob else None, a.street, a.city, a.state, a.postal_code, a.country, a.full,
        r.company, _json(r.attributes) if r.attributes else "{}", r.created_at.isoformat() if r.created_at else None,
        r.updated_at.isoformat() if r.updated_at else None,
    )  # fmt: skip


def _record_hash(prepared: PreparedRecord) -> str:
    """Content hash over the record's fields and its normalized identifiers."""
    return _hash_of(prepared.record, _claim_tuples(prepared))


def _claim_tuples(prepared: PreparedRecord) -> tuple[tuple[str, str, str, str, str], ...]:
    """(kind, value, field, strength, raw) of each normalized identifier."""
    return tuple(
        (c.identifier.kind._value_, c.identifier.value, c.field, c.strength._value_, c.raw)
        for c in prepared.identifiers
    )


def _hash_of(record: Record, claims: Sequence[tuple[str, str, str, str, str]]) -> str:
    """Content hash over a record's fields and its normalized identifiers given as tuples."""
    ids = sorted((f"{kind}:{value}", f, s, raw) for kind, value, f, s, raw in claims)
    text = _plain_record_json(record, ids)
    if text is None:
        return content_hash([record.model_dump(mode="json"), ids])
    return _digest(text)


#: The fields `_plain_record_json` writes; if the models change, it stands aside (and a test fails).
_RECORD_FIELDS = frozenset(
    ("source", "source_id", "kind", "first_name", "middle_name", "last_name", "full_name", "dob", "address",
     "company", "identifiers", "attributes", "created_at", "updated_at")
)  # fmt: skip
_ADDRESS_FIELDS = frozenset(("street", "city", "state", "postal_code", "country", "full"))
_CLAIM_FIELDS = frozenset(("kind", "raw", "field", "strength"))
_PLAIN_MODELS = (
    frozenset(Record.model_fields) == _RECORD_FIELDS
    and frozenset(PostalAddress.model_fields) == _ADDRESS_FIELDS
    and frozenset(IdentifierClaim.model_fields) == _CLAIM_FIELDS
)


def _text(value: str | None) -> str:
    """A JSON string or null, as the encoder writes it."""
    return "null" if value is None else _string(value)


def _plain_record_json(r: Record, ids: list[tuple[str, str, str, str]]) -> str | None:
    """`_json([r.model_dump(mode="json"), ids])`, the same text, written directly (twice as fast: no dump, no
    key sorting; the keys are written in sorted order). None for what it does not cover: a record with times
    (pydantic writes datetimes its own way), a subclass of Record, or models that changed."""
    if type(r) is not Record or r.created_at is not None or r.updated_at is not None or not _PLAIN_MODELS:
        return None
    a = r.address
    claims = ",".join(
        f'{{"field":{_string(c.field)},"kind":{_string(c.kind._value_)},"raw":{_string(c.raw)},'
        f'"strength":{_string(c.strength._value_)}}}'
        for c in r.identifiers
    )
    keys = ",".join(f"[{','.join(map(_string, row))}]" for row in ids)
    return (
        f'[{{"address":{{"city":{_text(a.city)},"country":{_text(a.country)},"full":{_text(a.full)},'
        f'"postal_code":{_text(a.postal_code)},"state":{_text(a.state)},"street":{_text(a.street)}}},'
        f'"attributes":{_json(r.attributes) if r.attributes else "{}"},"company":{_text(r.company)},"created_at":null,'
        f'"dob":{"null" if r.dob is None else _string(r.dob.isoformat())},"first_name":{_text(r.first_name)},'
        f'"full_name":{_text(r.full_name)},"identifiers":[{claims}],"kind":{_string(r.kind._value_)},'
        f'"last_name":{_text(r.last_name)},"middle_name":{_text(r.middle_name)},"source":{_string(r.source)},'
        f'"source_id":{_string(r.source_id)},"updated_at":null}},[{keys}]]'
    )


#: The fields `_plain_interaction_json` writes; if the models change, it stands aside (and a test fails).
_INTERACTION_FIELDS = frozenset(
    ("source", "source_id", "channel", "occurred_at", "direction", "subject", "summary", "thread_key",
     "participants", "attributes")
)  # fmt: skip
_PLAIN_INTERACTIONS = (
    frozenset(Interaction.model_fields) == _INTERACTION_FIELDS
    and frozenset(Participation.model_fields) == frozenset(("record", "role"))
    and frozenset(RecordRef.model_fields) == frozenset(("source", "source_id"))
)
#: How pydantic writes a time in JSON (`Z` for UTC, an offset to the minute), one value at a time.
_json_time = TypeAdapter(datetime).serializer.to_python


def _plain_interaction_json(i: Interaction, attributes: str | None = None) -> str:
    """`_json(i.model_dump(mode="json"))`, the same text, written directly (keys in sorted order, the time as
    pydantic writes it); a subclass of Interaction, or models that changed, take the dump. `attributes`: the
    attributes' JSON when already written (`_attributes_json`)."""
    if type(i) is not Interaction or not _PLAIN_INTERACTIONS:
        return _json(i.model_dump(mode="json"))
    if attributes is None:
        attributes = _attributes_json(i.attributes)
    parties = ",".join(
        f'{{"record":{{"source":{_string(p.record.source)},"source_id":{_string(p.record.source_id)}}},'
        f'"role":{_string(p.role._value_)}}}'
        for p in i.participants
    )
    return (
        f'{{"attributes":{attributes},"channel":{_string(i.channel._value_)},'
        f'"direction":{_string(i.direction._value_)},"occurred_at":{_string(_json_time(i.occurred_at, mode="json"))},'
        f'"participants":[{parties}],"source":{_string(i.source)},"source_id":{_string(i.source_id)},'
        f'"subject":{_text(i.subject)},"summary":{_text(i.summary)},"thread_key":{_text(i.thread_key)}}}'
    )


def _attributes_json(attributes: dict[str, str]) -> str:
    """Attributes as `_json` writes them (`{}` without the encoder's call when there are none)."""
    return _json(attributes) if attributes else "{}"


def _interaction_values(i: Interaction, attributes: str | None = None) -> tuple[Any, ...]:
    """The column values of an interaction, in `_INTERACTION_COLUMNS` order (`attributes`: their JSON, when
    already written)."""
    return (
        i.channel._value_, i.occurred_at.isoformat(), i.direction._value_, i.subject, i.summary,
        i.thread_key, _attributes_json(i.attributes) if attributes is None else attributes,
    )  # fmt: skip


class RecordRow(NamedTuple):
    """What the store writes of a prepared record: plain values, cheap to build apart from the writer (a load's
    worker process builds them) and to send to it."""

    key: tuple[str, str]  # (source, source_id)
    digest: str  # the content hash that tells a changed record from a repeated one
    values: tuple[Any, ...]  # in `_RECORD_COLUMNS` order
    claims: tuple[tuple[str, str, str, str, str], ...]  # (kind, value, field, strength, raw) per identifier
    name: str  # the display name, for the name index ('' for none)


class InteractionRow(NamedTuple):
    """What the store writes of an interaction (see `RecordRow`)."""

    key: tuple[str, str]
    text: str  # `model_dump(mode="json")` as the content hash's JSON (read again only to leave erased parties out)
    digest: str  # the content hash of `text`
    values: tuple[Any, ...]  # in `_INTERACTION_COLUMNS` order
    parties: tuple[tuple[str, str, str], ...]  # (source, source_id, role) of each participant, in order


def record_row(prepared: PreparedRecord) -> RecordRow:
    """The row of a prepared record."""
    return record_row_of(prepared.record, _claim_tuples(prepared))


def record_row_of(record: Record, claims: Sequence[tuple[str, str, str, str, str]]) -> RecordRow:
    """The row of a record held to the input policy, with its normalized claims as (kind, value, field,
    strength, raw) tuples (`prepare.normalized_claims`): no model objects for the claims."""
    key = (record.source, record.source_id)
    return RecordRow(key, _hash_of(record, claims), _values_of(record), tuple(claims), record.display_name())


def interaction_row(i: Interaction) -> InteractionRow:
    """The row of an interaction."""
    parties = tuple((p.record.source, p.record.source_id, p.role._value_) for p in i.participants)
    attributes = _attributes_json(i.attributes)  # written once for the hash's text and the column
    text = _plain_interaction_json(i, attributes)
    return InteractionRow((i.source, i.source_id), text, _digest(text), _interaction_values(i, attributes), parties)


def _without_erased_parties(acts: list[InteractionRow], erased: set[Key]) -> tuple[list[InteractionRow], int]:
    """Rows with the participations of erased records left out (their data too, so the hash is the one the
    interaction without them has); returns them and how many participations went."""
    if not erased:
        return acts, 0
    out: list[InteractionRow] = []
    dropped = 0
    for a in acts:
        keep = [n for n, (source, source_id, _) in enumerate(a.parties) if (source, source_id) not in erased]
        if len(keep) == len(a.parties):
            out.append(a)
            continue
        dropped += len(a.parties) - len(keep)
        data = json.loads(a.text)  # JSON of strings, lists and objects: written again, the same text
        text = _json({**data, "participants": [data["participants"][n] for n in keep]})
        out.append(a._replace(text=text, digest=_digest(text), parties=tuple(a.parties[n] for n in keep)))
    return out, dropped


#: SQLite from which an INSERT can say the ids it gave (`RETURNING`, 3.35).
_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)


def _insert_identifiers(conn: sqlite3.Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Insert the (kind, value) identifiers not stored yet, in this order; the ids of those inserted (where
    SQLite can say them: the ones already stored, or all on an older SQLite, are for the caller to look up)."""
    if not _RETURNING:
        insert_rows(conn, "INSERT OR IGNORE INTO identifiers(kind, value)", 2, keys)
        return {}
    ids: dict[tuple[str, str], int] = {}
    per = PARAM_CHUNK // 2
    for start in range(0, len(keys), per):
        part = keys[start : start + per]
        rows = conn.execute(
            f"INSERT OR IGNORE INTO identifiers(kind, value) VALUES {','.join(['(?,?)'] * len(part))} "
            "RETURNING kind, value, id",
            list(chain.from_iterable(part)),
        ).fetchall()
        ids.update(((kind, value), ident_id) for kind, value, ident_id in rows)
    return ids


def _last_wins(items: Iterable[Any], key: Any) -> list[Any]:
    """Drop earlier duplicates of the same natural key within one batch."""
    by_key: dict[Any, Any] = {}
    for item in items:
        by_key[key(item)] = item
    return list(by_key.values())


class SQLiteIngestMixin(SQLiteBase):
    """Upserts for the embedded store."""

    def upsert_batch(
        self,
        records: Sequence[PreparedRecord],
        interactions: Sequence[Interaction] = (),
        *,
        respect_tombstones: bool = True,
    ) -> UpsertStats:
        """Insert new items, update changed ones (keeping the old version), skip unchanged; one transaction."""
        with paused_gc():
            return self.upsert_rows(
                [record_row(p) for p in records],
                [interaction_row(i) for i in interactions],
                respect_tombstones=respect_tombstones,
            )

    def upsert_rows(
        self,
        records: Sequence[RecordRow],
        interactions: Sequence[InteractionRow] = (),
        *,
        respect_tombstones: bool = True,
    ) -> UpsertStats:
        """`upsert_batch` of items already turned into rows (`record_row`, `interaction_row`); one transaction."""
        stats = UpsertStats()
        with paused_gc(), self.transaction() as conn:
            recs: list[RecordRow] = _last_wins(records, lambda r: r.key)
            acts: list[InteractionRow] = _last_wins(interactions, lambda a: a.key)
            now = utcnow()
            if respect_tombstones:
                recs, skipped_r = self._drop_tombstoned(conn, recs, "record")
                acts, skipped_i = self._drop_tombstoned(conn, acts, "interaction")
                parties = sorted({(s, sid) for a in acts for s, sid, _ in a.parties})
                acts, skipped_p = _without_erased_parties(acts, self._tombstoned(conn, parties, "record"))
                stats.erased_skipped += skipped_r + skipped_i + skipped_p
            written = self._upsert_records(conn, recs, now, stats)
            self._upsert_interactions(conn, acts, now, stats, written)
        return stats

    def _drop_tombstoned(self, conn: sqlite3.Connection, rows: list[Any], kind: str) -> tuple[list[Any], int]:
        """Remove rows whose natural key was erased; returns the rest and how many were dropped."""
        erased = self._tombstoned(conn, [r.key for r in rows], kind)
        keep = [r for r in rows if r.key not in erased] if erased else rows
        return keep, len(rows) - len(keep)

    def _tombstoned(self, conn: sqlite3.Connection, keys: Sequence[Key], kind: str) -> set[Key]:
        """The natural keys among `keys` whose item was erased (looked up by keyed and old hash, in chunks)."""
        if not keys or conn.execute("SELECT 1 FROM tombstones LIMIT 1").fetchone() is None:
            return set()
        by_hash = hash_index(self.tombstone_secret(), keys)
        found: set[Key] = set()
        for part in chunks(sorted(by_hash)):
            marks = ",".join("(?, ?)" for _ in part)
            rows = conn.execute(
                f"SELECT source, source_id_hash FROM tombstones WHERE item_kind = ? "
                f"AND (source, source_id_hash) IN (VALUES {marks})",
                (kind, *(v for pair in part for v in pair)),
            )
            found.update(by_hash[(source, digest)] for source, digest in rows)
        return found

    def add_tombstones(self, kind: str, keys: Sequence[Key]) -> int:
        """Keep a keyed tombstone of this kind for each natural key (idempotent); returns how many keys."""
        unique = sorted(set(keys))
        with self.transaction() as tx:
            write_tombstones(tx, self.tombstone_secret(), kind, unique, utcnow())
        return len(unique)

    def erased_keys(self, kind: str, keys: Sequence[Key]) -> set[Key]:
        """The natural keys among these that have a tombstone of this kind (keyed, or of the old plain form)."""
        return self._tombstoned(self._conn(), sorted(set(keys)), kind)

    def _existing(
        self, conn: sqlite3.Connection, table: str, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[int, str]]:
        """Map natural keys already stored in `table` to (id, content_hash)."""
        by_source: dict[str, list[str]] = defaultdict(list)
        for source, source_id in keys:
            by_source[source].append(source_id)
        found: dict[tuple[str, str], tuple[int, str]] = {}
        for source, ids in by_source.items():
            for part in chunks(ids):
                rows = conn.execute(
                    f"SELECT source_id, id, content_hash FROM {table} "
                    f"WHERE source = ? AND source_id IN ({placeholders(len(part))})",
                    (source, *part),
                )
                for source_id, item_id, digest in rows:
                    found[(source, source_id)] = (int(item_id), str(digest))
        return found

    def _upsert_records(
        self, conn: sqlite3.Connection, recs: list[RecordRow], now: str, stats: UpsertStats
    ) -> dict[tuple[str, str], int]:
        """Write the record half of a batch; returns the ids of its records by natural key (for the
        interactions of the batch: a call's party record comes in the same batch as the call)."""
        if not recs:
            return {}
        bulk = len(recs) >= BULK_ROWS
        empty = bulk and conn.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None  # nothing to look up
        existing = {} if empty else self._existing(conn, "records", [r.key for r in recs])
        new_rows: list[tuple[Any, ...]] = []
        changed: list[tuple[int, RecordRow, str]] = []
        touched: list[RecordRow] = []
        for r in recs:
            hit = existing.get(r.key)
            if hit is None:
                new_rows.append((*r.key, *r.values, r.digest, now, now))
                touched.append(r)
            elif hit[1] != r.digest:
                changed.append((hit[0], r, r.digest))
            else:
                stats.records_unchanged += 1
        touched += [r for _, r, _ in changed]  # new records first, then changed ones (`ids` in this order)
        cols = ",".join(_RECORD_COLUMNS)
        first = self._next_id(conn, "records") if bulk and new_rows else 0
        insert_rows(
            conn,
            f"INSERT INTO records (source, source_id, {cols}, content_hash, first_seen, changed_at)",
            len(_RECORD_COLUMNS) + 5,
            new_rows,
        )
        ids = self._inserted_ids(conn, "records", [r.key for r in touched[: len(new_rows)]], first)
        stats.records_loaded += len(new_rows)
        if changed:
            self._version_records(conn, [rid for rid, _, _ in changed], now)
            sets = ",".join(f"{c} = ?" for c in _RECORD_COLUMNS)
            conn.executemany(
                f"UPDATE records SET {sets}, content_hash = ?, changed_at = ?, version = version + 1, "
                "dirty = 1 WHERE id = ?",
                [(*r.values, digest, now, rid) for rid, r, digest in changed],
            )
            changed_ids = [rid for rid, _, _ in changed]
            for part in chunks(changed_ids):
                marks = placeholders(len(part))
                conn.execute(f"DELETE FROM record_identifiers WHERE record_id IN ({marks})", part)
                conn.execute(f"DELETE FROM record_names WHERE rowid IN ({marks})", part)
            ids += changed_ids
            stats.records_updated += len(changed)
        self._write_identifiers(conn, touched, ids)
        names = [(record_id, r.name) for record_id, r in zip(ids, touched, strict=True)]
        insert_rows(conn, "INSERT INTO record_names(rowid, name)", 2, [row for row in names if row[1]])
        written = {key: hit[0] for key, hit in existing.items()}
        written.update(zip([r.key for r in touched], ids, strict=True))
        return written

    def _next_id(self, conn: sqlite3.Connection, table: str) -> int:
        """The id SQLite gives the next row of `table` inserted without one: the largest id plus one."""
        return int(conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])

    def _inserted_ids(
        self, conn: sqlite3.Connection, table: str, keys: Sequence[tuple[str, str]], first: int
    ) -> list[int]:
        """The ids of the rows with these natural keys, just inserted in this order into `table` (`records` or
        `interactions`, in this transaction) when the next id was `first` (0: unknown, look them up). SQLite
        gives a row inserted without an id the largest id plus one, so they hold first, first + 1, ...: checked
        (the largest id is now the last of those; were the largest possible id ever reached, SQLite would pick
        ids at random and the check fail), else looked up by natural key."""
        n = len(keys)
        if not n:
            return []
        if first and conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] == first + n - 1:
            return list(range(first, first + n))
        found = self._existing(conn, table, keys)
        return [found[key][0] for key in keys]

    def _version_records(self, conn: sqlite3.Connection, ids: Sequence[int], now: str) -> None:
        """Keep the current content of records about to change as their previous version."""
        for part in chunks(ids):
            conn.execute(
                f"""INSERT OR REPLACE INTO item_versions (item_kind, item_id, version, content_hash, data, replaced_at)
                SELECT 'record', r.id, r.version, r.content_hash, json_object(
                    'kind', r.kind, 'first_name', r.first_name, 'middle_name', r.middle_name,
                    'last_name', r.last_name, 'full_name', r.full_name, 'dob', r.dob, 'street', r.street,
                    'city', r.city, 'state', r.state, 'postal_code', r.postal_code, 'country', r.country,
                    'address_full', r.address_full, 'company', r.company, 'attributes', json(r.attributes),
                    'created_at', r.created_at, 'updated_at', r.updated_at,
                    'identifiers', (SELECT json_group_array(json_object('kind', i.kind, 'value', i.value,
                        'field', ri.field, 'strength', ri.strength, 'raw', ri.raw))
                        FROM record_identifiers ri JOIN identifiers i ON i.id = ri.identifier_id
                        WHERE ri.record_id = r.id)), ?
                FROM records r WHERE r.id IN ({placeholders(len(part))})""",
                (now, *part),
            )

    def _write_identifiers(
        self, conn: sqlite3.Connection, recs: Sequence[RecordRow], record_ids: Sequence[int]
    ) -> None:
        """Link records (with these ids, in order) to their normalized identifiers, creating identifiers as needed."""
        claims = [(record_id, *c) for record_id, r in zip(record_ids, recs, strict=True) for c in r.claims]
        wanted = {(kind, value) for _, kind, value, _, _, _ in claims}
        ident_ids = _insert_identifiers(conn, sorted(wanted))
        if len(ident_ids) < len(wanted):  # those already stored
            ident_ids.update(identifier_ids_of(conn, [key for key in wanted if key not in ident_ids]))
        insert_rows(
            conn,
            "INSERT OR IGNORE INTO record_identifiers(record_id, identifier_id, field, strength, raw)",
            5,
            [(record_id, ident_ids[(kind, value)], f, s, raw) for record_id, kind, value, f, s, raw in claims],
        )

    def _upsert_interactions(
        self,
        conn: sqlite3.Connection,
        acts: list[InteractionRow],
        now: str,
        stats: UpsertStats,
        written: dict[tuple[str, str], int],
    ) -> None:
        """Write the interaction half of a batch, with participations (`written`: the batch's records' ids)."""
        if not acts:
            return
        refs = {(source, source_id) for a in acts for source, source_id, _ in a.parties}
        record_ids = {key: rid for key in refs if (rid := written.get(key)) is not None}
        record_ids.update(
            (key, hit[0]) for key, hit in self._existing(conn, "records", sorted(refs - written.keys())).items()
        )
        missing = refs - record_ids.keys()
        if missing:
            source, source_id = sorted(missing)[0]
            raise StoreError(f"interaction refers to record {source}/{source_id}, which is not loaded")
        bulk = len(acts) >= BULK_ROWS
        empty = bulk and conn.execute("SELECT 1 FROM interactions LIMIT 1").fetchone() is None
        existing = {} if empty else self._existing(conn, "interactions", [a.key for a in acts])
        new_rows: list[tuple[Any, ...]] = []
        changed: list[tuple[int, InteractionRow, str]] = []
        touched: list[InteractionRow] = []
        for a in acts:
            digest = a.digest
            hit = existing.get(a.key)
            if hit is None:
                new_rows.append((*a.key, *a.values, digest, now, now))
                touched.append(a)
            elif hit[1] != digest:
                changed.append((hit[0], a, digest))
                touched.append(a)
            else:
                stats.interactions_unchanged += 1
        cols = ",".join(_INTERACTION_COLUMNS)
        first = self._next_id(conn, "interactions") if bulk and new_rows else 0
        insert_rows(
            conn,
            f"INSERT INTO interactions (source, source_id, {cols}, content_hash, first_seen, changed_at)",
            len(_INTERACTION_COLUMNS) + 5,
            new_rows,
        )
        stats.interactions_loaded += len(new_rows)
        if changed:
            self._version_interactions(conn, [iid for iid, _, _ in changed], now)
            sets = ",".join(f"{c} = ?" for c in _INTERACTION_COLUMNS)
            conn.executemany(
                f"UPDATE interactions SET {sets}, content_hash = ?, changed_at = ?, version = version + 1 WHERE id = ?",
                [(*a.values, digest, now, iid) for iid, a, digest in changed],
            )
            for part in chunks([iid for iid, _, _ in changed]):
                conn.execute(f"DELETE FROM participations WHERE interaction_id IN ({placeholders(len(part))})", part)
            stats.interactions_updated += len(changed)
        new_keys = [(source, source_id) for source, source_id, *_ in new_rows]
        act_ids = dict(zip(new_keys, self._inserted_ids(conn, "interactions", new_keys, first), strict=True))
        act_ids.update((a.key, iid) for iid, a, _ in changed)
        insert_rows(
            conn,
            "INSERT OR IGNORE INTO participations(interaction_id, record_id, role)",
            3,
            [
                (act_ids[a.key], record_ids[(source, source_id)], role)
                for a in touched
                for source, source_id, role in a.parties
            ],
        )

    def _version_interactions(self, conn: sqlite3.Connection, ids: Sequence[int], now: str) -> None:
        """Keep the current content of interactions about to change as their previous version."""
        for part in chunks(ids):
            conn.execute(
                f"""INSERT OR REPLACE INTO item_versions (item_kind, item_id, version, content_hash, data, replaced_at)
                SELECT 'interaction', x.id, x.version, x.content_hash, json_object(
                    'channel', x.channel, 'occurred_at', x.occurred_at, 'direction', x.direction,
                    'subject', x.subject, 'summary', x.summary, 'thread_key', x.thread_key,
                    'attributes', json(x.attributes)), ?
                FROM interactions x WHERE x.id IN ({placeholders(len(part))})""",
                (now, *part),
            )


def _key(ref: RecordRef) -> tuple[str, str]:
    """A record reference as a tuple key."""
    return (ref.source, ref.source_id)
