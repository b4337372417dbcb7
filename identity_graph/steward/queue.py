"""The review queue: proposed merges (review-band edges and chain-guard reports) ranked by impact.

impact = size * log2(1 + records of both persons)
       + interactions * log2(1 + interactions that would move on a merge)
       + shared_identifiers * (identifiers both records hold)
       + recency * 0.5 ** (days since the fresher record was last active / half-life)
       + guard (chain-guard reports only)

Each weight is a named setting of `StewardSettings` (`impact_size`, `impact_interactions`,
`impact_shared_identifiers`, `impact_recency`, `recency_half_life_days`, `impact_guard`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise

import numpy as np

from identity_graph.model import Evidence, MatchEdge, MatchStatus
from identity_graph.settings import StewardSettings
from identity_graph.steward.rank_cache import review_ranking, top_review_pairs
from identity_graph.steward.ranking import SECONDS_PER_DAY, freshest, impacts
from identity_graph.store.protocol import GraphStore, GuardReport, PersonStats, RecordActivity

#: With a limit, pairs are ranked as arrays first and this many beyond the limit are scored exactly (ties).
RANK_MARGIN = 50
#: A guard report's chain is (conflicting end, refused link's left, refused link's right, other end).
GUARD_CHAIN_LENGTH = 4
#: The kinds of queue item in words (one wording on every page).
KIND_LABELS = {"edge": "review band", "guard": "over-merge guard"}


@dataclass(frozen=True)
class ImpactParts:
    """The raw figures one item's impact is computed from."""

    records: int  # records of the persons on both sides (a record without a person counts as itself)
    moving_interactions: int  # interactions whose person would change if the pair were merged
    shared_identifiers: tuple[str, ...]  # identifier keys both records hold
    last_changed: datetime  # when the fresher record was last active (interaction or source update)
    guard: bool = False


@dataclass(frozen=True)
class ReviewItem:
    """One proposed merge for a steward: the pair, the matcher's evidence and why it ranks where it does."""

    left: int
    right: int
    kind: str  # "edge" (review band) or "guard" (a chain the over-merge guard stopped)
    impact: float
    parts: ImpactParts
    left_person: int | None
    right_person: int | None
    score: float | None = None
    weight: float | None = None
    evidence: tuple[Evidence, ...] = ()
    explanation: str = ""
    guard_report_id: int | None = None
    guard_reason: str = ""
    chain: tuple[int, ...] = field(default_factory=tuple)
    evidence_pair: tuple[int, int] | None = None  # the link the evidence belongs to (a chain's refused link)
    left_name: str = ""  # the records' names and sources, filled in for the items a page shows
    right_name: str = ""
    left_source: str = ""
    right_source: str = ""

    @property
    def pair(self) -> tuple[int, int]:
        """The pair as (smaller id, larger id)."""
        return (min(self.left, self.right), max(self.left, self.right))

    @property
    def kind_label(self) -> str:
        """The kind in words, the same on the queue and on the pair's page."""
        return KIND_LABELS.get(self.kind, self.kind)


def impact_score(parts: ImpactParts, weights: StewardSettings, now: datetime) -> float:
    """The impact formula of the module docstring."""
    age_days = max(0.0, (now - parts.last_changed).total_seconds() / SECONDS_PER_DAY)
    freshness = float(0.5 ** (age_days / weights.recency_half_life_days))
    return (
        weights.impact_size * math.log2(1 + parts.records)
        + weights.impact_interactions * math.log2(1 + parts.moving_interactions)
        + weights.impact_shared_identifiers * len(parts.shared_identifiers)
        + weights.impact_recency * freshness
        + (weights.impact_guard if parts.guard else 0.0)
    )


@dataclass
class _Context:
    """Everything the ranking reads from the store, fetched in batches for all candidate pairs at once."""

    persons: dict[int, int]
    person_stats: dict[int, PersonStats]
    activity: dict[int, RecordActivity]
    identifiers: dict[int, set[str]]


def _load_context(store: GraphStore, record_ids: Sequence[int]) -> _Context:
    """Batch-read persons, sizes, activity and identifiers of every record in the queue."""
    persons = store.assignments(record_ids)
    return _Context(
        persons=persons,
        person_stats=store.person_stats(sorted(set(persons.values()))),
        activity=store.record_activity(record_ids),
        identifiers=store.identifier_keys(record_ids),
    )


def shared_identifiers(left: set[str] | None, right: set[str] | None) -> tuple[str, ...]:
    """Identifier keys both records hold, sorted."""
    return tuple(sorted(left & right)) if left and right else ()


def _parts(ctx: _Context, left: int, right: int, *, guard: bool) -> ImpactParts:
    """Impact figures of one pair."""
    units: dict[tuple[str, int], tuple[int, int]] = {}  # (kind, id) -> (records, interactions)
    for rid in (left, right):
        pid = ctx.persons.get(rid)
        if pid is not None and pid in ctx.person_stats:
            stats = ctx.person_stats[pid]
            units[("person", pid)] = (stats.records, stats.interactions)
        else:
            act = ctx.activity.get(rid)
            units[("record", rid)] = (1, act.interactions if act else 0)
    if len(units) == 1:  # already one person: a 'different' verdict would move the smaller record's history
        moving = min((ctx.activity[r].interactions if r in ctx.activity else 0) for r in (left, right))
    else:  # a merge keeps the older person id, so the newer person's (or the lone record's) history moves
        leaving = max(units, key=lambda k: (k[0] == "record", k[1]))
        moving = units[leaving][1]
    epoch = datetime.fromtimestamp(0, UTC)
    changed = [freshest(ctx.activity[r]) for r in (left, right) if r in ctx.activity]
    return ImpactParts(
        records=sum(n for n, _ in units.values()),
        moving_interactions=moving,
        shared_identifiers=shared_identifiers(ctx.identifiers.get(left), ctx.identifiers.get(right)),
        last_changed=max(changed, default=epoch),
        guard=guard,
    )


def _judged_pairs(store: GraphStore, record_ids: Sequence[int]) -> set[tuple[int, int]]:
    """Pairs that already have an active decision (any verdict): they leave the queue."""
    return {(j.left, j.right) for j in store.judgements(record_ids, active_only=True)}


def _guard_pair(report: GuardReport) -> tuple[int, int] | None:
    """The two conflicting ends of a guarded chain, as (smaller, larger)."""
    if len(report.record_ids) < 2:
        return None
    a, b = report.record_ids[0], report.record_ids[-1]
    return (min(a, b), max(a, b)) if a != b else None


def _chain_edges(store: GraphStore, reports: Sequence[GuardReport]) -> dict[int, MatchEdge]:
    """Per guard report: the strongest stored link between neighbours of its chain (the link the guard refused)."""
    ids = sorted({r for rep in reports for r in rep.record_ids})
    if not ids:
        return {}
    by_pair = {(e.left, e.right): e for e in store.edges(ids, statuses=[MatchStatus.AUTO, MatchStatus.REVIEW])}
    out: dict[int, MatchEdge] = {}
    for rep in reports:
        chain = rep.record_ids
        if len(chain) == GUARD_CHAIN_LENGTH:  # (end, link left, link right, end): the middle is the refused link
            middle = by_pair.get((min(chain[1], chain[2]), max(chain[1], chain[2])))
            if middle is not None:
                out[rep.id] = middle
                continue
        links = [by_pair.get((min(a, b), max(a, b))) for a, b in pairwise(chain)]
        found = [e for e in links if e is not None]
        if found:
            out[rep.id] = max(found, key=lambda e: e.score)
    return out


def _review_edges(store: GraphStore, pairs: Sequence[tuple[int, int]], every: bool) -> dict[tuple[int, int], MatchEdge]:
    """The review-band edges (with evidence) of these pairs: all at once when most are wanted, else by record."""
    if every:
        found = store.edges(statuses=[MatchStatus.REVIEW])
    else:
        found = store.edges(sorted({r for p in pairs for r in p}), statuses=[MatchStatus.REVIEW]) if pairs else []
    wanted = set(pairs)
    return {(e.left, e.right): e for e in found if (e.left, e.right) in wanted}


def _ranked_top(store: GraphStore, weights: StewardSettings, now: datetime, limit: int) -> list[ReviewItem] | None:
    """The first `limit` items, the review band's read from the saved ranking (`rank_cache`) and the open guard
    reports', each scored exactly; None for a store that keeps no ranking."""
    ranking = review_ranking(store, weights, now)
    if ranking is None:
        return None
    judged = {(j.left, j.right) for j in store.judgements(None, active_only=True)}
    guards: dict[tuple[int, int], GuardReport] = {}
    for report in store.guard_reports(open_only=True):
        pair = _guard_pair(report)
        if pair is not None and pair not in judged:
            guards.setdefault(pair, report)  # one item per conflicting pair, however many chains led to it
    review = top_review_pairs(ranking, judged | set(guards), limit + RANK_MARGIN)
    candidates: list[tuple[tuple[int, int], GuardReport | None]] = [*guards.items(), *((p, None) for p in review)]
    record_ids = sorted({r for p, _ in candidates for r in p} | {r for rep in guards.values() for r in rep.record_ids})
    if not record_ids:
        return []
    ctx = _load_context(store, record_ids)
    refused = _chain_edges(store, list(guards.values()))
    edges = _review_edges(store, [p for p, _ in candidates], every=False)
    items = [
        _item(ctx, pair, edges.get(pair) or (refused.get(rep.id) if rep else None), weights, now, rep)
        for pair, rep in candidates
    ]
    items.sort(key=lambda i: (-i.impact, i.left, i.right))
    return items[:limit]


def build_queue(
    store: GraphStore, weights: StewardSettings, *, limit: int | None = None, now: datetime | None = None
) -> list[ReviewItem]:
    """Every undecided review-band edge and open chain-guard report, highest impact first (with a limit, the
    first `limit` of them, read from the saved ranking where the store keeps one)."""
    now = now or datetime.now(UTC)
    if limit is not None and (top := _ranked_top(store, weights, now, limit)) is not None:
        return top
    review = {(a, b) for a, b, _ in store.edge_pairs([MatchStatus.REVIEW])}
    reports = [(r, p) for r in store.guard_reports(open_only=True) if (p := _guard_pair(r)) is not None]
    wanted = {r for pair in review for r in pair} | {r for rep, p in reports for r in (*p, *rep.record_ids)}
    record_ids = sorted(wanted)
    if not record_ids:
        return []
    judged = _judged_pairs(store, record_ids)
    ctx = _load_context(store, record_ids)
    refused = _chain_edges(store, [rep for rep, pair in reports if pair not in judged and pair not in review])
    seen: set[tuple[int, int]] = set()
    candidates: list[tuple[tuple[int, int], GuardReport | None]] = []
    for report, pair in reports:
        if pair in judged or pair in seen:  # one item per conflicting pair, however many chains led to it
            continue
        seen.add(pair)
        candidates.append((pair, report))
    candidates += [(pair, None) for pair in sorted(review - seen - judged)]
    if limit is not None and len(candidates) > limit + RANK_MARGIN:
        rough = impacts(
            [c[0] for c in candidates],
            [c[1] is not None for c in candidates],
            ctx.persons,
            ctx.person_stats,
            ctx.activity,
            ctx.identifiers,
            weights,
            now,
        )
        candidates = [candidates[i] for i in np.argsort(-rough, kind="stable")[: limit + RANK_MARGIN]]
    edges = _review_edges(store, [p for p, _ in candidates if p in review], every=limit is None)
    items = [
        _item(ctx, pair, edges.get(pair) or (refused.get(rep.id) if rep else None), weights, now, rep)
        for pair, rep in candidates
    ]
    items.sort(key=lambda i: (-i.impact, i.left, i.right))
    return items if limit is None else items[:limit]


def _item(
    ctx: _Context,
    pair: tuple[int, int],
    edge: MatchEdge | None,
    weights: StewardSettings,
    now: datetime,
    report: GuardReport | None,
) -> ReviewItem:
    """One ranked queue item."""
    left, right = pair
    parts = _parts(ctx, left, right, guard=report is not None)
    return ReviewItem(
        left=left,
        right=right,
        kind="guard" if report is not None else "edge",
        impact=round(impact_score(parts, weights, now), 4),
        parts=parts,
        left_person=ctx.persons.get(left),
        right_person=ctx.persons.get(right),
        score=None if edge is None else edge.score,
        weight=None if edge is None else edge.weight,
        evidence=() if edge is None else edge.evidence,
        explanation="" if edge is None else edge.explanation,
        guard_report_id=None if report is None else report.id,
        guard_reason="" if report is None else report.reason,
        chain=() if report is None else report.record_ids,
        evidence_pair=None if edge is None else (edge.left, edge.right),
    )


def item_for_pair(store: GraphStore, weights: StewardSettings, left: int, right: int) -> ReviewItem:
    """A review item for any pair, queued or not, ranked as the queue ranks it (an open guard report on the pair
    makes it a guard item, as in the queue)."""
    pair = (min(left, right), max(left, right))
    found = {e.status: e for e in store.edges([pair[0]]) if (e.left, e.right) == pair}
    report = next((r for r in store.guard_reports(open_only=True) if _guard_pair(r) == pair), None)
    edge = found.get(MatchStatus.REVIEW)
    if edge is None and report is not None:
        edge = _chain_edges(store, [report]).get(report.id)
    if edge is None and found:
        edge = next(iter(found.values()))
    ctx = _load_context(store, list(pair))
    return _item(ctx, pair, edge, weights, datetime.now(UTC), report)
