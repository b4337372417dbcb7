"""What a judge that knows the truth could reach at the precision target, seeing only each pair's evidence.

`benchmarks/ceiling.py` asks how far a perfect judge of our candidate pairs gets: it links every true pair,
knowing whose each record is. A real judge sees evidence, not owners, and two pairs with the same evidence
get the same answer. This oracle sorts the candidate pairs by their *evidence kind*: the two records' kinds,
every comparison's level, and how many records bear each side's surname and full name (bucketed). It knows
how many pairs of each kind are true and false, and links whole kinds, most reliable first, keeping a kind
only if the pairwise precision stays at or above the target and F1 rises. What it reaches is what
pair-by-pair evidence allows at that precision: a yardstick for the product's figures and for targets.

It is not a strict bound: a judge may also look past the pair (at the rest of a profile, as the sole-namesake
rule and the over-merge guard do), and a greedy choice of kinds need not be the best one. It is optimistic
in the other direction: with many small kinds the oracle can pick the few pure ones no model could tell apart.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.ceiling import record_items, record_labels, store_state
from identity_graph.evaluate import read_truth
from identity_graph.resolve.batch import BatchState
from identity_graph.resolve.scoring import comparisons_for, compute_levels
from identity_graph.settings import Settings

#: The pairwise precision the oracle must keep (the generated set's target).
MIN_PRECISION = 0.995
#: Bearer counts that split a name's frequency into buckets: up to 2 records, up to 5, up to 12, more.
BEARER_BUCKETS = (2, 5, 12)
#: How many times a kind whose cost rose since it was queued is put back before it is tried anyway.
REPRICE_MAX = 5

Pair = tuple[int, int]


@dataclass(frozen=True)
class EvidenceCeiling:
    """The oracle's clustering and its pairwise figures."""

    precision: float
    recall: float
    f1: float
    kinds: int  # evidence kinds with at least one true pair
    linked_kinds: int
    assignment: dict[int, int]  # record id -> cluster root record id


class PairCounts:
    """Union-find over records that counts predicted and true item pairs as clusters merge, with rollback."""

    def __init__(self, items: dict[int, Counter[str]], true_pairs: int) -> None:
        """Start with every record alone; `items` counts each record's items by true person."""
        self.parent: dict[int, int] = {}
        self.labels = {r: Counter(c) for r, c in items.items()}
        self.size = {r: sum(c.values()) for r, c in items.items()}
        self.predicted = sum(n * (n - 1) // 2 for n in self.size.values())
        self.true = sum(n * (n - 1) // 2 for c in items.values() for n in c.values())
        self.true_pairs = true_pairs
        self._log: list[tuple[int, int, int, int]] = []

    def find(self, r: int) -> int:
        """The root of a record's cluster (no path compression, so a union can be undone)."""
        while (up := self.parent.get(r, r)) != r:
            r = up
        return r

    def union(self, a: int, b: int) -> None:
        """Merge the clusters of a and b, adding their cross pairs to the counts."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size.get(ra, 0) < self.size.get(rb, 0):
            ra, rb = rb, ra
        big, small = self.labels.setdefault(ra, Counter()), self.labels.get(rb, Counter())
        cross = self.size.get(ra, 0) * self.size.get(rb, 0)
        agree = sum(n * big[label] for label, n in small.items())
        big.update(small)
        self.size[ra] = self.size.get(ra, 0) + self.size.get(rb, 0)
        self.parent[rb] = ra
        self.predicted += cross
        self.true += agree
        self._log.append((ra, rb, cross, agree))

    def mark(self) -> int:
        """A point to roll back to."""
        return len(self._log)

    def rollback(self, mark: int) -> None:
        """Undo every union made after `mark`, newest first."""
        while len(self._log) > mark:
            ra, rb, cross, agree = self._log.pop()
            small = self.labels.get(rb, Counter())
            self.labels[ra].subtract(small)
            self.labels[ra] = +self.labels[ra]
            self.size[ra] -= self.size.get(rb, 0)
            del self.parent[rb]
            self.predicted -= cross
            self.true -= agree

    def figures(self) -> tuple[float, float, float]:
        """Pairwise precision, recall and F1 of the current clusters."""
        p = self.true / self.predicted if self.predicted else 1.0
        r = self.true / self.true_pairs if self.true_pairs else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bucket(bearers: int) -> int:
    """A name's frequency bucket (0: rarest)."""
    return sum(bearers > edge for edge in BEARER_BUCKETS)


def evidence_kinds(st: BatchState, settings: Settings) -> tuple[list[Pair], list[tuple[object, ...]]]:
    """Every candidate and identical-record pair as record ids, with its evidence kind."""
    table, ms = st.table, settings.matching
    comps = comparisons_for(ms)
    _, _, levels = compute_levels(table, st.postings, st.stats, st.cands.li, st.cands.ri, comps, ms)
    first, last = table.col("first"), table.col("last")
    full = Counter(zip(first, last, strict=True))
    surname = Counter(last)
    rid = table.record_id
    pairs: list[Pair] = []
    kinds: list[tuple[object, ...]] = []
    for i, (a, b) in enumerate(zip(st.cands.li.tolist(), st.cands.ri.tolist(), strict=True)):
        names = (
            bucket(min(surname[last[a]], surname[last[b]])) if last[a] and last[b] else -1,
            bucket(min(full[first[a], last[a]], full[first[b], last[b]])) if last[a] and last[b] else -1,
        )
        kinds.append((*sorted((table.kind[a], table.kind[b])), levels[i].tobytes(), *names))
        pairs.append((int(rid[a]), int(rid[b])))
    for a, b in zip(st.reps.li.tolist(), st.reps.ri.tolist(), strict=True):
        kinds.append(("identical", *sorted((table.kind[a], table.kind[b]))))
        pairs.append((int(rid[a]), int(rid[b])))
    return pairs, kinds


def _item_counts(
    truth: dict[tuple[str, str], str], record_of: dict[tuple[str, str], int]
) -> tuple[dict[int, Counter[str]], int]:
    """Each record's items counted by true person (a non-customer item is a person of its own), and the number
    of true item pairs."""
    items: dict[int, Counter[str]] = defaultdict(Counter)
    for n, (key, person) in enumerate(sorted(truth.items())):
        if key in record_of:
            items[record_of[key]][person or f"\x00{n}"] += 1
    sizes = Counter(p for p in truth.values() if p)
    return dict(items), sum(n * (n - 1) // 2 for n in sizes.values())


def _cost(counts: PairCounts, kind: list[Pair]) -> float:
    """Wrong item pairs per right one that linking this kind alone would add (infinite when it adds none)."""
    mark, predicted, true = counts.mark(), counts.predicted, counts.true
    for a, b in kind:
        counts.union(a, b)
    gained, added = counts.true - true, counts.predicted - predicted
    counts.rollback(mark)
    return (added - gained) / gained if gained else float("inf")


def evidence_ceiling(
    db: Path, truth_path: Path, settings: Settings, min_precision: float = MIN_PRECISION
) -> EvidenceCeiling:
    """Link whole evidence kinds, those adding the fewest wrong item pairs per right one first, while pairwise
    precision stays at `min_precision`."""
    truth = read_truth(truth_path)
    own, party = record_items(db)
    label = record_labels(truth, own, party)
    pairs, kinds = evidence_kinds(store_state(db, settings), settings)
    groups: dict[tuple[object, ...], tuple[list[Pair], list[Pair]]] = defaultdict(lambda: ([], []))
    for pair, kind in zip(pairs, kinds, strict=True):
        a, b = pair
        groups[kind][0 if label.get(a) and label.get(a) == label.get(b) else 1].append(pair)
    items, true_pairs = _item_counts(truth, {key: r for r, key in own.items()} | party)
    counts = PairCounts(items, true_pairs)
    useful = [t + f for t, f in groups.values() if t]
    best, linked = link_greedily(counts, useful, min_precision)
    assignment = {r: counts.find(r) for r in np.unique([r for p in pairs for r in p]).tolist()}
    return EvidenceCeiling(*best, kinds=len(useful), linked_kinds=linked, assignment=assignment)


def link_greedily(
    counts: PairCounts, kinds: list[list[Pair]], min_precision: float
) -> tuple[tuple[float, float, float], int]:
    """Link kinds cheapest first (lazy greedy: a kind is priced again before it is taken, since its cost changes
    as others link), keeping each that leaves precision at `min_precision` and raises F1; returns the figures
    and how many kinds were kept. A kind that adds no right pair when its turn comes is dropped."""
    heap = [(_cost(counts, kind), n, 0) for n, kind in enumerate(kinds)]
    heapq.heapify(heap)
    best, linked = counts.figures(), 0
    while heap:
        _, n, priced = heapq.heappop(heap)
        cost = _cost(counts, kinds[n])
        if cost == float("inf"):
            continue
        if heap and cost > heap[0][0] and priced < REPRICE_MAX:
            heapq.heappush(heap, (cost, n, priced + 1))
            continue
        mark = counts.mark()
        for a, b in kinds[n]:
            counts.union(a, b)
        now = counts.figures()
        if now[0] >= min_precision and now[2] > best[2]:
            best, linked = now, linked + 1
        else:
            counts.rollback(mark)
    return best, linked
