"""The plan's blocking-key rows made the first way, a row's keys from `blocking.record_keys` and a pass at a time
through pandas: the reference `plan/key_arrays.py` (the plan's own, a column at a time) is held to by tests."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

from identity_graph.resolve.blocking import KEY_PASSES, STORED_KEYS, USER_KEYS, near_key_lists
from identity_graph.resolve.plan.tables import KEY_SCHEMA, NEAR_PASS, STORED_SCHEMA, USER_PASS
from matchers.features import IntArray


def _one_key_list(name: str, keys: list[str], offset: int) -> pd.DataFrame:
    """(kpass, k, r) of one pass's non-empty keys (rows counted from `offset`)."""
    values = np.asarray(keys, dtype=object)
    rows = np.flatnonzero(values != "")
    return pd.DataFrame({"kpass": name, "k": values[rows], "r": rows.astype(np.int64) + offset})


def _namespace(name: str, lists: list[list[str]], offset: int) -> pd.DataFrame:
    """(kpass, k, r) of several key lists blocked as one namespace, each (key, record) once."""
    frame = pd.concat([_one_key_list(name, keys, offset) for keys in lists], ignore_index=True)
    return frame.drop_duplicates(["k", "r"])


def key_batches(keys: dict[str, list[str]], offset: int = 0) -> Iterator[pa.RecordBatch]:
    """The non-empty blocking keys of some rows (the first at `offset`), a pass (or a namespace of passes) at a
    time: one `kpass` per key pass, one per namespace. Each (key, row) of a namespace is once in its rows, and
    a row is in one slice only, so slices of rows give the keys of all rows."""
    passes = [(name, [keys[name]]) for name in KEY_PASSES]
    passes += [(USER_PASS, [keys[name] for name in USER_KEYS]), (NEAR_PASS, near_key_lists(keys))]
    for name, lists in passes:
        frame = _one_key_list(name, lists[0], offset) if len(lists) == 1 else _namespace(name, lists, offset)
        yield from pa.Table.from_pandas(frame, schema=KEY_SCHEMA, preserve_index=False).to_batches()


def stored_batch(record_ids: IntArray, keys: dict[str, list[str]]) -> pa.RecordBatch:
    """The (key, record_id) rows `pipeline.keys_for_store` gives for these rows' keys, as one Arrow batch."""
    values, ids = [], []
    for name in STORED_KEYS:
        column = np.asarray(keys[name], dtype=object)
        rows = np.flatnonzero(column != "")
        values.append(column[rows])
        ids.append(record_ids[rows])
    key = pa.array(np.concatenate(values) if values else [], type=pa.string())
    return pa.RecordBatch.from_arrays([key, pa.array(np.concatenate(ids), type=pa.int64())], schema=STORED_SCHEMA)
