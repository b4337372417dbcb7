"""Batched, idempotent upserts of records and interactions by `(source, source_id)`, in one transaction per batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from identity_graph.errors import StoreError
from identity_graph.model import Interaction
from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import Neo4jBase, Tx, batches, now, run, run_ids, run_keys, run_rows
from identity_graph.store.neo4j.rows import (
    claim_rows,
    interaction_row,
    interaction_version_data,
    name_word_rows,
    participant_rows,
    record_from_props,
    record_row,
    record_version_data,
)
from identity_graph.store.protocol import PreparedRecord, UpsertStats
from identity_graph.store.sqlite_ingest import _last_wins
from identity_graph.store.tombstones import hash_index, keyed_hash, participant_keys, without_erased_parties

T = TypeVar("T")
Key = tuple[str, str]


def _by_key(rows: list[dict[str, Any]]) -> dict[Key, tuple[int, str]]:
    """Map (source, source_id) of result rows to (id, content_hash)."""
    return {(r["source"], r["source_id"]): (int(r["id"]), str(r["content_hash"])) for r in rows}


def _key_maps(keys: Sequence[Key]) -> list[dict[str, str]]:
    """Natural keys as the maps `UNWIND $keys` statements take."""
    return [{"source": source, "source_id": source_id} for source, source_id in keys]


def _record_hashes(tx: Tx, keys: Sequence[Key]) -> dict[Key, tuple[int, str]]:
    """Records already stored under these natural keys: (id, content_hash) each."""
    return _by_key(run_keys(tx, cypher.RECORD_HASHES, _key_maps(keys)))


def _interaction_hashes(tx: Tx, keys: Sequence[Key]) -> dict[Key, tuple[int, str]]:
    """Interactions already stored under these natural keys: (id, content_hash) each."""
    return _by_key(run_keys(tx, cypher.INTERACTION_HASHES, _key_maps(keys)))


def tombstoned(tx: Tx, secret: bytes, keys: Sequence[Key], kind: str) -> set[Key]:
    """The natural keys among `keys` with a tombstone of this kind (keyed, or of the old plain form)."""
    if not keys or not run(tx, cypher.ANY_TOMBSTONE):
        return set()
    by_hash = hash_index(secret, keys)
    rows = [{"source": source, "hash": digest} for source, digest in by_hash]
    return {by_hash[(r["source"], r["hash"])] for r in run_rows(tx, cypher.TOMBSTONED, rows, item_kind=kind)}


def tombstone_rows(secret: bytes, kind: str, keys: Sequence[Key]) -> list[dict[str, str]]:
    """MERGE_TOMBSTONES rows: a keyed hash of each natural key."""
    return [{"source": s, "hash": keyed_hash(secret, s, sid), "item_kind": kind} for s, sid in keys]


def _drop_tombstoned(tx: Tx, secret: bytes, items: list[T], kind: str, key: Callable[[T], Key]) -> tuple[list[T], int]:
    """Remove items whose natural key was erased; returns the rest and how many were dropped."""
    if not items:
        return items, 0
    erased = tombstoned(tx, secret, [key(it) for it in items], kind)
    keep = [it for it in items if key(it) not in erased]
    return keep, len(items) - len(keep)


def drop_orphan_name_words(tx: Tx, words: Sequence[str]) -> None:
    """Delete the `NameWord` nodes among `words` that no record links to any more (a changed or erased name)."""
    for part in batches(sorted(set(words))):
        run(tx, cypher.DELETE_ORPHAN_NAME_WORDS, words=list(part))


def _record_key(p: PreparedRecord) -> Key:
    """A prepared record's natural key."""
    return (p.record.source, p.record.source_id)


def _interaction_key(i: Interaction) -> Key:
    """An interaction's natural key."""
    return (i.source, i.source_id)


class Neo4jIngestMixin(Neo4jBase):
    """Upserts for the Neo4j store."""

    def upsert_batch(
        self,
        records: Sequence[PreparedRecord],
        interactions: Sequence[Interaction] = (),
        *,
        respect_tombstones: bool = True,
    ) -> UpsertStats:
        """Insert new items, update changed ones (keeping the old version), skip unchanged; one transaction."""
        recs: list[PreparedRecord] = _last_wins(records, _record_key)
        acts: list[Interaction] = _last_wins(interactions, _interaction_key)

        def work(tx: Tx) -> UpsertStats:
            stats = UpsertStats()
            stamp = now()
            todo_r, todo_i = recs, acts
            if respect_tombstones:
                secret = self.tombstone_secret()
                todo_r, skipped_r = _drop_tombstoned(tx, secret, recs, "record", _record_key)
                todo_i, skipped_i = _drop_tombstoned(tx, secret, acts, "interaction", _interaction_key)
                refs = participant_keys(todo_i)
                live, _ = _drop_tombstoned(tx, secret, refs, "record", lambda k: k)
                todo_i, skipped_p = without_erased_parties(todo_i, set(refs) - set(live))
                stats.erased_skipped += skipped_r + skipped_i + skipped_p
            self._upsert_records(tx, todo_r, stamp, stats)
            self._upsert_interactions(tx, todo_i, stamp, stats)
            return stats

        return self._write(work)

    def _upsert_records(self, tx: Tx, recs: list[PreparedRecord], stamp: str, stats: UpsertStats) -> None:
        """Write the record half of a batch: identifiers, new and changed records, versions, HAS links."""
        if not recs:
            return
        existing = _record_hashes(tx, [_record_key(p) for p in recs])
        new: list[tuple[PreparedRecord, dict[str, Any]]] = []
        changed: list[tuple[PreparedRecord, dict[str, Any]]] = []
        for p in recs:
            row = record_row(p)
            hit = existing.get(_record_key(p))
            if hit is None:
                new.append((p, row))
            elif hit[1] != row["content_hash"]:
                changed.append((p, {**row, "id": hit[0]}))
            else:
                stats.records_unchanged += 1
        touched = [p for p, _ in new + changed]
        self._merge_identifiers(tx, touched)
        ids = self._next_ids(tx, "record", len(new))
        rows = [{**row, "id": i} for (_, row), i in zip(new, ids, strict=True)]
        run_rows(tx, cypher.CREATE_RECORDS, rows, now=stamp)
        stats.records_loaded += len(new)
        old_words: list[str] = []
        if changed:
            changed_ids = [row["id"] for _, row in changed]
            self._version_records(tx, changed_ids, stamp)
            run_rows(tx, cypher.UPDATE_RECORDS, [row for _, row in changed], now=stamp)
            old_words = [str(r["word"]) for r in run_ids(tx, cypher.UNLINK_NAME_WORDS, changed_ids)]
            stats.records_updated += len(changed)
        run_rows(tx, cypher.LINK_IDENTIFIERS, [c for p in touched for c in claim_rows(p)])
        words = [w for p in touched for w in name_word_rows(*_record_key(p), p.record.display_name())]
        run_rows(tx, cypher.LINK_NAME_WORDS, words)
        drop_orphan_name_words(tx, old_words)

    def _merge_identifiers(self, tx: Tx, recs: Sequence[PreparedRecord]) -> None:
        """Create the identifiers these records claim that do not exist yet, each with a new integer id."""
        wanted = sorted({(c.identifier.kind.value, c.identifier.value) for p in recs for c in p.identifiers})
        if not wanted:
            return
        keys = [{"kind": k, "value": v} for k, v in wanted]
        known = {(r["kind"], r["value"]) for r in run_keys(tx, cypher.IDENTIFIER_IDS, keys)}
        missing = [k for k in wanted if k not in known]
        ids = self._next_ids(tx, "identifier", len(missing))
        rows = [{"kind": k, "value": v, "id": i} for (k, v), i in zip(missing, ids, strict=True)]
        run_rows(tx, cypher.MERGE_IDENTIFIERS, rows)

    @staticmethod
    def _version_records(tx: Tx, ids: Sequence[int], stamp: str) -> None:
        """Keep the current content of records about to change as their previous version."""
        rows = []
        for r in run_ids(tx, cypher.RECORDS_BY_ID, ids):
            stored = record_from_props(r["record"], r["claims"])
            rows.append(
                {
                    "item_kind": "record",
                    "item_id": stored.id,
                    "version": stored.version,
                    "content_hash": r["record"]["content_hash"],
                    "data": record_version_data(stored),
                }
            )
        run_rows(tx, cypher.MERGE_VERSIONS, rows, now=stamp)

    def _upsert_interactions(self, tx: Tx, acts: list[Interaction], stamp: str, stats: UpsertStats) -> None:
        """Write the interaction half of a batch, with participations."""
        if not acts:
            return
        refs = sorted({(p.record.source, p.record.source_id) for i in acts for p in i.participants})
        missing = set(refs) - _record_hashes(tx, refs).keys()
        if missing:
            source, source_id = sorted(missing)[0]
            raise StoreError(f"interaction refers to record {source}/{source_id}, which is not loaded")
        existing = _interaction_hashes(tx, [_interaction_key(i) for i in acts])
        new: list[tuple[Interaction, dict[str, Any]]] = []
        changed: list[tuple[Interaction, dict[str, Any]]] = []
        for i in acts:
            row = interaction_row(i)
            hit = existing.get(_interaction_key(i))
            if hit is None:
                new.append((i, row))
            elif hit[1] != row["content_hash"]:
                changed.append((i, {**row, "id": hit[0]}))
            else:
                stats.interactions_unchanged += 1
        ids = self._next_ids(tx, "interaction", len(new))
        rows = [{**row, "id": n} for (_, row), n in zip(new, ids, strict=True)]
        run_rows(tx, cypher.CREATE_INTERACTIONS, rows, now=stamp)
        stats.interactions_loaded += len(new)
        if changed:
            self._version_interactions(tx, [row["id"] for _, row in changed], stamp)
            run_rows(tx, cypher.UPDATE_INTERACTIONS, [row for _, row in changed], now=stamp)
            stats.interactions_updated += len(changed)
        touched = [i for i, _ in new + changed]
        run_rows(tx, cypher.LINK_PARTICIPANTS, [row for i in touched for row in participant_rows(i)])

    @staticmethod
    def _version_interactions(tx: Tx, ids: Sequence[int], stamp: str) -> None:
        """Keep the current content of interactions about to change as their previous version."""
        rows = [
            {
                "item_kind": "interaction",
                "item_id": int(props["id"]),
                "version": int(props.get("version", 1)),
                "content_hash": props["content_hash"],
                "data": interaction_version_data(props),
            }
            for props in (r["interaction"] for r in run_ids(tx, cypher.INTERACTIONS_BY_ID, ids))
        ]
        run_rows(tx, cypher.MERGE_VERSIONS, rows, now=stamp)

    def item_versions(self, item_kind: str, item_id: int) -> list[dict[str, Any]]:
        """Previous versions kept of one record or interaction, oldest first (version, content_hash, data)."""
        return self._query(cypher.VERSIONS_OF, item_kind=item_kind, item_id=item_id)

    def add_tombstones(self, kind: str, keys: Sequence[Key]) -> int:
        """Keep a keyed tombstone of this kind for each natural key (idempotent); returns how many keys."""
        rows = tombstone_rows(self.tombstone_secret(), kind, sorted(set(keys)))
        stamp = now()
        self._write(lambda tx: run_rows(tx, cypher.MERGE_TOMBSTONES, rows, now=stamp))
        return len(rows)

    def erased_keys(self, kind: str, keys: Sequence[Key]) -> set[Key]:
        """The natural keys among these that have a tombstone of this kind (keyed, or of the old plain form)."""
        secret = self.tombstone_secret()
        return self._read(lambda tx: tombstoned(tx, secret, sorted(set(keys)), kind))
