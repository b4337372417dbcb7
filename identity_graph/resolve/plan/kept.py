"""The scored pairs a batch plan keeps: the few a user can see (at or above review) and those the sole-namesake
rule may still promote; every other pair is dropped as soon as its batch is scored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from identity_graph.resolve.identifiers import Shared
from identity_graph.resolve.namesakes import name_keys
from identity_graph.resolve.scoring import (
    STATUS_AUTO,
    STATUS_NONE,
    Scored,
    best_totals,
    comparisons_for,
    named_mention,
    personal_identifier,
)
from identity_graph.settings import MatchingSettings
from matchers.comparisons import Levels, PairContext
from matchers.features import FeatureTable, StrArray
from matchers.model import MatchModel

BoolArray = npt.NDArray[np.bool_]
#: Bits added to a pattern's best total before it is held to a threshold: float32 sums may round either way.
BOUND_MARGIN = 0.01


def kept_rows(scored: Scored, names: StrArray, settings: MatchingSettings) -> BoolArray:
    """Pairs at or above review, and (with the rule on) pairs `namesakes.sole_name_rows` may pick: one name on
    both sides, not linked, not in conflict, not weak, probable enough. The rule's choice among them (the most
    probable per name, the first of equals in pair order) is the same over these as over all pairs."""
    keep: BoolArray = scored.status != STATUS_NONE
    if settings.sole_name_links:
        kl, kr = names[scored.li], names[scored.ri]
        free = (kl != "") & (kl == kr) & (scored.status != STATUS_AUTO) & ~scored.conflict & ~scored.weak_only
        keep |= free & (scored.prob >= settings.sole_name_min_score)
    return keep


def keepable(patterns: Levels, model: MatchModel, settings: MatchingSettings) -> BoolArray:
    """Which patterns of levels (rows of `patterns`) may hold a pair `kept_rows` keeps: a pattern whose best
    total (`scoring.best_totals`, BOUND_MARGIN bits added) stays under review, auto-link and the sole-namesake
    rule's score, and that no rule links at any score (one person's identifier, a named mention), holds none.
    Its pairs are not scored: most candidate pairs agree on too little to reach review."""
    comparisons = comparisons_for(settings)
    prob = model.probability(best_totals(patterns, model, comparisons) + BOUND_MARGIN)
    floors = [settings.review, settings.auto_link]
    floors += [settings.sole_name_min_score] if settings.sole_name_links else []
    out: BoolArray = prob >= min(floors)
    if settings.personal_identifier_links:
        out |= personal_identifier(patterns, comparisons)
    if settings.named_mention_links:
        out |= named_mention(patterns, comparisons)
    return out


def take(scored: Scored, rows: BoolArray) -> Scored:
    """The scored pairs at `rows` (their own context)."""
    li, ri = scored.li[rows], scored.ri[rows]
    shared = Shared(
        codes={k: v[rows] for k, v in scored.shared.codes.items()},
        keys={k: v[rows] for k, v in scored.shared.keys.items()},
    )
    ctx = PairContext(table=scored.ctx.table, li=li, ri=ri, shared=shared.codes)
    return Scored(
        li, ri, ctx, shared, scored.levels[rows], scored.weights[rows], scored.total[rows], scored.prob[rows],
        scored.status[rows], scored.conflict[rows], scored.weak_only[rows], scored.anchorless[rows],
        scored.by_personal[rows], scored.by_mention[rows], scored.by_name[rows],
    )  # fmt: skip


def concat(parts: Sequence[Scored], table: FeatureTable, empty: Scored) -> Scored:
    """Kept parts of several batches as one Scored, in batch order (`empty`: the shape when there are none)."""
    if not parts:
        return empty
    li, ri = np.concatenate([p.li for p in parts]), np.concatenate([p.ri for p in parts])
    kinds = parts[0].shared.codes.keys()
    shared = Shared(
        codes={k: np.concatenate([p.shared.codes[k] for p in parts]) for k in kinds},
        keys={k: np.concatenate([p.shared.keys[k] for p in parts]) for k in kinds},
    )
    ctx = PairContext(table=table, li=li, ri=ri, shared=shared.codes)

    def cat(field: str) -> Any:
        return np.concatenate([getattr(p, field) for p in parts])

    return Scored(
        li, ri, ctx, shared, cat("levels"), cat("weights"), cat("total"), cat("prob"), cat("status"),
        cat("conflict"), cat("weak_only"), cat("anchorless"), cat("by_personal"), cat("by_mention"), cat("by_name"),
    )  # fmt: skip


def bearer_names(table: FeatureTable) -> StrArray:
    """Per row, the name the sole-namesake rule reads (`namesakes.name_keys`)."""
    return name_keys(table)
