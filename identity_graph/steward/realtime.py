"""Real-time resolution of one new record or interaction, through the matcher's own incremental path."""

from __future__ import annotations

from dataclasses import dataclass, field

from identity_graph.errors import StoreError
from identity_graph.model import ChangeEvent, Interaction, MatchEdge, MatchStatus, Record
from identity_graph.prepare import PrepareReport, prepare_interaction, prepare_record
from identity_graph.resolve import resolve_records
from identity_graph.settings import Settings
from identity_graph.steward.effect import OUTCOME_EVENT_LIMIT
from identity_graph.store.protocol import GraphStore, UpsertStats

#: The change-feed cause of real-time resolution.
REALTIME_CAUSE = "realtime"


@dataclass
class AddOutcome:
    """What adding one record did: its person, how it got there, and the links that explain it."""

    record_id: int
    person_id: int | None
    action: str  # "created", "attached", "merged", "unchanged"
    stats: UpsertStats
    links: list[MatchEdge] = field(default_factory=list)  # auto links of the record, strongest first
    proposals: list[MatchEdge] = field(default_factory=list)  # review-band links, for a steward
    events: list[ChangeEvent] = field(default_factory=list)
    unusable_identifiers: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)  # input-policy notes (identity_graph.limits), counted

    def describe(self) -> str:
        """One readable paragraph for the terminal."""
        what = {
            "created": f"new person {self.person_id}",
            "attached": f"attached to person {self.person_id}",
            "merged": f"attached to person {self.person_id}, merging "
            + ", ".join(str(e.other_person_id) for e in self.events if e.type == "person.merged")
            + " into it",
            "unchanged": f"unchanged, in person {self.person_id}",
        }[self.action]
        lines = [f"record {self.record_id}: {what}"]
        lines += [f"  linked to {_other(e, self.record_id)}: {e.explanation} (p={e.score:.3f})" for e in self.links]
        lines += [
            f"  proposed for review with {_other(e, self.record_id)}: {e.explanation} (p={e.score:.3f})"
            for e in self.proposals
        ]
        return "\n".join(lines)


def _other(edge: MatchEdge, record_id: int) -> int:
    """The far end of an edge."""
    return edge.right if edge.left == record_id else edge.left


def _action(events: list[ChangeEvent], record_id: int, stats: UpsertStats) -> str:
    """Classify what happened to the record from the events resolution wrote."""
    if any(e.type == "person.merged" for e in events):
        return "merged"
    attached = [e for e in events if e.type == "record.attached" and e.record_id == record_id]
    if not attached:
        return "unchanged" if not stats.records_loaded else "attached"
    created = {e.person_id for e in events if e.type in ("person.created", "person.split")}
    return "created" if attached[-1].person_id in created else "attached"


def add_record(store: GraphStore, record: Record, settings: Settings, *, cause: str = REALTIME_CAUSE) -> AddOutcome:
    """Store one record and resolve it against the whole store now: attach, merge or propose for review."""
    report = PrepareReport()
    prepared = prepare_record(record, settings.matching.default_region, report)
    last = store.last_event_id()
    with store.transaction():  # one commit per add: stored and resolved together, or neither
        stats = store.upsert_batch([prepared], respect_tombstones=settings.privacy.tombstones)
        stored = store.find_record(record.source, record.source_id)
        if stored is None:
            raise StoreError(f"record {record.source}/{record.source_id} was not stored (erased earlier?)")
        resolve_records(store, [stored.id], settings, cause=cause, known=[stored])
    events = store.events(since_id=last, limit=OUTCOME_EVENT_LIMIT)
    edges = store.edges([stored.id])
    by_score = sorted(edges, key=lambda e: -e.score)
    return AddOutcome(
        record_id=stored.id,
        person_id=store.assignments([stored.id]).get(stored.id),
        action=_action(events, stored.id, stats),
        stats=stats,
        links=[e for e in by_score if e.status == MatchStatus.AUTO],
        proposals=[e for e in by_score if e.status == MatchStatus.REVIEW],
        events=events,
        unusable_identifiers=dict(report.unusable),
        notes=dict(report.notes),
    )


@dataclass
class InteractionOutcome:
    """Where one added interaction landed: the person of each participating record."""

    stats: UpsertStats
    persons: dict[int, int | None]  # record id -> person id
    notes: dict[str, int] = field(default_factory=dict)  # input-policy notes (identity_graph.limits), counted

    def describe(self) -> str:
        """One readable line."""
        verb = (
            "stored"
            if self.stats.interactions_loaded
            else ("updated" if self.stats.interactions_updated else "unchanged")
        )
        where = ", ".join(
            f"record {r} → person {p if p is not None else '(none yet)'}" for r, p in self.persons.items()
        )
        return f"interaction {verb}; on the timeline of: {where or 'nobody'}"


def add_interaction(store: GraphStore, interaction: Interaction, settings: Settings) -> InteractionOutcome:
    """Store one interaction between records already loaded; it shows on their persons' timelines at once."""
    report = PrepareReport()
    interaction = prepare_interaction(interaction, report)
    stats = store.upsert_batch([], [interaction], respect_tombstones=settings.privacy.tombstones)
    ids: list[int] = []
    for p in interaction.participants:
        found = store.find_record(p.record.source, p.record.source_id)
        if found is not None:
            ids.append(found.id)
    persons = store.assignments(ids)
    return InteractionOutcome(stats=stats, persons={r: persons.get(r) for r in ids}, notes=dict(report.notes))
