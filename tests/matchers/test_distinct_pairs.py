"""Comparisons run once per distinct pair of values (`compare_all` from DISTINCT_MIN_PAIRS pairs on) give every
pair the level its own computation gives: on febrl3's and fake_1000's candidate pairs and on a generated
set's (names crossed back, caller-IDs, handles), and on a table changed in place after its codes were made."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from identity_graph.generate import generate
from identity_graph.resolve.batch import batch_state
from identity_graph.resolve.scoring import comparisons_for
from identity_graph.resolve.summary import no_progress
from identity_graph.settings import Settings
from identity_graph.store import open_store
from matchers.comparisons import DISTINCT_MIN_PAIRS, PairContext, compare_all
from matchers.features import FeatureTable
from tests.resolve.engines import fake_store, febrl_store, load_generated


def _one_by_one(ctx: PairContext, settings: Settings) -> np.ndarray:
    """Each comparison on every pair, no pair skipped."""
    return np.stack([c.compute(ctx) for c in comparisons_for(settings.matching)], axis=1)


#: Besides its candidates, each record is paired with this many next rows (mostly strangers), so that every set
#: has more pairs than DISTINCT_MIN_PAIRS.
NEXT_ROWS = 6


def _candidates(settings: Settings) -> PairContext:
    """The set's candidate pairs as blocking finds them, and each record beside its next rows."""
    store = open_store(settings.db)
    try:
        st = batch_state(store, settings.matching, None, no_progress)
    finally:
        store.close()
    rows = np.arange(len(st.table), dtype=np.int64)
    li = [st.cands.li, *(rows[:-k] for k in range(1, NEXT_ROWS + 1))]
    ri = [st.cands.ri, *(rows[k:] for k in range(1, NEXT_ROWS + 1))]
    return PairContext(table=st.table, li=np.concatenate(li), ri=np.concatenate(ri))


def _generated(tmp: Path) -> Settings:
    generate(tmp / "gen", 400, 7, overwrite=True)
    return load_generated(tmp / "gen", tmp / "gen.db")


@pytest.mark.parametrize("name", ["febrl3", "fake_1000", "generated"])
def test_distinct_pairs_give_every_pair_its_own_levels(name: str, tmp_path: Path) -> None:
    loaders = {
        "febrl3": lambda: febrl_store("febrl3", None, tmp_path / "f.db"),
        "fake_1000": lambda: fake_store(None, tmp_path / "k.db"),
        "generated": lambda: _generated(tmp_path),
    }
    settings = loaders[name]()
    ctx = _candidates(settings)
    assert len(ctx) >= DISTINCT_MIN_PAIRS  # the distinct path is the one taken
    comparisons = comparisons_for(settings.matching)
    got = compare_all(comparisons, ctx)
    want = _one_by_one(PairContext(table=ctx.table, li=ctx.li, ri=ctx.ri), settings)
    assert got.shape == want.shape
    differ = np.flatnonzero((got != want).any(axis=1))
    assert differ.size == 0, [(int(ctx.li[i]), int(ctx.ri[i]), got[i].tolist(), want[i].tolist()) for i in differ[:5]]
    # the names crossed back once per distinct pair of names give every pair its own crossing
    deduped = PairContext(table=ctx.table, li=ctx.li, ri=ctx.ri).names()
    direct = PairContext(table=ctx.table, li=ctx.li, ri=ctx.ri, distinct=True).names()
    for got_part, want_part in zip(deduped, direct, strict=True):
        np.testing.assert_array_equal(got_part, want_part)
    # the pairs did repeat values: fewer distinct pairs than pairs for the place and date comparisons
    codes = ctx.table.codes(("city",))
    assert len(np.unique(codes[ctx.li] * (codes.max() + 1) + codes[ctx.ri])) < len(ctx)


def test_codes_follow_a_column_changed_in_place() -> None:
    table = FeatureTable(
        record_id=np.arange(4, dtype=np.int64),
        kind=np.array(["a", "a", "b", "a"], dtype=object),
        columns={"city": np.array(["perth", "perth", "perth", "york"], dtype=object)},
    )
    before = table.codes(("city",))
    assert before[0] == before[1] == before[2] != before[3]
    assert table.codes(("city", "kind"))[2] != table.codes(("city", "kind"))[0]
    table.col("city")[1] = "york"
    table.changed()
    after = table.codes(("city",))
    assert after[1] == after[3] != after[0]
