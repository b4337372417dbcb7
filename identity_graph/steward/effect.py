"""Make a steward's decision take effect at once: re-cluster the closed scope it touches, under every judgement.

A decision changes no score, only which links may be used, so nothing is re-scored: the scope is the connected
component of the decided records over auto links and `same` judgements (whole persons included), and it is
clustered with the matcher's own `cluster` (judgements and the over-merge guard), exactly as a batch run does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from identity_graph.errors import ConflictError
from identity_graph.model import ChangeEvent, Judgement, MatchStatus, Verdict
from identity_graph.persons import apply_clustering
from identity_graph.resolve import cluster
from identity_graph.resolve.batch import store_guard_reports
from identity_graph.resolve.clustering import ClusterResult
from identity_graph.resolve.features import build_features
from identity_graph.resolve.pipeline import record_facts
from identity_graph.resolve.scoring import strong_conflicts
from identity_graph.resolve.training import load_model
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore

#: At most this many change-feed events are read back to describe what one action did.
OUTCOME_EVENT_LIMIT = 10_000


@dataclass
class Outcome:
    """Where some records' persons were before and after an action, and the events it wrote."""

    before: dict[int, int]
    after: dict[int, int]
    events: list[ChangeEvent] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        """How many events of each type the action wrote."""
        return Counter(e.type for e in self.events)

    def describe(self) -> str:
        """One readable line: who is where now and what changed."""
        persons = sorted(set(self.after.values()))
        records = ", ".join(str(r) for r in sorted(self.after))
        if len(persons) == 1 and len(self.after) > 1:
            where = f"records {records} are one person ({persons[0]})"
        else:
            where = "; ".join(f"record {r} is in person {p}" for r, p in sorted(self.after.items()))
        counts = self.counts()
        changed = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        return f"{where}; {changed}" if changed else f"{where}; no person changed"


class ScopeTooLarge(ConflictError):
    """The closed scope of some records holds more records than a caller allows (a preview at scale)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"These persons are linked, through the matcher's auto links, to more than {limit:,} records: working "
            "out every effect beforehand would take too long; decide, then read what it did (and undo it if need be)"
        )
        self.limit = limit


def closed_scope(store: GraphStore, record_ids: Sequence[int], *, limit: int | None = None) -> list[int]:
    """The records' connected component over auto links and `same` judgements, with every person's records
    (ScopeTooLarge as soon as it passes `limit` records, when one is given)."""
    scope: set[int] = set()
    frontier = set(record_ids)
    while frontier:
        scope |= frontier
        if limit is not None and len(scope) > limit:
            raise ScopeTooLarge(limit)
        found: set[int] = set()
        persons = set(store.assignments(sorted(frontier)).values())
        for members in store.person_record_ids(sorted(persons)).values():
            found.update(members)
        for e in store.edges(sorted(frontier), statuses=[MatchStatus.AUTO]):
            found.update((e.left, e.right))
        for j in store.judgements(sorted(frontier), active_only=True):
            if j.verdict is Verdict.SAME:
                found.update((j.left, j.right))
        frontier = found - scope
    return sorted(scope)


def plan_clusters(
    store: GraphStore, scope: Sequence[int], settings: Settings, judgements: Sequence[Judgement]
) -> ClusterResult:
    """Cluster a closed scope under these judgements exactly as a batch run would, writing nothing."""
    records = store.get_records(scope)
    model = load_model(store, settings.matching)
    placeholders = frozenset(model.placeholders) if model is not None else frozenset()
    table, _ = build_features([records], placeholders)
    return cluster(
        scope,
        store.edges(scope, statuses=[MatchStatus.AUTO]),
        judgements,
        settings.matching,
        facts=record_facts(table),
        strong=strong_conflicts(),
    )


def recluster(
    store: GraphStore, record_ids: Sequence[int], settings: Settings, cause: str, *, scope: Sequence[int] = ()
) -> None:
    """Cluster the closed scope of these records (or the given closed scope) as a batch run would, and apply it
    with stable ids."""
    scope = list(scope) or closed_scope(store, record_ids)
    with store.transaction():
        result = plan_clusters(store, scope, settings, store.judgements(scope, active_only=True))
        apply_clustering(store, result.clusters, cause)
        store_guard_reports(store, result.guard_reports)


def take_effect(
    store: GraphStore, record_ids: Sequence[int], settings: Settings, cause: str, *, scope: Sequence[int] = ()
) -> Outcome:
    """Apply the judgements on these records now (re-clustering their closed scope, or the given one) and report
    who moved."""
    ids = sorted(set(record_ids))
    before = store.assignments(ids)
    last = store.last_event_id()
    recluster(store, ids, settings, cause, scope=scope)
    return Outcome(
        before=before,
        after=store.assignments(ids),
        events=store.events(since_id=last, limit=OUTCOME_EVENT_LIMIT),
    )
