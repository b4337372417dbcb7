"""The real-time add's fast paths give what the array paths give: `birth_days` on a few keys without pandas,
and `name_typos` looking names up in an index built once."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from matchers.comparisons import name_typos
from matchers.dates import FEW_DATES, birth_days
from matchers.names import given_name_list


def _keys(n: int, seed: int) -> list[str]:
    """Date keys of every shape: real dates, impossible days, years pandas cannot hold, '' and junk."""
    rng = random.Random(seed)
    shapes = [
        lambda: f"{rng.randint(1900, 2030):04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
        lambda: f"{rng.randint(1000, 9999):04d}{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}",
        lambda: "",
        lambda: rng.choice(["1990-01-02", "1990010", "199001021", "abcdefgh", "٢٠٠١٠١٠١", "16770101", "22620412"]),
    ]
    return [rng.choice(shapes)() for _ in range(n)]


def test_a_few_keys_give_the_days_pandas_gives() -> None:
    keys = _keys(4_000, 11)
    whole = birth_days(np.array(keys, dtype=object))  # more than FEW_DATES: pandas converts them
    assert len(keys) > FEW_DATES and np.isfinite(whole).sum() > 1_000 and np.isnan(whole).sum() > 500
    for start in range(0, len(keys), 7):
        few = birth_days(np.array(keys[start : start + 7], dtype=object))
        np.testing.assert_array_equal(few, whole[start : start + 7])


def _typos_by_isin(a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """name_typos as it was written first (the known names looked up with `isin` on each call)."""
    from rapidfuzz.distance import OSA

    from matchers.comparisons import similarity
    from matchers.names import TYPO_MIN_LETTERS

    out = np.zeros(len(a), dtype=bool)
    idx = np.flatnonzero(mask)
    lengths_a = np.array([len(x) for x in a[idx]], dtype=int)
    lengths_b = np.array([len(x) for x in b[idx]], dtype=int)
    idx = idx[(lengths_a >= TYPO_MIN_LETTERS) & (lengths_b >= TYPO_MIN_LETTERS)]
    if idx.size:
        names = list(given_name_list())
        x, y = a[idx], b[idx]
        unknown = ~pd.Series(x).isin(names).to_numpy() | ~pd.Series(y).isin(names).to_numpy()
        out[idx] = (similarity(x, y, OSA.distance) <= 1) & unknown
    return out


def test_name_typos_look_names_up_as_before() -> None:
    rng = random.Random(5)
    known = sorted(given_name_list())
    left, right = [], []
    for _ in range(1_500):
        name = rng.choice(known)
        cut = rng.randrange(len(name))
        left.append(name)
        right.append(rng.choice([name, name[:cut] + name[cut + 1 :], name[:cut] + "x" + name[cut:], rng.choice(known)]))
    a = np.array(left, dtype=object)
    b = np.array(right, dtype=object)
    mask = np.array([rng.random() < 0.9 for _ in range(1_500)])
    got = name_typos(a, b, mask)
    assert got.sum() > 10
    np.testing.assert_array_equal(got, _typos_by_isin(a, b, mask))
    for start in range(0, 1_500, 5):  # a real-time add's few pairs
        np.testing.assert_array_equal(
            name_typos(a[start : start + 5], b[start : start + 5], mask[start : start + 5]),
            got[start : start + 5],
        )
