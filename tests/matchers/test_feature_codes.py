"""`FeatureTable.codes` (what `compare_all` groups pairs by) gives equal codes to rows of equal values only: after a
column's array is replaced by another (even one Python puts where the old one was), and with missing values."""

from __future__ import annotations

import pickle

import numpy as np

from matchers.features import FeatureTable, StrArray


def _objects(*values: object) -> StrArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def test_codes_follow_a_column_replaced_by_a_new_array() -> None:
    for _ in range(20):  # a freed array's address is often the next one's (an id alone would not tell them apart)
        table = FeatureTable(
            record_id=np.arange(4, dtype=np.int64),
            kind=_objects("contact", "contact", "contact", "contact"),
            columns={"city": _objects("perth", "perth", "york", "york")},
        )
        assert table.codes(("city",)).tolist() == [0, 0, 1, 1]
        del table.columns["city"]
        table.columns["city"] = _objects("a", "b", "c", "d")
        assert len(set(table.codes(("city",)).tolist())) == 4


def test_codes_tell_missing_values_apart_from_others() -> None:
    table = FeatureTable(
        record_id=np.arange(3, dtype=np.int64),
        kind=_objects("contact", "contact", "contact"),
        columns={"first": _objects("p", "q", "p"), "last": _objects("y", None, "x")},
    )
    codes = table.codes(("first", "last"))
    assert len(set(codes.tolist())) == 3, codes


def test_a_table_with_codes_pickles_and_codes_again() -> None:
    table = FeatureTable(
        record_id=np.arange(3, dtype=np.int64),
        kind=_objects("contact", "contact", "contact"),
        columns={"city": _objects("perth", "york", "perth")},
    )
    table.codes(("city",))
    copy = pickle.loads(pickle.dumps(table))  # as a Spark executor gets it inside `LevelMaker`
    assert copy.codes(("city",)).tolist() == [0, 1, 0]


def test_a_pickled_table_is_its_distinct_values_and_comes_back_the_same() -> None:
    rows = 3000
    words = ["perth", "york", ""]
    cities = _objects(*("".join(list(words[i % 3])) for i in range(rows)))  # equal values, distinct objects
    table = FeatureTable(record_id=np.arange(rows, dtype=np.int64), kind=np.full(rows, "contact", dtype=object),
                         columns={"city": cities, "none": np.full(rows, "", dtype=object)})  # fmt: skip
    table.codes(("city",))  # a cache: not pickled
    data = pickle.dumps(table)
    back = pickle.loads(data)
    assert back.record_id.tolist() == table.record_id.tolist() and back.kind.tolist() == table.kind.tolist()
    assert all(back.col(n).tolist() == table.col(n).tolist() for n in table.columns)
    assert back.col("city").dtype == object and back._codes == {}
    assert back.col("none").strides == (0,) and back.col("none")[[0, 5]].tolist() == ["", ""]  # no slot a row
    assert len({id(v) for v in back.col("city")}) == 3  # each distinct value held once
    plain = pickle.dumps([table.record_id, *table.columns.values(), table.kind])
    assert len(data) < len(plain)  # each value once, not once a row
