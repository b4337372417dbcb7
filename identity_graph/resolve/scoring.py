"""Score candidate pairs with the model, then apply the thresholds and the vetoes.

Vetoes (the privacy side of matching): when first names cannot be one person's, or dates of birth differ, a
link may not rest on what a household shares (phones, emails, handles, the address): the person-level
evidence alone (names, dob, a CRM or national id) must then reach the auto-link threshold, else the pair
goes to review at most. Twins on a home phone, a family mailbox, two callers on a switchboard stay apart.
A pair whose evidence rests on an identifier only mentioned in a message body or bio is never linked on
that alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from identity_graph.resolve.features import Postings
from identity_graph.resolve.identifiers import IdentifierStats, Shared, shared_identifiers
from identity_graph.settings import MatchingSettings
from matchers.comparisons import (
    NULL,
    Comparison,
    FloatArray,
    IdentifierComparison,
    Levels,
    PairContext,
    compare_all,
    default_comparisons,
)
from matchers.features import FeatureTable, IntArray
from matchers.model import MatchModel

STATUS_NONE, STATUS_REVIEW, STATUS_AUTO = 0, 1, 2
#: Comparisons whose worst level is a strong conflict (two different people), and that level's name.
CONFLICT_LEVELS = {"first_name": "else", "dob": "else"}
#: Person-level comparisons: what is left when evidence a household can share (phone, email, handle,
#: address) is set aside. A CRM or national id belongs to one person, so it stays.
PERSON_LEVEL = ("first_name", "last_name", "dob", "crm")
MENTIONED = "mentioned"


def comparisons_for(settings: MatchingSettings) -> tuple[Comparison, ...]:
    """The product's comparisons with the thresholds from settings."""
    return default_comparisons(settings.name_similarity)


def logit2(p: float) -> float:
    """log2(p / (1 - p)): the total weight (prior included) a probability needs."""
    return float(np.log2(p / (1.0 - p)))


@dataclass
class Scored:
    """Scored pairs: levels, per-comparison weights, totals, probabilities, statuses and veto flags."""

    li: IntArray
    ri: IntArray
    ctx: PairContext
    shared: Shared
    levels: Levels
    weights: FloatArray
    total: FloatArray
    prob: FloatArray
    status: npt.NDArray[np.int8]
    conflict: npt.NDArray[np.bool_]
    weak_only: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.li.shape[0])


def compute_levels(
    table: FeatureTable,
    postings: Postings,
    stats: IdentifierStats,
    li: IntArray,
    ri: IntArray,
    comparisons: tuple[Comparison, ...],
    settings: MatchingSettings,
) -> tuple[PairContext, Shared, Levels]:
    """Comparison levels of the pairs (li[i], ri[i])."""
    shared = shared_identifiers(postings, stats, li, ri, settings.shared_identifier_persons)
    ctx = PairContext(table=table, li=li, ri=ri, shared=shared.codes)
    return ctx, shared, compare_all(comparisons, ctx)


def conflicts(levels: Levels, comparisons: tuple[Comparison, ...]) -> npt.NDArray[np.bool_]:
    """Pairs in strong conflict: a first name or dob at its conflicting level."""
    out = np.zeros(levels.shape[0], dtype=bool)
    for k, comp in enumerate(comparisons):
        bad = CONFLICT_LEVELS.get(comp.name)
        if bad is not None:
            out |= levels[:, k] == comp.levels.index(bad)
    return out


def score_pairs(
    table: FeatureTable,
    postings: Postings,
    stats: IdentifierStats,
    li: IntArray,
    ri: IntArray,
    model: MatchModel,
    settings: MatchingSettings,
) -> Scored:
    """Levels, weights, probabilities and statuses of candidate pairs."""
    comparisons = comparisons_for(settings)
    ctx, shared, levels = compute_levels(table, postings, stats, li, ri, comparisons, settings)
    tf_values = {c.name: c.values(ctx) for c in comparisons if c.tf_column}
    weights = model.weights(levels, tf_values)
    total = weights.sum(axis=1) if len(li) else np.zeros(0, dtype=np.float32)
    prob = model.probability(total)
    conflict = conflicts(levels, comparisons)
    mentioned = np.zeros(len(li), dtype=np.float32)
    for k, comp in enumerate(comparisons):
        if isinstance(comp, IdentifierComparison):
            at = levels[:, k] == comp.levels.index(MENTIONED)
            mentioned[at] += np.maximum(weights[at, k], 0.0)
    person = weights[:, [k for k, c in enumerate(comparisons) if c.name in PERSON_LEVEL]].sum(axis=1)
    auto_weight = logit2(settings.auto_link) - model.prior_weight()
    weak_only = (mentioned > 0) & (total - mentioned < auto_weight)
    vetoed = conflict & (person < auto_weight)
    status = np.full(len(li), STATUS_NONE, dtype=np.int8)
    status[prob >= settings.review] = STATUS_REVIEW
    status[(prob >= settings.auto_link) & ~vetoed & ~weak_only] = STATUS_AUTO
    return Scored(li, ri, ctx, shared, levels, weights, total, prob, status, vetoed, weak_only)


def null_share(levels: Levels) -> float:
    """Share of NULL cells in a level matrix (a quick data-quality figure)."""
    return float((levels == NULL).mean()) if levels.size else 0.0
