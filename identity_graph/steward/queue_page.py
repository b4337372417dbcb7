"""One page of the review queue: filtered by kind, source and impact, paged, counted, with both sides' names.

Where the store keeps a saved ranking (`rank_cache`, the embedded store), a page is cut from it: the review-band
pairs in rank order and the open guard reports (scored exactly) merged by impact, the filters applied as arrays
(a source by its records' ids, the least impact on the ranked impact), and only the page's items built in full.
Elsewhere the whole queue is ranked (`build_queue`) and filtered.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np

from identity_graph.errors import InputError
from identity_graph.model import MatchStatus
from identity_graph.settings import StewardSettings
from identity_graph.steward.preview import display_name
from identity_graph.steward.queue import KIND_LABELS, ReviewItem, build_queue, item_for_pair
from identity_graph.steward.rank_cache import Ranking, pair_key, review_ranking
from identity_graph.store.protocol import GraphStore

#: The saved ranking keeps impacts as 32-bit floats, items round theirs to 4 places: a least-impact filter on the
#: ranking allows this much below the limit, so an item shown at the limit passes it.
IMPACT_TOLERANCE = 1e-3
#: Items on one page unless asked, and the most one page may hold.
DEFAULT_PAGE = 50
MAX_PAGE = 500


@dataclass(frozen=True)
class QueueFilter:
    """Which queue items to show: a kind (`edge` or `guard`), a source either side comes from, a least impact."""

    kind: str | None = None
    source: str | None = None
    min_impact: float | None = None

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return bool(self.kind or self.source or self.min_impact is not None)

    def check(self) -> None:
        """Raise InputError on a kind the queue does not have."""
        if self.kind and self.kind not in KIND_LABELS:
            raise InputError(f"kind must be one of {', '.join(KIND_LABELS)}")


@dataclass
class QueuePage:
    """The items of one page, how many items pass the filters in all, and where the page starts."""

    items: list[ReviewItem]
    total: int
    offset: int
    limit: int
    filters: QueueFilter = field(default_factory=QueueFilter)
    sources: list[str] = field(default_factory=list)  # every source, for the filter's choices

    @property
    def has_next(self) -> bool:
        """Whether items follow this page."""
        return self.offset + len(self.items) < self.total


def queue_size(store: GraphStore) -> int:
    """How many items the whole queue holds: undecided review-band pairs and guarded pairs, each pair once
    (counted, not read: the review band's pairs are not loaded)."""
    decided = {(j.left, j.right) for j in store.judgements(None, active_only=True)}
    guarded: set[tuple[int, int]] = set()
    for report in store.guard_reports(open_only=True):
        if len(report.record_ids) >= 2 and report.record_ids[0] != report.record_ids[-1]:
            a, b = report.record_ids[0], report.record_ids[-1]
            guarded.add((min(a, b), max(a, b)))
    asked = decided | guarded
    ids = sorted({r for p in asked for r in p})
    review = {(e.left, e.right) for e in store.edges(ids, statuses=[MatchStatus.REVIEW])} & asked if ids else set()
    undecided_review = store.count_edges([MatchStatus.REVIEW]) - len(review & decided)
    return undecided_review - len(review & (guarded - decided)) + len(guarded - decided)


def _passes(item: ReviewItem, filters: QueueFilter, sources: dict[int, str]) -> bool:
    """Whether one item passes the filters."""
    if filters.kind and item.kind != filters.kind:
        return False
    if filters.min_impact is not None and item.impact < filters.min_impact:
        return False
    return not filters.source or filters.source in (sources.get(item.left), sources.get(item.right))


def with_names(store: GraphStore, items: list[ReviewItem]) -> list[ReviewItem]:
    """The items with both records' names and sources filled in."""
    records = {r.id: r for r in store.get_records(sorted({i for it in items for i in (it.left, it.right)}))}

    def name(rid: int) -> str:
        return display_name([records[rid]]) if rid in records else ""

    def source(rid: int) -> str:
        return f"{records[rid].source}/{records[rid].source_id}" if rid in records else ""

    return [
        replace(
            i,
            left_name=name(i.left),
            right_name=name(i.right),
            left_source=source(i.left),
            right_source=source(i.right),
        )
        for i in items
    ]


def _guard_items(store: GraphStore, weights: StewardSettings, decided: set[tuple[int, int]]) -> list[ReviewItem]:
    """The open guard reports' items (one per undecided pair), scored exactly."""
    pairs: set[tuple[int, int]] = set()
    for report in store.guard_reports(open_only=True):
        if len(report.record_ids) >= 2 and report.record_ids[0] != report.record_ids[-1]:
            a, b = report.record_ids[0], report.record_ids[-1]
            pairs.add((min(a, b), max(a, b)))
    return [item_for_pair(store, weights, a, b) for a, b in sorted(pairs - decided)]


def _ranked_page(
    store: GraphStore, weights: StewardSettings, ranking: Ranking, filters: QueueFilter, offset: int, limit: int
) -> tuple[list[ReviewItem], int]:
    """A page cut from the saved ranking and the guard reports; the total that passes the filters."""
    decided = {(j.left, j.right) for j in store.judgements(None, active_only=True)}
    guards = [] if filters.kind == "edge" else _guard_items(store, weights, decided)
    skip = decided | {g.pair for g in guards}
    keep = np.ones(ranking.left.size, dtype=bool) if filters.kind != "guard" else np.zeros(ranking.left.size, bool)
    if skip and keep.any():
        keep &= ~np.isin(ranking.pair_keys(), np.fromiter((pair_key(a, b) for a, b in skip), dtype=np.int64))
    if filters.min_impact is not None:
        keep &= ranking.impact >= filters.min_impact - IMPACT_TOLERANCE
        guards = [g for g in guards if g.impact >= filters.min_impact]
    if filters.source:
        ids = np.asarray(store.record_ids_from(filters.source), dtype=np.int64)
        keep &= np.isin(ranking.left, ids) | np.isin(ranking.right, ids)
        sources = store.record_sources(sorted({r for g in guards for r in g.pair}))
        guards = [g for g in guards if filters.source in (sources.get(g.left), sources.get(g.right))]
    positions = np.flatnonzero(keep)
    total = int(positions.size) + len(guards)
    # merge by impact: the guards (few, exact) into the ranked review pairs, then cut the page
    wanted = positions[: offset + limit]
    merged: list[tuple[float, int, int, ReviewItem | None]] = [(float(g.impact), g.left, g.right, g) for g in guards]
    merged += [(float(ranking.impact[i]), int(ranking.left[i]), int(ranking.right[i]), None) for i in wanted]
    merged.sort(key=lambda m: (-m[0], m[1], m[2]))
    page = merged[offset : offset + limit]
    items = [g if g is not None else item_for_pair(store, weights, a, b) for _, a, b, g in page]
    return items, total


def queue_page(
    store: GraphStore,
    weights: StewardSettings,
    filters: QueueFilter | None = None,
    *,
    offset: int = 0,
    limit: int = DEFAULT_PAGE,
) -> QueuePage:
    """One page of the queue, highest impact first, with the total that passes the filters."""
    filters = filters or QueueFilter()
    filters.check()
    ranking = review_ranking(store, weights, datetime.now(UTC)) if filters.active or offset else None
    if ranking is not None:
        items, total = _ranked_page(store, weights, ranking, filters, offset, limit)
    elif not filters.active:
        ranked = build_queue(store, weights, limit=offset + limit)
        items, total = ranked[offset:], queue_size(store)
    else:
        everything = build_queue(store, weights)
        sources = (
            store.record_sources(sorted({r for i in everything for r in (i.left, i.right)})) if filters.source else {}
        )
        passing = [i for i in everything if _passes(i, filters, sources)]
        items, total = passing[offset : offset + limit], len(passing)
    return QueuePage(
        items=with_names(store, items),
        total=total,
        offset=offset,
        limit=limit,
        filters=filters,
        sources=store.record_source_names(),
    )
