"""Turn a clustering of records into persons with stable ids, and write the change feed.

Rules (docs/architecture.md, "Stable person ids"):
- an old person keeps its id on the new cluster that holds the largest share of its records, provided that
  share is at least `KEEP_SHARE` of them;
- when several old persons keep their ids on one cluster, the oldest (smallest) id survives and the others are
  recorded as merged into it (`person.merged`);
- a cluster no old person keeps gets a new id: `person.split` from each old person it took records from, or
  `person.created` when its records had no person;
- every record that changes person gives `record.detached` (from the old) and `record.attached` (to the new).

The caller passes a closed scope: every record of every old person involved, and whole new clusters.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from identity_graph.errors import StoreError
from identity_graph.gc_pause import paused_gc
from identity_graph.store.protocol import GraphStore, NewEvent

#: An old person keeps its id on a cluster holding at least this share of its records.
KEEP_SHARE = 0.5


@dataclass
class PersonChanges:
    """What applying a clustering did."""

    created: int = 0
    merged: int = 0
    split: int = 0
    moved_records: int = 0
    events: list[NewEvent] = field(default_factory=list)


def _keepers(
    clusters: Sequence[Sequence[int]], old: Mapping[int, int], old_sizes: Mapping[int, int]
) -> dict[int, list[int]]:
    """Cluster index -> old persons that keep their id on it."""
    overlap: dict[int, Counter[int]] = defaultdict(Counter)
    for index, cluster in enumerate(clusters):
        for record_id in cluster:
            person = old.get(record_id)
            if person is not None:
                overlap[person][index] += 1
    keepers: dict[int, list[int]] = defaultdict(list)
    for person, counts in overlap.items():
        index, share = min(counts.items(), key=lambda kv: (-kv[1], clusters[kv[0]][0]))
        if share >= KEEP_SHARE * old_sizes[person]:
            keepers[index].append(person)
    return keepers


def plan_persons(
    clusters: Sequence[Sequence[int]],
    old: Mapping[int, int],
    old_sizes: Mapping[int, int],
    keepers: Mapping[int, list[int]],
    new_ids: Iterable[int],
    cause: str = "",
) -> tuple[dict[int, int], list[tuple[int, int | None]], PersonChanges]:
    """Decide each cluster's person id; returns record->person, persons to retire, and the changes (events with
    this `cause`)."""
    fresh = iter(new_ids)
    changes = PersonChanges()
    assign: dict[int, int] = {}
    surviving: set[int] = set()
    retire: list[tuple[int, int | None]] = []
    for index, cluster in enumerate(clusters):
        claim = sorted(keepers[index]) if index in keepers else []
        sources = sorted({old[r] for r in cluster if r in old}) if old else []
        if claim:
            person = claim[0]
            for other in claim[1:]:
                changes.events.append(NewEvent("person.merged", person, cause, other_person_id=other))
                retire.append((other, person))
                changes.merged += 1
        else:
            person = next(fresh)
            if sources:
                for other in sources:
                    changes.events.append(NewEvent("person.split", person, cause, other_person_id=other))
                changes.split += 1
            else:
                changes.events.append(NewEvent("person.created", person, cause))
            changes.created += 1
        surviving.add(person)
        assign.update(dict.fromkeys(cluster, person))
    merged_away = {p for p, _ in retire}
    for person in sorted(set(old_sizes) - surviving - merged_away):
        retire.append((person, None))
    return assign, retire, changes


def apply_clustering(store: GraphStore, clusters: Sequence[Sequence[int]], cause: str) -> PersonChanges:
    """Assign persons to a closed scope of clusters with stable ids; write moves, retirements and events."""
    scope = [r for c in clusters for r in c]
    in_scope = set(scope)
    if len(scope) != len(in_scope):
        raise StoreError("a record appears in two clusters")
    with paused_gc(), store.transaction():
        old = store.assignments(scope)
        old_members = store.person_record_ids(sorted(set(old.values())))
        outside = {r for members in old_members.values() for r in members} - in_scope
        if outside:
            raise StoreError(f"clustering scope is not closed: {len(outside)} records of its persons are missing")
        old_sizes = {p: len(m) for p, m in old_members.items()}
        keepers = _keepers(clusters, old, old_sizes)
        unclaimed = len(clusters) - sum(1 for claim in keepers.values() if claim)
        new_ids = store.create_persons(unclaimed)
        assign, retire, changes = plan_persons(clusters, old, old_sizes, keepers, new_ids, cause)
        moves = sorted((r, p) for r, p in assign.items() if old.get(r) != p)  # in record order: appended to the table
        events = changes.events
        for record_id, person in moves:
            before = old.get(record_id)
            if before is not None:
                events.append(NewEvent("record.detached", before, cause, None, record_id))
            events.append(NewEvent("record.attached", person, cause, None, record_id))
        store.set_persons(moves)
        store.retire_persons(retire)
        store.add_events(events)
        changes.moved_records = len(moves)
    return changes
