"""Pick a person worth showing first: one seen on the most channels (used by the demo)."""

from __future__ import annotations

from identity_graph.store.protocol import GraphStore, TimelineQuery

#: Persons with the most records that are examined for the showcase.
SHOWCASE_CANDIDATES = 50
#: Timeline items read per candidate.
SHOWCASE_TIMELINE = 500


def showcase_person(store: GraphStore) -> int | None:
    """The person with the most distinct channels on their timeline, then the most interactions."""
    persons = store.live_person_ids()
    sizes = store.person_record_ids(persons)
    biggest = sorted(sizes, key=lambda p: (-len(sizes[p]), p))[:SHOWCASE_CANDIDATES]
    best: tuple[int, int, int] | None = None
    for pid in biggest:
        items, total = store.timeline(pid, TimelineQuery(limit=SHOWCASE_TIMELINE))
        key = (len({i.channel for i in items}), total, -pid)
        if best is None or key > best:
            best = key
    return None if best is None else -best[2]
