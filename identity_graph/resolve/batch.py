"""Batch resolution: every record, from features to persons."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt

from identity_graph.gc_pause import paused_gc
from identity_graph.persons import apply_clustering
from identity_graph.resolve.blocking import Candidates, record_keys
from identity_graph.resolve.clustering import ClusterResult, GuardFinding, cluster, guarded
from identity_graph.resolve.edge_rows import stored_edge_rows
from identity_graph.resolve.edges import AutoLink, auto_edges, edge_rows
from identity_graph.resolve.features import (
    READ_BATCH,
    Postings,
    blank_placeholders,
    build_features,
    given_names_of,
)
from identity_graph.resolve.identifiers import IdentifierStats, identifier_stats
from identity_graph.resolve.namesakes import link_sole_namesakes
from identity_graph.resolve.pipeline import (
    Reps,
    candidate_pairs,
    keys_for_store,
    merge_pairs,
    record_facts,
    representatives,
)
from identity_graph.resolve.scoring import Scored, comparisons_for, compute_levels, score_pairs, strong_conflicts
from identity_graph.resolve.summary import Progress, ResolveSummary, no_progress, stage_timer
from identity_graph.resolve.training import learn_placeholders, load_model, save_model, train_model
from identity_graph.settings import MatchingSettings, Settings
from identity_graph.store.protocol import EdgeRow, GraphStore
from identity_graph.store.sqlite_read import SQLiteReadMixin
from matchers.comparisons import Comparison, Levels
from matchers.features import FeatureTable, IntArray
from matchers.model import MatchModel


def store_guard_reports(store: GraphStore, findings: Sequence[GuardFinding]) -> int:
    """Add the guard's findings that are not already open; returns how many were added."""
    if not findings:
        return 0
    open_ = {(r.record_ids, r.reason) for r in store.guard_reports(open_only=True)}
    new = [(f.record_ids, f.reason) for f in findings if (f.record_ids, f.reason) not in open_]
    if new:
        store.add_guard_reports(new)
    return len(new)


#: A function told how many more records were read.
Progress1 = Callable[[int], None]
#: A model trained on fewer candidate pairs than this is not saved (the next run trains again).
MIN_TRAINING_PAIRS = 20
#: Edges are built and written this many at a time (their evidence is not all held at once).
EDGE_CHUNK = 50_000


@dataclass
class BatchState:
    """Everything batch resolution computes before scoring."""

    table: FeatureTable
    postings: Postings
    stats: IdentifierStats
    reps: Reps
    keys: dict[str, list[str]]
    cands: Candidates
    placeholders: frozenset[str]


def batch_state(store: GraphStore, ms: MatchingSettings, model: MatchModel | None, report: Progress) -> BatchState:
    """Read every record, normalize, estimate shared identifiers, collapse identical records, block."""
    st = prepared_state(store, ms, model, report)
    st.cands = candidate_pairs(st.table, st.postings, st.stats, st.reps.rows, st.keys, ms)
    return st


def prepared_state(
    store: GraphStore, ms: MatchingSettings, model: MatchModel | None, report: Progress, *, keys: bool = True
) -> BatchState:
    """`batch_state` up to blocking: its candidates are left empty (a batch plan finds them in its engine), and
    its keys too unless `keys` (a plan makes them a slice of records at a time)."""
    total = store.counts().get("records", 0)
    read = 0

    def on_batch(n: int) -> None:
        nonlocal read
        read += n
        report("reading records", read, total)

    known = frozenset(model.placeholders) if model is not None else frozenset()
    table, postings = read_features(store, total, known, on_batch, learn=model is None)
    if model is None:
        known = given_names_of(table) | learn_placeholders(table, postings, ms.placeholder_name_identifiers)
    placeholders = known
    blank_placeholders(table, placeholders)
    report("blocking", 0, 1)
    stats = identifier_stats(table, postings, ms.name_similarity)
    reps = representatives(table, postings, stats, ms.shared_identifier_persons)
    none = np.zeros(0, dtype=np.int64)
    made = record_keys(table) if keys else {}
    return BatchState(table, postings, stats, reps, made, Candidates(none, none, []), placeholders)


def read_features(
    store: GraphStore, total: int, known: frozenset[str], progress: Progress1, *, learn: bool
) -> tuple[FeatureTable, Postings]:
    """`build_features` of every record of the store (`total` of them), on a worker process beside this one when
    the store is a large SQLite file and there is a second core (`feature_workers`: the same table)."""
    from identity_graph.resolve import feature_workers as fw  # imports the plan's workers, which import this

    path = fw.parallel_store(store)
    workers = fw.feature_workers(total)
    if path is not None and workers:
        return fw.build_features_in_workers(store, path, known, workers, progress, learn=learn)
    if isinstance(store, SQLiteReadMixin):  # the fields features read, without a StoredRecord each
        return build_features(store.iter_record_fields(READ_BATCH), known, progress=progress, learn=learn)
    return build_features(store.iter_records(READ_BATCH), known, progress=progress, learn=learn)


def training_rows(st: BatchState, li: IntArray, ri: IntArray) -> npt.NDArray[np.bool_]:
    """Which scored pairs EM learns from: pairs of distinct records that an indexed blocking pass found.

    Identical records teach nothing, and pairs only the sorted neighbourhood found (names side by side in the
    alphabet) would shift what EM takes a non-match to look like.
    """
    n = np.int64(len(st.table))
    codes = li * n + ri
    identical = np.isin(codes, st.reps.li * n + st.reps.ri)
    core = st.cands.core if st.cands.core is not None else np.ones(st.cands.li.size, dtype=bool)
    indexed = np.isin(codes, st.cands.li[core] * n + st.cands.ri[core])
    out: npt.NDArray[np.bool_] = indexed & ~identical
    return out


def train_store(
    store: GraphStore,
    settings: Settings,
    *,
    progress: Progress | None = None,
    state: BatchState | None = None,
    levels: Levels | None = None,
) -> MatchModel:
    """Train a new model by EM on the store's candidate pairs (their `levels` if computed: see `training_rows`)
    and save it."""
    report = progress or no_progress
    ms = settings.matching
    st = state or batch_state(store, ms, None, report)
    report("training", 0, 1)
    core = st.cands.core if st.cands.core is not None else np.ones(st.cands.li.size, dtype=bool)
    li, ri = st.cands.li[core], st.cands.ri[core]
    model = train_model(st.table, st.postings, st.stats, st.reps.rows, li, ri, ms, st.placeholders, levels)
    if model.pairs >= MIN_TRAINING_PAIRS:  # a model learned from (almost) nothing is used once, never kept
        save_model(store, model)
    return model


def edge_chunks(scored: Scored, comparisons: tuple[Comparison, ...]) -> Iterator[list[EdgeRow]]:
    """Every edge of the scored pairs as stored, with evidence and sentence (`build_edges`'s, written as the
    store writes them), EDGE_CHUNK at a time (built as taken)."""
    rows = edge_rows(scored)
    values = [comp.values(scored.ctx) for comp in comparisons]
    for start in range(0, len(rows), EDGE_CHUNK):
        yield stored_edge_rows(scored, comparisons, rows[start : start + EDGE_CHUNK], values)


def write_edges(store: GraphStore, chunks: Iterable[list[EdgeRow]]) -> None:
    """Replace every edge with these, a chunk at a time (in the caller's transaction)."""
    store.fill_edges(chunks)


@dataclass
class LinksAndClusters:
    """What `write_links` wrote and clustered."""

    autos: list[AutoLink]
    review: int
    result: ClusterResult


def write_links(
    store: GraphStore, st: BatchState, scored: Scored, ms: MatchingSettings, strong: tuple[str, ...]
) -> LinksAndClusters:
    """Replace every edge and blocking key, and cluster the AUTO edges (under the stored judgements and the
    `strong` conflicts).

    The keys go first: the embedded store inserts them, then builds their index on a worker (190k entries on
    febrl4, one SQLite statement, run without the interpreter lock) while this thread clusters and builds the
    first chunk of edges, none of which uses the store; then the edges are written. One transaction.
    """
    ahead: list[LinksAhead] = []

    def meanwhile() -> None:
        ahead.append(links_ahead(store, st, scored, ms, strong, busy=lambda: False))

    with store.transaction():
        store.replace_blocking_keys(keys_for_store(st.table, st.keys), None, meanwhile=meanwhile)
        write_edges(store, chain(ahead[0].ready, ahead[0].rest))
    return ahead[0].links()


@dataclass
class LinksAhead:
    """A batch's links worked out before they are written: the AUTO edges, their clusters, the count of review
    edges, and the stored edges, some chunks built already (`ready`), the rest built as taken."""

    autos: list[AutoLink]
    review: int
    result: ClusterResult
    ready: list[list[EdgeRow]]
    rest: Iterator[list[EdgeRow]]

    def links(self) -> LinksAndClusters:
        """What writing them gives back."""
        return LinksAndClusters(self.autos, self.review, self.result)


def links_ahead(
    store: GraphStore,
    st: BatchState,
    scored: Scored,
    ms: MatchingSettings,
    strong: tuple[str, ...],
    busy: Callable[[], bool],
) -> LinksAhead:
    """Cluster the AUTO edges (under the stored judgements and the `strong` conflicts), then build chunks of the
    stored edges for as long as `busy()` (the store being written on another thread: none of this writes to it;
    at least one chunk is built, the rest only while the writing lasts, so no more edges are held than that
    time builds)."""
    table = st.table
    judgements = store.judgements(None)
    autos = auto_edges(scored)
    facts = record_facts(table, guarded(autos, judgements))
    result = cluster([int(r) for r in table.record_id], autos, judgements, ms, facts=facts, strong=strong)
    chunks = edge_chunks(scored, comparisons_for(ms))
    ready: list[list[EdgeRow]] = [next(chunks, [])]
    while busy() and (chunk := next(chunks, None)) is not None:
        ready.append(chunk)
    return LinksAhead(autos, int(edge_rows(scored).size) - len(autos), result, ready, chunks)


def store_links(store: GraphStore, ahead: LinksAhead) -> LinksAndClusters:
    """Replace every edge with the ones worked out ahead (`links_ahead`), in one transaction; each chunk built
    ahead is let go once written."""
    with store.transaction():
        write_edges(store, chain(_taken(ahead.ready), ahead.rest))
    return ahead.links()


def _taken(chunks: list[list[EdgeRow]]) -> Iterator[list[EdgeRow]]:
    """The chunks in order, each removed from the list as it is handed out."""
    chunks.reverse()
    while chunks:
        yield chunks.pop()


def resolve_all(
    store: GraphStore, settings: Settings, *, progress: Progress | None = None, retrain: bool = False
) -> ResolveSummary:
    """Resolve every record: features, blocking, scoring (training by EM if needed), edges, persons."""
    with paused_gc():  # bulk work: the cyclic collector's passes over everything alive cost, and find nothing
        return _resolve_all(store, settings, progress, retrain)


def _resolve_all(store: GraphStore, settings: Settings, progress: Progress | None, retrain: bool) -> ResolveSummary:
    """`resolve_all`'s body."""
    report = progress or no_progress
    ms = settings.matching
    summary = ResolveSummary()
    lap = stage_timer(summary)

    model = None if retrain else load_model(store, ms)
    st = batch_state(store, ms, model, report)
    table = st.table
    summary.records = len(table)
    summary.candidate_pairs = int(st.cands.li.size)
    lap("features and blocking")
    report("comparing", 0, 1)
    li, ri = merge_pairs((st.cands.li, st.cands.ri), (st.reps.li, st.reps.ri), len(table))
    computed = compute_levels(table, st.postings, st.stats, li, ri, comparisons_for(ms), ms)
    lap("comparing")
    if model is None:
        model = train_store(store, settings, progress=report, state=st, levels=computed[2][training_rows(st, li, ri)])
        summary.trained = True
        lap("training")
    summary.model_version = model.version
    report("scoring", 0, 1)
    scored = score_pairs(table, st.postings, st.stats, li, ri, model, ms, computed)
    if ms.sole_name_links:
        summary.sole_name_links = link_sole_namesakes(scored, ms.sole_name_min_score, ms.sole_name_max_records)
    lap("scoring")
    report("writing links", 0, 1)
    links = write_links(store, st, scored, ms, strong_conflicts())  # the clustering too (beside the keys)
    summary.edges_auto, summary.edges_review = len(links.autos), links.review
    result = links.result
    lap("writing links")
    report("clustering", 0, 1)
    changes = apply_clustering(store, result.clusters, cause="resolve")
    summary.guard_reports = store_guard_reports(store, result.guard_reports)
    store.mark_resolved()
    lap("clustering")
    summary.persons = len(result.clusters)
    summary.created, summary.merged, summary.split = changes.created, changes.merged, changes.split
    summary.moved_records = changes.moved_records
    report("done", 1, 1)
    return summary
