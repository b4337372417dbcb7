"""The evidence-kind oracle: its pair counting agrees with the evaluator, and on the bundled sample (real loaders,
a real SQLite store, a real resolve) it keeps the precision target and reports the clustering it scored."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.bench_matching import evidence_rows
from benchmarks.ceiling import record_items
from benchmarks.evidence_ceiling import (
    MIN_PRECISION,
    EvidenceCeiling,
    PairCounts,
    bucket,
    evidence_ceiling,
    link_greedily,
)
from identity_graph.evaluate import read_truth, score
from identity_graph.generate import sample_dir
from identity_graph.settings import Settings
from tests.benchmarks.sample import sample_store


def _scored(counts: PairCounts, item_record: dict[str, int], truth: dict[str, str]) -> tuple[float, float, float]:
    """The evaluator's pairwise figures of the counter's clusters."""
    keyed = {("t", k): v for k, v in truth.items()}
    pred = {("t", k): str(counts.find(r)) for k, r in item_record.items()}
    s = score(pred, keyed)
    return s.precision, s.recall, s.f1


def test_counts_follow_unions_and_rollbacks_as_the_evaluator_scores_them() -> None:
    rng = random.Random(7)
    truth = {f"i{n}": rng.choice(["A", "B", "C", "D", ""]) for n in range(60)}
    item_record = {k: rng.randrange(25) for k in truth}
    items: dict[int, Counter[str]] = {}
    for n, (k, person) in enumerate(sorted(truth.items())):
        items.setdefault(item_record[k], Counter())[person or f"\x00{n}"] += 1
    sizes = Counter(p for p in truth.values() if p)
    counts = PairCounts(items, sum(n * (n - 1) // 2 for n in sizes.values()))
    assert counts.figures() == pytest.approx(_scored(counts, item_record, truth))
    for _ in range(10):
        counts.union(rng.randrange(25), rng.randrange(25))
    kept = counts.figures()
    assert kept == pytest.approx(_scored(counts, item_record, truth))
    mark = counts.mark()
    for _ in range(10):
        counts.union(rng.randrange(25), rng.randrange(25))
    assert counts.figures() == pytest.approx(_scored(counts, item_record, truth))
    counts.rollback(mark)
    assert counts.figures() == kept
    assert counts.figures() == pytest.approx(_scored(counts, item_record, truth))


def test_name_frequency_buckets() -> None:
    assert [bucket(n) for n in (1, 2, 3, 5, 6, 12, 13, 400)] == [0, 0, 1, 1, 2, 2, 3, 3]


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings]:
    """The shipped sample loaded through its manifest and resolved."""
    return sample_store(tmp_path_factory.mktemp("evidence"), resolve=True)


def _item_scores(db: Path, ceiling: EvidenceCeiling) -> tuple[float, float, float]:
    """The evaluator's figures of the oracle's clustering, items placed through their records."""
    truth = read_truth(sample_dir() / "truth.csv")
    own, party = record_items(db)
    record_of = {key: r for r, key in own.items()} | party
    pred = {k: f"c{ceiling.assignment.get(r, r)}" for k, r in record_of.items()}
    s = score(pred, truth)
    return s.precision, s.recall, s.f1


def test_the_oracle_keeps_the_precision_target_and_its_figures_are_the_evaluators(
    resolved: tuple[Path, Settings],
) -> None:
    db, settings = resolved
    ceiling = evidence_ceiling(db, sample_dir() / "truth.csv", settings)
    assert ceiling.precision >= MIN_PRECISION
    assert 0 < ceiling.linked_kinds < ceiling.kinds  # some kinds are too unreliable to link
    assert (ceiling.precision, ceiling.recall, ceiling.f1) == pytest.approx(_item_scores(db, ceiling))


def test_an_unreachable_precision_links_nothing(resolved: tuple[Path, Settings]) -> None:
    db, settings = resolved
    ceiling = evidence_ceiling(db, sample_dir() / "truth.csv", settings, min_precision=1.01)
    assert ceiling.linked_kinds == 0
    assert all(root == r for r, root in ceiling.assignment.items())
    assert (ceiling.precision, ceiling.recall, ceiling.f1) == pytest.approx(_item_scores(db, ceiling))


def test_the_bench_rows_carry_the_oracles_figures(resolved: tuple[Path, Settings]) -> None:
    db, settings = resolved
    rows = {str(r["metric"]): r for r in evidence_rows(db, sample_dir() / "truth.csv", settings, "sample")}
    ceiling = evidence_ceiling(db, sample_dir() / "truth.csv", settings)
    assert rows["evidence ceiling F1"]["value"] == round(ceiling.f1, 4)
    assert rows["evidence ceiling recall"]["value"] == round(ceiling.recall, 4)
    assert f"({ceiling.linked_kinds} of {ceiling.kinds})" in str(rows["evidence ceiling F1"]["note"])


def test_greedy_links_the_pure_kinds_and_leaves_the_one_that_breaks_precision() -> None:
    # records 1-4 hold person A's items, 5-6 person B's, 7 person C's; one item per record
    items = {r: Counter({p: 1}) for r, p in {1: "A", 2: "A", 3: "A", 4: "A", 5: "B", 6: "B", 7: "C"}.items()}
    counts = PairCounts(items, true_pairs=6 + 1)
    kinds = [[(1, 2), (3, 4)], [(2, 3), (5, 6)], [(4, 7), (1, 5)]]  # the last kind joins three people
    best, linked = link_greedily(counts, kinds, min_precision=0.9)
    assert linked == 2
    assert best == (1.0, 1.0, 1.0)
    assert counts.find(1) == counts.find(4) and counts.find(5) == counts.find(6)
    assert counts.find(7) != counts.find(1) and counts.find(5) != counts.find(1)
