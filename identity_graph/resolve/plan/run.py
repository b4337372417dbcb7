"""Batch resolution as one relational plan: the pairs, their levels and EM's pattern counts live in an engine
(DuckDB or Spark SQL); the comparison levels and scores are today's vectorized functions applied a batch of
pairs at a time, so every answer is today's. Only the pairs a user can see are held in this process."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]

from identity_graph.gc_pause import paused_gc
from identity_graph.persons import apply_clustering
from identity_graph.resolve.batch import (
    MIN_TRAINING_PAIRS,
    BatchState,
    links_ahead,
    prepared_state,
    resolve_all,
    store_guard_reports,
    store_links,
)
from identity_graph.resolve.identifiers import IDENT_SAMPLE, shared_identifiers
from identity_graph.resolve.namesakes import link_sole_namesakes
from identity_graph.resolve.plan import sql
from identity_graph.resolve.plan.engine import (
    DEFAULT_ENGINE,
    DUCKDB_MEMORY,
    MAP_THREADS,
    Engine,
    in_threads,
    open_engine,
)
from identity_graph.resolve.plan.kept import bearer_names, concat, keepable, kept_rows, take
from identity_graph.resolve.plan.key_arrays import append_keys
from identity_graph.resolve.plan.key_fill import KeyFill
from identity_graph.resolve.plan.tables import input_tables
from identity_graph.resolve.plan.workers import compare_workers
from identity_graph.resolve.scoring import Scored, comparisons_for, score_pairs, strong_conflicts
from identity_graph.resolve.summary import Progress, ResolveSummary, no_progress, stage_timer
from identity_graph.resolve.training import load_model, save_model
from identity_graph.settings import MatchingSettings, Settings
from identity_graph.store.protocol import GraphStore
from matchers.comparisons import COMPARED_COLUMNS, Comparison, Levels, PairContext, compare_all
from matchers.em import merge_patterns, train_em_counted
from matchers.features import FeatureTable, IntArray, StrArray
from matchers.model import MatchModel

#: Pairs compared and scored per batch (what this process holds of the pairs at once).
PAIR_BATCH = 200_000
#: The per-record tables blocking reads (dropped once the pairs are found).
INPUTS = ("keys", "reps", "ident", "sn", "dups", "steps")
#: Records whose blocking keys are made at a time.
KEY_ROWS = 100_000


def level_columns(comparisons: tuple[Comparison, ...]) -> list[str]:
    """The levels table's column of each comparison."""
    return [f"l{k}" for k in range(len(comparisons))]


def levels_schema(comparisons: tuple[Comparison, ...]) -> pa.Schema:
    """levels(li, ri, train, l0 .. lK): a pair, whether EM learns from it, its level per comparison."""
    fields = [("li", pa.int64()), ("ri", pa.int64()), ("train", pa.int8())]
    return pa.schema(fields + [(c, pa.int8()) for c in level_columns(comparisons)])


def load_keys(engine: Engine, st: BatchState, rows: int, fill: KeyFill) -> None:
    """Every record's blocking keys, made `rows` records at a time (`key_arrays`: `blocking.record_keys`' keys a
    column at a time; a row's keys are its own), into
    the engine's `keys` table; the keys the store keeps for real-time lookups go to `fill` (a sorted file the
    store is filled from on a thread of its own once the pairs are compared: `key_fill`). No key list of every
    record is held."""
    append_keys(engine, st.table, rows, fill)


def find_pairs(engine: Engine, st: BatchState, ms: MatchingSettings) -> int:
    """Run the blocking passes over the per-record tables (`keys` loaded already); returns how many pairs
    blocking found."""
    for name, table in input_tables(st, ms).items():
        engine.register(name, table)
    engine.materialize("pairs", sql.pairs_query(ms.max_block_size, IDENT_SAMPLE, ms.sorted_neighbourhood_window))
    engine.drop(INPUTS)
    return int(engine.rows(sql.CANDIDATE_COUNT)[0][0])


#: What a worker needs to compare a batch of pairs: left and right rows, whether EM learns from each pair, and
#: each identifier kind's share code per pair (worked out here: it reads the run's postings).
PairJob = tuple[IntArray, IntArray, npt.NDArray[np.int8], dict[str, Levels]]


@dataclass(frozen=True)
class PairLevels:
    """The comparing itself: a `PairJob` to its levels rows (`levels_schema`). Holds the feature table and the
    settings only, so it pickles small to a worker process (`workers.in_processes`)."""

    table: FeatureTable
    ms: MatchingSettings

    def __call__(self, job: PairJob) -> pa.RecordBatch:
        """The job's levels rows."""
        li, ri, train, shared = job
        comparisons = comparisons_for(self.ms)
        levels = compare_all(comparisons, PairContext(table=self.table, li=li, ri=ri, shared=shared))
        columns = [pa.array(li), pa.array(ri), pa.array(train)]
        columns += [pa.array(levels[:, k].astype(np.int8)) for k in range(len(comparisons))]
        return pa.RecordBatch.from_arrays(columns, schema=levels_schema(comparisons))


@dataclass(frozen=True)
class LevelMaker:
    """A batch of pairs (li, ri, core, dup) to its levels rows (`levels_schema`) by today's comparisons: what an
    engine maps over the pairs (DuckDB here, on threads or, as a `workers.Split`, with `PairLevels` in worker
    processes; Spark on its executors: picklable, the features inside)."""

    st: BatchState
    ms: MatchingSettings

    def __call__(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """The batch's levels."""
        return self.remote()(self.local(batch))

    def local(self, batch: pa.RecordBatch) -> PairJob:
        """The batch's pairs, training flags and shared identifiers (the part that reads the postings)."""
        li = np.asarray(batch.column("li"), dtype=np.int64)
        ri = np.asarray(batch.column("ri"), dtype=np.int64)
        train = ((np.asarray(batch.column("core")) == 1) & (np.asarray(batch.column("dup")) == 0)).astype(np.int8)
        shared = shared_identifiers(self.st.postings, self.st.stats, li, ri, self.ms.shared_identifier_persons)
        return li, ri, train, shared.codes

    def remote(self) -> PairLevels:
        """The comparing, as a worker process runs it (with the columns comparisons read: not a record's
        signature, the largest column)."""
        return PairLevels(self.st.table.select(COMPARED_COLUMNS), self.ms)


def compare_pairs(engine: Engine, st: BatchState, ms: MatchingSettings, report: Progress, size: int) -> None:
    """Every pair's levels by today's comparisons, a batch at a time, into the engine's `levels` table (on worker
    processes when there are many pairs: `workers.compare_workers`)."""
    report("comparing", 0, 1)
    pairs = int(engine.rows(sql.PAIR_COUNT)[0][0])
    schema = levels_schema(comparisons_for(ms))
    engine.map_batches("levels", sql.PAIRS_IN_ORDER, LevelMaker(st, ms), schema, size, compare_workers(pairs))
    engine.drop(("pairs",))


def train(engine: Engine, st: BatchState, ms: MatchingSettings) -> MatchModel:
    """EM on the training pairs' level patterns counted by the engine (the model today's path trains; saved by
    the caller once the store's keys are written, `save_trained`)."""
    comparisons = comparisons_for(ms)
    columns = ", ".join(level_columns(comparisons))
    counted = engine.rows(sql.PATTERN_COUNTS.format(columns=columns))
    width = len(comparisons)
    patterns = np.array([row[:width] for row in counted], dtype=np.int8).reshape(len(counted), width)
    counts = np.array([row[width] for row in counted], dtype=np.float64)
    patterns, counts = merge_patterns(patterns, counts)
    tf = {c.tf_column: st.table.col(c.tf_column)[st.reps.rows] for c in comparisons if c.tf_column}
    model = train_em_counted(comparisons, patterns, counts, tf)
    return model.model_copy(update={"placeholders": sorted(st.placeholders)})


def save_trained(store: GraphStore, model: MatchModel) -> None:
    """Save a model trained on enough pairs (MIN_TRAINING_PAIRS) as the store's model."""
    if model.pairs >= MIN_TRAINING_PAIRS:
        save_model(store, model)


@dataclass(frozen=True)
class KeptScorer:
    """A batch of stored levels to its scored pairs worth keeping (`kept.kept_rows`)."""

    st: BatchState
    model: MatchModel
    ms: MatchingSettings
    names: StrArray

    def __call__(self, batch: pa.RecordBatch) -> Scored:
        """The batch scored, only its pairs worth keeping."""
        st, ms = self.st, self.ms
        li = np.asarray(batch.column("li"), dtype=np.int64)
        ri = np.asarray(batch.column("ri"), dtype=np.int64)
        levels = np.stack([np.asarray(batch.column(c), dtype=np.int8) for c in level_columns(comparisons_for(ms))], 1)
        shared = shared_identifiers(st.postings, st.stats, li, ri, ms.shared_identifier_persons)
        ctx = PairContext(table=st.table, li=li, ri=ri, shared=shared.codes)
        scored = score_pairs(st.table, st.postings, st.stats, li, ri, self.model, ms, (ctx, shared, levels))
        return take(scored, kept_rows(scored, self.names, ms))


def keepable_levels(engine: Engine, model: MatchModel, ms: MatchingSettings) -> str:
    """The query of the stored levels worth scoring, in pair order: those of the level patterns that may hold a
    pair worth keeping (`kept.keepable`; every pattern's pairs when all may)."""
    comparisons = comparisons_for(ms)
    columns = level_columns(comparisons)
    found = engine.rows(sql.ALL_PATTERNS.format(columns=", ".join(columns)))
    patterns = np.array(found, dtype=np.int8).reshape(len(found), len(columns))
    rows = keepable(patterns, model, ms)
    if rows.all():
        return sql.LEVELS_IN_ORDER
    table = pa.table({c: pa.array(patterns[rows, k], type=pa.int8()) for k, c in enumerate(columns)})
    engine.register("keepable", table)
    return sql.KEPT_LEVELS_IN_ORDER.format(on=sql.same_levels(columns))


def score_kept(engine: Engine, st: BatchState, model: MatchModel, ms: MatchingSettings, size: int) -> Scored:
    """The pairs worth keeping (`kept.kept_rows`) of every batch of stored levels (of the patterns that may hold
    one: `keepable_levels`), scored on MAP_THREADS threads in pair order, as one Scored."""
    scorer = KeptScorer(st, model, ms, bearer_names(st.table))
    parts = list(in_threads(scorer, engine.batches(keepable_levels(engine, model, ms), size), MAP_THREADS))
    none = np.zeros(0, dtype=np.int64)
    empty = parts[0] if parts else score_pairs(st.table, st.postings, st.stats, none, none, model, ms)
    return concat(parts, st.table, empty)


def resolve_with_plan(
    store: GraphStore,
    settings: Settings,
    engine: str = "duckdb",
    *,
    progress: Progress | None = None,
    retrain: bool = False,
    master: str = "local[2]",
    memory_limit: str = DUCKDB_MEMORY,
    pair_batch: int = PAIR_BATCH,
    key_rows: int = KEY_ROWS,
) -> ResolveSummary:
    """Resolve every record through the plan on `engine` (`duckdb` or `spark`): the same links and persons as
    `batch.resolve_all`. `pair_batch`: pairs compared and scored at a time; `key_rows`: records whose keys are
    made at a time."""
    runner = open_engine(engine, master=master, memory_limit=memory_limit)
    try:
        with paused_gc():
            return _resolve(store, settings, runner, progress or no_progress, retrain, pair_batch, key_rows)
    finally:
        runner.close()


def resolve_batch(
    store: GraphStore,
    settings: Settings,
    engine: str = DEFAULT_ENGINE,
    *,
    progress: Progress | None = None,
    retrain: bool = False,
    master: str = "local[2]",
    memory_limit: str = DUCKDB_MEMORY,
    pair_batch: int = PAIR_BATCH,
    key_rows: int = KEY_ROWS,
) -> ResolveSummary:
    """A full batch run by `engine`: `python` is `batch.resolve_all`, the others `resolve_with_plan`."""
    if engine == "python":
        return resolve_all(store, settings, progress=progress, retrain=retrain)
    return resolve_with_plan(store, settings, engine, progress=progress, retrain=retrain, master=master,
                             memory_limit=memory_limit, pair_batch=pair_batch, key_rows=key_rows)  # fmt: skip


def _resolve(
    store: GraphStore,
    settings: Settings,
    engine: Engine,
    report: Progress,
    retrain: bool,
    size: int,
    key_rows: int,
) -> ResolveSummary:
    """`resolve_with_plan`'s body: `batch._resolve_all`'s stages, the pairs in the engine."""
    ms = settings.matching
    summary = ResolveSummary()
    lap = stage_timer(summary)

    model = None if retrain else load_model(store, ms)
    st = prepared_state(store, ms, model, report, keys=False)
    summary.records = len(st.table)
    report("blocking keys", 0, 1)
    fill = KeyFill()
    try:
        load_keys(engine, st, key_rows, fill)
        lap("features and blocking keys")
        report("finding pairs", 0, 1)
        summary.candidate_pairs = find_pairs(engine, st, ms)
        lap("finding pairs")
        compare_pairs(engine, st, ms, report, size)
        lap("comparing")
        fill.start(store)  # the store's keys are written while the model is trained and the pairs scored
        trained = model is None
        if model is None:
            report("training", 0, 1)
            model = train(engine, st, ms)
            summary.trained = True
            lap("training")
        summary.model_version = model.version
        report("scoring", 0, 1)
        scored = score_kept(engine, st, model, ms, size)
        engine.close()  # the pairs are done with: the engine's memory goes before the links are written
        if ms.sole_name_links:
            summary.sole_name_links = link_sole_namesakes(scored, ms.sole_name_min_score, ms.sole_name_max_records)
        lap("scoring")
        report("working out links", 0, 1)
        ahead = links_ahead(store, st, scored, ms, strong_conflicts(), busy=fill.busy)  # while the keys are written
        lap("working out links")
    except BaseException:
        fill.wait()  # the fill's file is not removed under it
        fill.close()
        raise
    fill.finish()
    if trained:
        save_trained(store, model)
    lap("writing blocking keys")
    report("writing links", 0, 1)
    links = store_links(store, ahead)
    del ahead, scored, st  # the features, pairs and edges go before the persons are written from the clusters
    summary.edges_auto, summary.edges_review = len(links.autos), links.review
    lap("writing links")
    report("clustering", 0, 1)
    result = links.result
    changes = apply_clustering(store, result.clusters, cause="resolve")
    summary.guard_reports = store_guard_reports(store, result.guard_reports)
    store.mark_resolved()
    lap("clustering")
    summary.persons = len(result.clusters)
    summary.created, summary.merged, summary.split = changes.created, changes.merged, changes.split
    summary.moved_records = changes.moved_records
    report("done", 1, 1)
    return summary
