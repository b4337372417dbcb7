"""Comparing keeps giving every pair the levels it gave before it was made faster.

`levels_snapshot.json` holds, per set, the number of pairs and a digest of their level matrix, taken with the
comparisons as they were before the session that made them skip work (the levels computed only for the pairs
whose level depends on them, per-value steps once a run, the nickname table looked up in array operations, the
day/month swap in array operations): febrl3's and fake_1000's candidate pairs and a generated set's, each
record also beside its next rows (mostly strangers), so every level of every comparison is reached.

A failing set names how many pairs changed and the first few; rewrite the snapshot only for a change meant to
alter levels (a matching change, judged on the bench's generalization table):
`python -m tests.matchers.test_levels_snapshot --write`.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import cast

import numpy as np
import pytest

from identity_graph.resolve.scoring import comparisons_for
from identity_graph.settings import Settings
from matchers.comparisons import COMPARED_COLUMNS, PairContext, compare_all
from tests.matchers.test_distinct_pairs import _candidates, _generated
from tests.resolve.engines import fake_store, febrl_store

SNAPSHOT = Path(__file__).with_name("levels_snapshot.json")
SETS = ("febrl3", "fake_1000", "generated")


def _settings(name: str, tmp: Path) -> Settings:
    """The set loaded into a store of its own under `tmp`."""
    if name == "febrl3":
        return febrl_store("febrl3", None, tmp / "f.db")
    if name == "fake_1000":
        return fake_store(None, tmp / "k.db")
    return _generated(tmp)


def levels_of(name: str, tmp: Path, compared_only: bool = False) -> tuple[PairContext, np.ndarray]:
    """The set's pairs and their level matrix (one row per pair, one column per comparison); `compared_only`:
    compared on a table of COMPARED_COLUMNS alone."""
    settings = _settings(name, tmp)
    ctx = _candidates(settings)
    if not compared_only:
        return ctx, compare_all(comparisons_for(settings.matching), ctx)
    table = ctx.table.select(COMPARED_COLUMNS)  # what a worker process compares on
    return ctx, compare_all(comparisons_for(settings.matching), PairContext(table=table, li=ctx.li, ri=ctx.ri))


def digest(ctx: PairContext, levels: np.ndarray) -> dict[str, object]:
    """Pairs, comparisons and a digest of every pair's record ids and levels."""
    ids = np.stack([ctx.table.record_id[ctx.li], ctx.table.record_id[ctx.ri]], axis=1).astype(np.int64)
    rows = np.concatenate([ids, levels.astype(np.int64)], axis=1)
    order = np.lexsort((rows[:, 1], rows[:, 0]))
    return {
        "pairs": int(rows.shape[0]),
        "comparisons": int(levels.shape[1]),
        "sha256": hashlib.sha256(np.ascontiguousarray(rows[order]).tobytes()).hexdigest(),
        "per_comparison": [hashlib.sha256(levels[order, k].tobytes()).hexdigest()[:16] for k in range(levels.shape[1])],
    }


@pytest.mark.parametrize("compared_only", [False, True])
@pytest.mark.parametrize("name", SETS)
def test_levels_are_the_snapshot_s(name: str, compared_only: bool, tmp_path: Path) -> None:
    want = json.loads(SNAPSHOT.read_text(encoding="utf-8"))[name]
    ctx, levels = levels_of(name, tmp_path, compared_only)
    got = digest(ctx, levels)
    names = [c.name for c in comparisons_for(Settings().matching)]
    mine = cast(list[str], got["per_comparison"])
    changed = [n for n, a, b in zip(names, mine, want["per_comparison"], strict=True) if a != b]
    assert (got["pairs"], changed) == (want["pairs"], [])
    assert got["sha256"] == want["sha256"]


def write() -> None:
    """Take the snapshot with the code as it is now."""
    out = {}
    for name in SETS:
        with tempfile.TemporaryDirectory() as tmp:
            out[name] = digest(*levels_of(name, Path(tmp)))
    SNAPSHOT.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__" and "--write" in sys.argv:
    write()
