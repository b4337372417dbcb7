"""The plan's input tables (see `plan.sql`), one row per record or per record-key, as Arrow tables.

They come from today's per-record steps (features, keys, identifier statistics, representatives), so the
pairs the plan's SQL finds are the pairs `pipeline.candidate_pairs` finds: the same keys, the same block
sizes, the same sorted-neighbourhood order.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]

from identity_graph.resolve.batch import BatchState
from identity_graph.resolve.identifiers import identifier_blocks
from identity_graph.settings import MatchingSettings
from matchers.features import IntArray

#: The `kpass` of the passes blocked as one namespace.
USER_PASS, NEAR_PASS = "user_names", "near_id"


def _int_table(**columns: IntArray) -> pa.Table:
    """An Arrow table of int64 columns."""
    return pa.table({name: pa.array(np.asarray(v, dtype=np.int64), type=pa.int64()) for name, v in columns.items()})


KEY_SCHEMA = pa.schema([("kpass", pa.string()), ("k", pa.string()), ("r", pa.int64())])


#: (key, record_id): the blocking keys the store keeps for real-time lookups (`pipeline.keys_for_store`).
STORED_SCHEMA = pa.schema([("key", pa.string()), ("record_id", pa.int64())])


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
    """The plan's input tables by name, but `keys` (`key_arrays.append_keys`: streamed a slice at a time)."""
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
