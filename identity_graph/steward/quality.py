"""How good the links are: precision estimated from stewards' decisions on sampled links, with a Wilson interval."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from statistics import NormalDist

from identity_graph.model import Judgement, MatchStatus, Verdict
from identity_graph.store.protocol import GraphStore
from identity_graph.store.steward_types import IMPLIED_KINDS


def wilson_interval(successes: int, n: int, confidence: float) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion (0..1 when there are no trials)."""
    if n == 0:
        return (0.0, 1.0)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class QualityEstimate:
    """Decisions on the matcher's links of one status and the precision they imply."""

    status: MatchStatus
    links: int  # edges of this status in the store
    same: int
    different: int
    unsure: int
    precision: float | None  # same / (same + different); None before any decision
    low: float
    high: float
    confidence: float
    implied: int = 0  # active decisions a split or unmerge implied (on any pair), not counted

    @property
    def reviewed(self) -> int:
        """Pairs with a decision (unsure ones included; they do not count toward precision)."""
        return self.same + self.different + self.unsure


#: Reasons a split or unmerge wrote on its implied decisions before steward actions were kept (schema V7).
IMPLIED_REASON_PREFIXES = ("split of person", "unmerge of record")


def explicit_decisions(store: GraphStore) -> tuple[list[Judgement], int]:
    """The active decisions a steward made pair by pair, and how many active ones a split or unmerge implied
    (left out: they say how a steward cut a person, not what they thought of one link)."""
    implied_ids = store.action_judgement_ids(IMPLIED_KINDS)
    explicit: list[Judgement] = []
    implied = 0
    for j in store.judgements(None, active_only=True):
        if j.id in implied_ids or (j.reason or "").startswith(IMPLIED_REASON_PREFIXES):
            implied += 1
        else:
            explicit.append(j)
    return explicit, implied


def estimate_precision(store: GraphStore, status: MatchStatus, confidence: float) -> QualityEstimate:
    """Precision of the links of one status, from the active explicit decisions on exactly those pairs."""
    active, implied = explicit_decisions(store)
    judged_ids = sorted({r for j in active for r in (j.left, j.right)})
    linked = {(e.left, e.right) for e in store.edges(judged_ids, statuses=[status])} if judged_ids else set()
    counts = dict.fromkeys(Verdict, 0)
    for j in active:
        if (j.left, j.right) in linked:
            counts[j.verdict] += 1
    decided = counts[Verdict.SAME] + counts[Verdict.DIFFERENT]
    low, high = wilson_interval(counts[Verdict.SAME], decided, confidence)
    return QualityEstimate(
        status=status,
        links=store.counts().get(f"edges_{status.value}", 0),
        same=counts[Verdict.SAME],
        different=counts[Verdict.DIFFERENT],
        unsure=counts[Verdict.UNSURE],
        precision=counts[Verdict.SAME] / decided if decided else None,
        low=low,
        high=high,
        confidence=confidence,
        implied=implied,
    )


def sample_links(store: GraphStore, n: int, seed: int | None = None) -> list[tuple[int, int]]:
    """A uniform random sample of auto links nobody has decided yet, for an unbiased precision estimate."""
    decided = {(j.left, j.right) for j in store.judgements(None, active_only=True)}
    pool = [(e.left, e.right) for e in store.edges(statuses=[MatchStatus.AUTO]) if (e.left, e.right) not in decided]
    rng = random.Random(seed)
    return sorted(rng.sample(pool, min(n, len(pool))))
