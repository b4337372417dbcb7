"""The array forms comparing uses give what their one-pair forms give: the day/month swap, the nickname test with
its table looked up first, similarity only where it is asked for, and a column's per-value results, worked out
once and again after the column changes."""

from __future__ import annotations

import itertools

import numpy as np
from rapidfuzz.distance import OSA

from matchers.comparisons import FAR, _pairwise_flags, nicknamed, similarity, similarity_at, word_heads
from matchers.dates import day_month_swaps, is_day_month_swap
from matchers.features import FeatureTable
from matchers.names import are_nicknames, nickname_groups

DATES = ["19800304", "19800403", "19800304", "19810403", "19801203", "19800312", "20011212", "", "1980034",
         "198003041", "19800430", "19800340"]  # fmt: skip


def _all_pairs(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair of the values, as two object arrays."""
    pairs = list(itertools.product(values, repeat=2))
    return np.array([a for a, _ in pairs], dtype=object), np.array([b for _, b in pairs], dtype=object)


def test_day_month_swaps_is_the_one_pair_test_on_every_pair() -> None:
    a, b = _all_pairs(DATES)
    want = np.array([is_day_month_swap(x, y) for x, y in zip(a, b, strict=True)])
    np.testing.assert_array_equal(day_month_swaps(a, b), want)
    assert want.sum() >= 4  # swaps are among them (both ways round), and a 9-character key is none


def test_nickname_flags_with_the_table_looked_up_first() -> None:
    known = sorted(nickname_groups())[:300:7]
    names = [*known, "bob", "robert", "rob", "liz", "elizabeth", "bill", "william", "zzyzx", "", "j"]
    a, b = _all_pairs(names)
    mask = np.ones(len(a), dtype=bool)
    mask[::5] = False
    got = _pairwise_flags(a, b, mask & nicknamed(a) & nicknamed(b), are_nicknames)
    want = np.array([m and are_nicknames(x, y) for x, y, m in zip(a, b, mask, strict=True)])
    np.testing.assert_array_equal(got, want)
    assert want.sum() > 0
    assert not nicknamed(np.array(["zzyzx", ""], dtype=object)).any()


def test_similarity_at_scores_only_the_rows_asked() -> None:
    a = np.array(["martha", "dwayne", "", "dixon", "kelly"], dtype=object)
    b = np.array(["marhta", "duane", "x", "dicksonx", "kelly"], dtype=object)
    rows = np.array([True, True, False, True, False])
    full = similarity(a, b, OSA.distance)
    got = similarity_at(a, b, rows, OSA.distance, FAR)
    np.testing.assert_array_equal(got[rows], full[rows])
    assert (got[~rows] == FAR).all()
    assert (similarity_at(a, b, rows)[~rows] == 0).all()


def test_per_value_is_worked_out_once_and_again_after_a_change() -> None:
    calls: list[int] = []

    def heads(values: np.ndarray) -> tuple[np.ndarray, ...]:
        calls.append(len(values))
        return word_heads(values)

    streets = np.array(["14 lake cres", "14 lake cres", "", "9 main st north"], dtype=object)
    table = FeatureTable(record_id=np.arange(4, dtype=np.int64), kind=np.array(["a"] * 4, dtype=object),
                         columns={"street": streets})  # fmt: skip
    first, count = table.per_value("street", heads)
    assert first.tolist() == ["14", "14", "", "9"] and count.tolist() == [3, 3, 0, 4]
    assert table.per_value("street", heads)[0] is first and calls == [3]  # three distinct values, once
    table.col("street")[2] = "2 high st"
    table.changed()
    assert table.per_value("street", heads)[0].tolist() == ["14", "14", "2", "9"]
    table.columns["street"] = np.array(["a b", "a b", "a b", "c"], dtype=object)  # a new array: worked out again
    assert table.per_value("street", heads)[1].tolist() == [2, 2, 2, 1]
    assert calls == [3, 3, 2]
