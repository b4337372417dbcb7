"""EM on pattern counts made elsewhere (a batch plan counts them in its engine, a batch of pairs at a time) gives
the model EM gives on the whole level matrix."""

from __future__ import annotations

import numpy as np

from identity_graph.resolve.scoring import comparisons_for
from identity_graph.settings import Settings
from matchers.em import merge_patterns, train_em, train_em_counted, unique_patterns


def _levels(rows: int, seed: int) -> np.ndarray:
    comparisons = comparisons_for(Settings().matching)
    rng = np.random.default_rng(seed)
    return np.stack([rng.integers(-1, len(c.levels), rows) for c in comparisons], axis=1).astype(np.int8)


def test_counts_merged_from_batches_are_the_whole_matrixs() -> None:
    levels = _levels(5_000, 1)
    parts = [unique_patterns(levels[i : i + 700]) for i in range(0, len(levels), 700)]
    merged = merge_patterns(np.concatenate([p for p, _ in parts]), np.concatenate([c for _, c in parts]))
    whole = unique_patterns(levels)
    assert np.array_equal(merged[0], whole[0]) and np.array_equal(merged[1], whole[1])
    shuffled = np.random.default_rng(2).permutation(len(merged[0]))
    again = merge_patterns(merged[0][shuffled], merged[1][shuffled])  # the engine's GROUP BY has no order
    assert np.array_equal(again[0], whole[0]) and np.array_equal(again[1], whole[1])


def test_em_on_counted_patterns_is_em_on_the_levels() -> None:
    comparisons = comparisons_for(Settings().matching)
    levels = _levels(3_000, 3)
    tf = {"first": np.array(["ann", "bob", "ann"], dtype=object)}
    direct = train_em(comparisons, levels, tf)
    counted = train_em_counted(comparisons, *unique_patterns(levels), tf)
    clock = {"trained_at"}  # when each was trained: the two may fall either side of a second
    assert direct.model_dump(exclude=clock) == counted.model_dump(exclude=clock)
    assert counted.pairs == 3_000
    assert train_em_counted(comparisons, *unique_patterns(levels[:0])).pairs == 0
