"""Training the match model without labels (EM on comparison levels) and with steward labels.

EM estimates m (how often a level happens within one person), u (how often between two different people
among the candidate pairs) and the prior lambda on the candidate pairs. It starts from a plain agreement rule
rather than a guessed m: started from a guess with u fixed from random pairs, EM drifts to "same surname" as
the cluster it explains (blocked pairs share surnames). The value frequencies give each exact level's average
u over random pairs (the sum of squared shares), the baseline of term-frequency adjustments. Identical level
patterns are counted once with a weight, so EM runs over a few thousand patterns, not millions of pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from matchers.comparisons import NULL, Comparison, Levels
from matchers.features import StrArray
from matchers.model import ComparisonParams, LevelParams, MatchModel, exact_u, level_counts, tf_tables
from matchers.priors import PRIOR_PAIRS, prior_shares

#: EM stops after this many rounds, or earlier when no m moves by more than EM_TOLERANCE.
EM_MAX_ITERATIONS = 60
EM_TOLERANCE = 1e-6
#: Pseudo-count added to each level when turning counts into probabilities (keeps unseen levels possible).
SMOOTHING = 0.5
#: m of the best and worst levels when there is nothing to train on.
M_START_BEST, M_START_WORST = 0.85, 0.05
#: A pair agreeing (any level but the worst) on at least this share of its known comparisons starts as a match.
AGREEMENT_START = 0.6
#: Starting prior (share of candidate pairs that match).
PRIOR_START = 0.1
#: How many pseudo-pairs the old m is worth when labels re-estimate it (few labels move it a little).
LABEL_PRIOR_STRENGTH = 20.0

Float = npt.NDArray[np.float64]
#: Prior shares per comparison and the number of pseudo-pairs they are worth.
Priors = tuple[list[Float], float]


def _normalize(counts: Float) -> Float:
    """Smoothed shares from counts."""
    smoothed: Float = counts + SMOOTHING
    return smoothed / float(smoothed.sum())


def level_shares(
    levels: Levels, n_levels: Sequence[int], weights: Float | None = None, priors: Priors | None = None
) -> list[Float]:
    """Smoothed share of each level per comparison (NULL pairs left out); with `priors` (shares and their
    pseudo-count per comparison), the prior's pseudo-pairs are added to the counts first."""
    counts = level_counts(levels, n_levels, weights)
    if priors is None:
        return [_normalize(c) for c in counts]
    shares, strength = priors
    return [_normalize(c + strength * p) for c, p in zip(counts, shares, strict=True)]


def initial_m(n_levels: Sequence[int]) -> list[Float]:
    """A starting m: most matches at the best level, few at the worst."""
    out = []
    for n in n_levels:
        m = np.full(n, (1.0 - M_START_BEST - M_START_WORST) / max(n - 2, 1))
        m[0], m[-1] = M_START_BEST, M_START_WORST
        out.append(m / m.sum())
    return out


def unique_patterns(levels: Levels) -> tuple[Levels, Float]:
    """Distinct rows of the level matrix and how many pairs share each."""
    if levels.shape[0] == 0:
        return levels, np.zeros(0)
    patterns, counts = np.unique(levels, axis=0, return_counts=True)
    return patterns.astype(np.int8), counts.astype(np.float64)


def _log_ratio(patterns: Levels, m: list[Float], u: list[Float]) -> Float:
    """Sum over comparisons of ln(m/u) at each pattern's level (0 where NULL)."""
    total = np.zeros(patterns.shape[0])
    for k in range(patterns.shape[1]):
        col = patterns[:, k].astype(np.int64)
        known = col != NULL
        table = np.log(np.maximum(m[k], 1e-12)) - np.log(np.maximum(u[k], 1e-12))
        total[known] += table[col[known]]
    return total


def agreement_start(patterns: Levels, n_levels: Sequence[int]) -> Float:
    """Starting match probabilities from a plain rule: a pair agreeing on most of its known fields matches.

    Starting EM here (rather than from a guessed m) keeps it from settling on "same surname" as the
    cluster it explains, a local optimum of blocked candidate pairs.
    """
    worst = np.array(n_levels, dtype=np.int64) - 1
    known = patterns != NULL
    agree = known & (patterns.astype(np.int64) < worst[None, :])
    share = agree.sum(axis=1) / np.maximum(known.sum(axis=1), 1)
    out: Float = (share >= AGREEMENT_START).astype(np.float64)
    return out


def expectation_maximisation(
    levels: Levels, n_levels: Sequence[int], priors: tuple[list[Float], list[Float]] | None = None
) -> tuple[list[Float], list[Float], float, int]:
    """Estimate m, u and the prior on candidate pairs; returns (m, u, prior, iterations run). With `priors`
    (m and u shares per comparison, from domain knowledge), every M-step adds PRIOR_PAIRS pseudo-pairs of them,
    as many on the side of matches as on the side of non-matches."""
    patterns, counts = unique_patterns(levels)
    return em_on_patterns(patterns, counts, n_levels, priors)


def em_on_patterns(
    patterns: Levels, counts: Float, n_levels: Sequence[int], priors: tuple[list[Float], list[Float]] | None = None
) -> tuple[list[Float], list[Float], float, int]:
    """`expectation_maximisation` on level patterns already counted (`unique_patterns`'s output: distinct rows in
    `np.unique` order, and how many pairs share each); a batch plan counts them where the pairs are."""
    if counts.size == 0:
        if priors is not None:
            return priors[0], priors[1], PRIOR_START, 0
        return initial_m(n_levels), [_normalize(np.ones(n)) for n in n_levels], PRIOR_START, 0
    p = agreement_start(patterns, n_levels)
    prior = _prior(p, counts)
    m = level_shares(patterns, n_levels, p * counts, _pseudo(priors, 0))
    u = level_shares(patterns, n_levels, (1.0 - p) * counts, _pseudo(priors, 1))
    rounds = 0
    for rounds in range(1, EM_MAX_ITERATIONS + 1):  # noqa: B007
        z = _log_ratio(patterns, m, u) + np.log(prior / (1.0 - prior))
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))
        prior = _prior(p, counts)
        new_m = level_shares(patterns, n_levels, p * counts, _pseudo(priors, 0))
        u = level_shares(patterns, n_levels, (1.0 - p) * counts, _pseudo(priors, 1))
        moved = max(float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True))
        m = new_m
        if moved < EM_TOLERANCE:
            break
    return m, u, prior, rounds


def _pseudo(priors: tuple[list[Float], list[Float]] | None, side: int) -> Priors | None:
    """The m (`side` 0) or u (1) priors with their pseudo-count, PRIOR_PAIRS on each side."""
    return None if priors is None else (priors[side], PRIOR_PAIRS)


def domain_priors(comparisons: Sequence[Comparison]) -> tuple[list[Float], list[Float]]:
    """The domain priors (`matchers.priors`) of every comparison's levels, as m and u arrays."""
    pairs = [prior_shares(c.name, c.levels) for c in comparisons]
    return [np.array(m) for m, _ in pairs], [np.array(u) for _, u in pairs]


def _prior(p: Float, counts: Float) -> float:
    """The share of matches among the candidate pairs, kept off 0 and 1."""
    return float(np.clip((p * counts).sum() / max(counts.sum(), 1.0), 1e-6, 1 - 1e-6))


def build_model(
    comparisons: Sequence[Comparison], m: list[Float], u: list[Float], prior: float, pairs: int, trained_by: str
) -> MatchModel:
    """Wrap estimated probabilities into a MatchModel."""
    return MatchModel(
        trained_by=trained_by,
        pairs=pairs,
        prior=prior,
        comparisons=[
            ComparisonParams(
                name=c.name,
                tf_column=c.tf_column,
                levels=[
                    LevelParams(name=name, m=float(mk), u=float(uk))
                    for name, mk, uk in zip(c.levels, m[k], u[k], strict=True)
                ],
            )
            for k, c in enumerate(comparisons)
        ],
    )


def train_em(
    comparisons: Sequence[Comparison], candidate_levels: Levels, tf_columns: dict[str, StrArray] | None = None
) -> MatchModel:
    """Train a model: m, u and the prior by EM on candidate pairs; term-frequency tables (and each exact level's
    average u over random pairs, their baseline) from the given columns."""
    patterns, counts = unique_patterns(candidate_levels)
    return train_em_counted(comparisons, patterns, counts, tf_columns)


def train_em_counted(
    comparisons: Sequence[Comparison], patterns: Levels, counts: Float, tf_columns: dict[str, StrArray] | None = None
) -> MatchModel:
    """`train_em` on counted level patterns (`em_on_patterns`): the same model from the same counts."""
    n_levels = [len(c.levels) for c in comparisons]
    m, u, prior, _ = em_on_patterns(patterns, counts, n_levels, domain_priors(comparisons))
    model = build_model(comparisons, m, u, prior, int(counts.sum()), "em")
    if not tf_columns:
        return model
    tf, totals = tf_tables(tf_columns)
    params = [
        c.model_copy(update={"tf_base_u": exact_u(tf_columns[c.tf_column])})
        if c.tf_column and c.tf_column in tf_columns
        else c
        for c in model.comparisons
    ]
    return model.model_copy(update={"comparisons": params, "tf": tf, "tf_records": totals})


def train_from_labels(model: MatchModel, levels: Levels, labels: npt.NDArray[np.bool_]) -> MatchModel:
    """Re-estimate m from pairs stewards called the same person (the old m counts as LABEL_PRIOR_STRENGTH)."""
    positives = levels[labels]
    n_levels = [len(c.levels) for c in model.comparisons]
    counts = level_counts(positives, n_levels)
    comparisons = []
    for comp, count in zip(model.comparisons, counts, strict=True):
        old = np.array([lv.m for lv in comp.levels])
        m = (count + LABEL_PRIOR_STRENGTH * old) / (count.sum() + LABEL_PRIOR_STRENGTH)
        comparisons.append(
            comp.model_copy(
                update={"levels": [lv.model_copy(update={"m": float(x)}) for lv, x in zip(comp.levels, m, strict=True)]}
            )
        )
    return model.model_copy(update={"comparisons": comparisons, "trained_by": "labels", "pairs": int(labels.sum())})


def merge_patterns(patterns: Levels, counts: Float) -> tuple[Levels, Float]:
    """Counted patterns (any order, a pattern maybe several times: counted per batch of pairs) as
    `unique_patterns` gives them: distinct rows in `np.unique` order, counts summed."""
    if patterns.shape[0] == 0:
        return patterns.astype(np.int8), np.zeros(0)
    distinct, inverse = np.unique(patterns, axis=0, return_inverse=True)
    summed = np.bincount(np.asarray(inverse).ravel(), weights=counts, minlength=distinct.shape[0])
    return distinct.astype(np.int8), summed.astype(np.float64)
