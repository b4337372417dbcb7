"""The steps batch and incremental resolution share: reps of identical records, candidates, scoring."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from identity_graph.model import MatchEdge, StoredRecord
from identity_graph.resolve.blocking import (
    KEY_PASSES,
    STORED_KEYS,
    USER_KEYS,
    Candidates,
    PassStats,
    block_pairs,
    dedupe_pairs,
    key_pairs,
    multi_key_pairs,
    near_key_lists,
    sorted_neighbourhood,
)
from identity_graph.resolve.clustering import RecordFacts
from identity_graph.resolve.features import Postings
from identity_graph.resolve.identifiers import IDENT_SAMPLE, IdentifierStats, identifier_blocks
from identity_graph.settings import MatchingSettings
from matchers.comparisons import SHARE_PERSONAL
from matchers.features import FeatureTable, IntArray


@dataclass
class Reps:
    """Identical records collapsed: each row's representative row, and the (row, rep) pairs."""

    rep_of: IntArray
    rows: IntArray  # the representatives
    li: IntArray
    ri: IntArray


def representatives(table: FeatureTable, postings: Postings, stats: IdentifierStats, crowd: int) -> Reps:
    """Rows with equal signatures share one representative, unless nameless on a shared identifier."""
    n = len(table)
    codes, _ = pd.factorize(table.col("signature"))
    first_row = pd.Series(np.arange(n)).groupby(codes).transform("min").to_numpy()
    rep_of = first_row.astype(np.int64)
    nameless = (table.col("first") == "") & (table.col("last") == "")
    if nameless.any() and len(postings):
        shared = np.fromiter((stats.code(str(k), crowd) != SHARE_PERSONAL for k in postings.ident), dtype=bool,
                             count=len(postings))  # fmt: skip
        shared_pos = np.unique(postings.pos[shared])
        unsafe = np.zeros(n, dtype=bool)
        unsafe[shared_pos] = True
        unsafe &= nameless
        rep_of[unsafe] = np.flatnonzero(unsafe)
    rows = np.flatnonzero(rep_of == np.arange(n))
    dup = np.flatnonzero(rep_of != np.arange(n))
    return Reps(rep_of=rep_of, rows=rows, li=np.minimum(dup, rep_of[dup]), ri=np.maximum(dup, rep_of[dup]))


def candidate_pairs(
    table: FeatureTable,
    postings: Postings,
    stats: IdentifierStats,
    rows: IntArray,
    keys: dict[str, list[str]],
    settings: MatchingSettings,
) -> Candidates:
    """Candidate pairs among `rows`: shared identifiers, key passes, sorted neighbourhood (deduplicated)."""
    mask = np.zeros(len(table), dtype=bool)
    mask[rows] = True
    lefts, rights, all_stats = [], [], []
    ident = PassStats("identifier")
    codes, pos = identifier_blocks(postings, stats, mask, settings.shared_identifier_persons)
    li, ri = block_pairs(codes, pos, IDENT_SAMPLE, ident)
    lefts.append(li)
    rights.append(ri)
    all_stats.append(ident)
    for name in KEY_PASSES:
        st = PassStats(name)
        li, ri = key_pairs(keys[name], rows, settings.max_block_size, st)
        lefts.append(li)
        rights.append(ri)
        all_stats.append(st)
    users = PassStats("user_names")
    li, ri = multi_key_pairs([keys[name] for name in USER_KEYS], rows, settings.max_block_size, users)
    lefts.append(li)
    rights.append(ri)
    all_stats.append(users)
    near = PassStats("near_id")
    # deletion keys also meet for ids two edits apart; those pairs stay: as negatives they measured better
    # for EM than filtering them out (febrl4 F1 0.9974 vs 0.9967)
    li, ri = multi_key_pairs(near_key_lists(keys), rows, settings.max_block_size, near)
    lefts.append(li)
    rights.append(ri)
    all_stats.append(near)
    core_li, core_ri = dedupe_pairs(lefts, rights, len(table))
    sn = PassStats("sorted_neighbourhood")
    li, ri = sorted_neighbourhood(table, rows, settings.sorted_neighbourhood_window, sn)
    lefts.append(li)
    rights.append(ri)
    all_stats.append(sn)
    li, ri = dedupe_pairs(lefts, rights, len(table))
    n = np.int64(len(table))
    core = np.isin(li * n + ri, core_li * n + core_ri)
    return Candidates(li=li, ri=ri, stats=all_stats, core=core)


def keys_for_store(
    table: FeatureTable, keys: dict[str, list[str]], rows: Sequence[int] | None = None
) -> list[tuple[str, int]]:
    """(key, record_id) pairs of these rows (all when None) for the store's blocking-key index."""
    if rows is None:
        ids = table.record_id.tolist()
        return [(k, r) for name in STORED_KEYS for k, r in zip(keys[name], ids, strict=True) if k]
    rid = table.record_id
    return [(keys[name][i], int(rid[i])) for name in STORED_KEYS for i in rows if keys[name][i]]


def record_facts(table: FeatureTable, only: Collection[int] | None = None) -> dict[int, RecordFacts]:
    """The guard's facts of every row (of the records in `only`, when given), by record id."""
    first, last, dob, generation = table.col("first"), table.col("last"), table.col("dob"), table.col("generation")
    signature = table.col("signature")
    ids = table.record_id
    rows = range(len(ids)) if only is None else np.flatnonzero(np.isin(ids, np.fromiter(only, dtype=np.int64)))
    return {
        int(ids[i]): RecordFacts(str(first[i]), str(last[i]), str(dob[i]), str(generation[i]), str(signature[i]))
        for i in rows
    }


def positions_of(table: FeatureTable, record_ids: Sequence[int]) -> IntArray:
    """Row positions of these record ids (the table must hold them)."""
    index = {int(r): i for i, r in enumerate(table.record_id)}
    return np.array([index[int(r)] for r in record_ids], dtype=np.int64)


def merge_pairs(a: tuple[IntArray, IntArray], b: tuple[IntArray, IntArray], n: int) -> tuple[IntArray, IntArray]:
    """Union of two pair sets."""
    return dedupe_pairs([a[0], b[0]], [a[1], b[1]], n)


def edges_touching(edges: Sequence[MatchEdge], ids: set[int]) -> list[MatchEdge]:
    """Edges with an end in `ids`."""
    return [e for e in edges if e.left in ids or e.right in ids]


def sorted_records(records: Sequence[StoredRecord]) -> list[StoredRecord]:
    """Records by id (the order feature tables are built in)."""
    return sorted(records, key=lambda r: r.id)


BoolArray = npt.NDArray[np.bool_]
