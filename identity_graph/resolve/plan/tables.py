"""The plan's input tables (see `plan.sql`), one row per record or per record-key, as Arrow tables.

They come from today's per-record steps (features, keys, identifier statistics, representatives), so the
pairs the plan's SQL finds are the pairs `pipeline.candidate_pairs` finds: the same keys, the same block
sizes, the same sorted-neighbourhood order.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

from identity_graph.resolve.batch import BatchState
from identity_graph.resolve.blocking import KEY_PASSES, STORED_KEYS, USER_KEYS, near_key_lists
from identity_graph.resolve.identifiers import identifier_blocks
from identity_graph.settings import MatchingSettings
from matchers.features import IntArray

#: The `kpass` of the passes blocked as one namespace.
USER_PASS, NEAR_PASS = "user_names", "near_id"


def _int_table(**columns: IntArray) -> pa.Table:
    """An Arrow table of int64 columns."""
    return pa.table({name: pa.array(np.asarray(v, dtype=np.int64), type=pa.int64()) for name, v in columns.items()})


KEY_SCHEMA = pa.schema([("kpass", pa.string()), ("k", pa.string()), ("r", pa.int64())])


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


#: (key, record_id): the blocking keys the store keeps for real-time lookups (`pipeline.keys_for_store`).
STORED_SCHEMA = pa.schema([("key", pa.string()), ("record_id", pa.int64())])


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


def sn_order(st: BatchState) -> IntArray:
    """The representatives with a surname in sorted-neighbourhood order (`blocking.sorted_neighbourhood`'s)."""
    rows = st.reps.rows
    table = st.table
    last, first, content = table.col("last")[rows], table.col("first")[rows], table.col("signature")[rows]
    named = np.flatnonzero(last != "")
    order = named[np.lexsort((content[named].astype(str), first[named].astype(str), last[named].astype(str)))]
    out: IntArray = rows[order].astype(np.int64)
    return out


def input_tables(st: BatchState, ms: MatchingSettings) -> dict[str, pa.Table]:
    """The plan's input tables by name, but `keys` (`key_batches`: streamed a pass at a time)."""
    rows = st.reps.rows
    mask = np.zeros(len(st.table), dtype=bool)
    mask[rows] = True
    codes, pos = identifier_blocks(st.postings, st.stats, mask, ms.shared_identifier_persons)
    ordered = sn_order(st) if rows.size >= 2 else np.zeros(0, dtype=np.int64)
    window = ms.sorted_neighbourhood_window
    return {
        "reps": _int_table(r=rows),
        "ident": _int_table(code=codes, pos=pos),
        "sn": _int_table(r=ordered, sn_pos=np.arange(ordered.size)),
        "dups": _int_table(li=st.reps.li, ri=st.reps.ri),
        "steps": _int_table(step=np.arange(1, max(window, 1))),
    }
