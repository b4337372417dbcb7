"""Copy a store's graph into another store (`idgraph push --to bolt://...`): from the embedded file to a team server.

What is copied is what a resolution cannot make again: records with their identifiers, interactions, every
steward decision in the order it was taken (superseded ones too, so the history reads the same), the trained
match model and the campaign registry. Links and persons are then made on the target by resolving there, under
those decisions. Loading is by natural key, so pushing again changes only what changed; tombstones on the target
keep erased people out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from identity_graph.model import Interaction, Judgement, Participation, Record, RecordRef, StoredRecord
from identity_graph.resolve.training import DIGEST_KEY, META_KEY
from identity_graph.store.protocol import GraphStore, PreparedRecord, UpsertStats
from identity_graph.store.sqlite import SQLiteStore

#: Items per `upsert_batch` on the target (one transaction each).
PUSH_BATCH = 5_000
#: Store metadata copied with the graph: the trained match model and its digest.
COPIED_META = (META_KEY, DIGEST_KEY)
#: Who the target's audit log names for campaigns a push saves.
PUSH_ACTOR = "push"


@dataclass
class PushResult:
    """What a push wrote to the target."""

    stats: UpsertStats
    judgements: int = 0
    meta: int = 0
    campaigns: int = 0  # campaigns added or changed on the target


def _prepared(stored: StoredRecord) -> PreparedRecord:
    """A stored record as the target's upsert takes it (its identifiers already normalized)."""
    fields = stored.model_dump(include=set(Record.model_fields))
    return PreparedRecord(record=Record.model_validate(fields), identifiers=stored.claimed)


def _interactions(source: SQLiteStore) -> Iterator[list[Interaction]]:
    """The source's interactions with their participants, in batches (read from its tables: the protocol has no
    interaction scan, and `get_interaction` leaves participants out)."""
    ids = [int(r["id"]) for r in source.query("SELECT id FROM interactions ORDER BY id")]
    for start in range(0, len(ids), PUSH_BATCH):
        part = ids[start : start + PUSH_BATCH]
        parties: dict[int, list[Participation]] = {}
        rows = source.query(
            "SELECT p.interaction_id, p.role, r.source, r.source_id FROM participations p "
            "JOIN records r ON r.id = p.record_id WHERE p.interaction_id BETWEEN ? AND ? "
            "ORDER BY p.interaction_id, r.id, p.role",
            (part[0], part[-1]),
        )
        for r in rows:
            ref = RecordRef(source=r["source"], source_id=r["source_id"])
            parties.setdefault(int(r["interaction_id"]), []).append(Participation(record=ref, role=r["role"]))
        batch = []
        for found in (source.get_interaction(i) for i in part):
            if found is not None:
                fields = found.model_dump(include=set(Interaction.model_fields) - {"participants"})
                batch.append(Interaction.model_validate({**fields, "participants": parties.get(found.id, [])}))
        yield batch


def _copy_judgements(source: GraphStore, target: GraphStore) -> int:
    """Replay every decision, oldest first, on the target's record ids (found by natural key); returns how many."""
    history = sorted(source.judgements(active_only=False), key=lambda j: j.id or 0)
    ids = {j for jd in history for j in (jd.left, jd.right)}
    keys = {r.id: (r.source, r.source_id) for r in source.get_records(sorted(ids))}
    mapped: dict[int, int] = {}
    for rid, (src, src_id) in keys.items():
        found = target.find_record(src, src_id)
        if found is not None:
            mapped[rid] = found.id
    known = {(j.left, j.right, j.verdict, j.by, j.at) for j in target.judgements(active_only=False)}
    copied = 0
    for jd in history:
        if jd.left not in mapped or jd.right not in mapped:
            continue
        left, right = sorted((mapped[jd.left], mapped[jd.right]))
        if (left, right, jd.verdict, jd.by, jd.at) in known:
            continue
        target.add_judgement(
            Judgement(left=left, right=right, verdict=jd.verdict, by=jd.by, at=jd.at, reason=jd.reason)
        )
        copied += 1
    return copied


def push(source: SQLiteStore, target: GraphStore) -> PushResult:
    """Copy records, interactions, decisions, the match model and the campaign registry from the embedded `source`
    to `target`."""
    result = PushResult(stats=UpsertStats())
    for records in source.iter_records(batch_size=PUSH_BATCH):
        result.stats.add(target.upsert_batch([_prepared(r) for r in records]))
    for interactions in _interactions(source):
        result.stats.add(target.upsert_batch([], interactions))
    result.judgements = _copy_judgements(source, target)
    for key in COPIED_META:
        value = source.get_meta(key)
        if value is not None and target.get_meta(key) != value:
            target.set_meta(key, value)
            result.meta += 1
    result.campaigns = _copy_campaigns(source, target)
    return result


def _copy_campaigns(source: GraphStore, target: GraphStore) -> int:
    """Copy the campaign registry (by id; unchanged ones are skipped); returns how many were added or changed."""
    from identity_graph.campaigns.load import register

    counts = register(target, source.campaigns(), PUSH_ACTOR)
    return counts.added + counts.replaced
