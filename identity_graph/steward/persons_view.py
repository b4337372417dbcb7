"""The two persons a decision would join, side by side, and the pair's evidence (computed now when none is stored).

A steward decides about two records but changes two persons: each side shows the person the record belongs to
(its name, every record, its identifiers, its latest interactions), so "same person?" is asked of people.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel

from identity_graph.errors import ConfigError, NotFound
from identity_graph.model import Evidence, StoredRecord, TimelineItem
from identity_graph.settings import Settings
from identity_graph.steward.preview import display_name
from identity_graph.store.protocol import GraphStore, TimelineQuery

#: Interactions shown per person on the pair's page (the newest).
TIMELINE_ITEMS = 5
#: Records listed per person on the pair's page (the rest are counted).
LISTED_RECORDS = 20


class RecordLine(BaseModel):
    """One record of a person, in a line."""

    id: int
    source: str
    source_id: str
    kind: str
    name: str


class PersonSide(BaseModel):
    """One side of the pair: the record's person (or the record alone when it has none)."""

    record_id: int
    person_id: int | None
    name: str
    records: list[RecordLine]
    record_count: int
    identifiers: list[str]  # `kind:value` keys, sorted
    timeline: list[TimelineItem]
    interactions: int  # on the whole timeline


class PairEvidence(BaseModel):
    """The pair's evidence: stored on its link, or computed now with the saved model."""

    evidence: list[Evidence]
    explanation: str
    computed: bool  # True when nothing was stored and it was computed for this page
    note: str = ""


def _line(record: StoredRecord) -> RecordLine:
    """A record as one line."""
    return RecordLine(
        id=record.id,
        source=record.source,
        source_id=record.source_id,
        kind=record.kind.value,
        name=display_name([record]),
    )


def person_side(store: GraphStore, record_id: int) -> PersonSide:
    """The person of one record, for the side-by-side view."""
    person = store.assignments([record_id]).get(record_id)
    ids = store.person_record_ids([person]).get(person, [record_id]) if person is not None else [record_id]
    records = store.get_records(ids)
    if not records:
        raise NotFound(f"no record with id {record_id}")
    keys = store.identifier_keys(ids)
    timeline: list[TimelineItem] = []
    total = 0
    if person is not None:
        timeline, total = store.timeline(person, TimelineQuery(limit=TIMELINE_ITEMS))
    return PersonSide(
        record_id=record_id,
        person_id=person,
        name=display_name(records),
        records=[_line(r) for r in sorted(records, key=lambda r: (r.id != record_id, r.id))[:LISTED_RECORDS]],
        record_count=len(records),
        identifiers=sorted({k for ks in keys.values() for k in ks}),
        timeline=timeline,
        interactions=total,
    )


def shared_keys(sides: Sequence[PersonSide]) -> set[str]:
    """Identifier keys both persons hold."""
    return set(sides[0].identifiers) & set(sides[1].identifiers) if len(sides) == 2 else set()


def pair_evidence(
    store: GraphStore,
    settings: Settings,
    left: int,
    right: int,
    stored: Sequence[Evidence],
    explanation: str,
    shown: Callable[[str], str] = str,
) -> PairEvidence:
    """The stored evidence, or the matcher's evidence computed now (or, with no model yet, the shared
    identifiers, each key as `shown` gives it), so an identical email is never reported as 'no evidence'."""
    if stored:
        return PairEvidence(evidence=list(stored), explanation=explanation, computed=False)
    from identity_graph.resolve.explain import explain_pair  # the scoring stack, only when nothing is stored

    try:
        found = explain_pair(store, left, right, settings)
    except (ConfigError, NotFound):
        keys = store.identifier_keys([left, right])
        both = sorted(keys.get(left, set()) & keys.get(right, set()))
        evidence = [
            Evidence(comparison=k.partition(":")[0], level="exact", weight=0.0, detail=f"both records hold {shown(k)}")
            for k in both
        ]
        return PairEvidence(
            evidence=evidence,
            explanation="; ".join(e.detail for e in evidence),
            computed=True,
            note="No link was stored for this pair and no model is trained yet: the shared identifiers are shown.",
        )
    return PairEvidence(
        evidence=list(found.evidence),
        explanation=found.sentence,
        computed=True,
        note=f"No link was stored for this pair: the evidence was computed now (match probability {found.score:.3f}).",
    )
