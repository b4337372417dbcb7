"""One page of the review queue: filtered by kind, source and impact, paged, counted, with both sides' names.

Without filters the page ranks only as far as it shows (`build_queue` with a limit) and counts the rest; a filter
ranks the whole queue first, then keeps the items that pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from identity_graph.errors import InputError
from identity_graph.model import MatchStatus
from identity_graph.settings import StewardSettings
from identity_graph.steward.preview import display_name
from identity_graph.steward.queue import KIND_LABELS, ReviewItem, build_queue
from identity_graph.store.protocol import GraphStore

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
    if not filters.active:
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
