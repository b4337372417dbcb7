"""`blocking.record_keys` as the plan takes it: for each key pass, the rows that hold a key and their keys as one
Arrow array, made a column at a time (Arrow's string kernels, and each distinct name or street worked out once)
rather than a Python string per row and pass. The same keys as `record_keys` (tests/resolve/test_key_arrays.py),
without the empty ones: the plan's key table and the store's keys hold only keys that are there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from identity_graph.resolve.blocking import (
    KEY_PASSES,
    MIN_USER_KEY,
    NEAR_ID_KEYS,
    NEAR_OFFICIAL_COLUMNS,
    NEAR_OFFICIAL_KEYS,
    STORED_KEYS,
    USER_KEYS,
    house_number,
    near_id_keys,
    phonetic,
    phonetic_canonical,
)
from identity_graph.resolve.identifiers import UNIT_WORDS
from identity_graph.resolve.plan.engine import Engine
from identity_graph.resolve.plan.key_fill import KeyFill
from identity_graph.resolve.plan.tables import KEY_SCHEMA, NEAR_PASS, STORED_SCHEMA, USER_PASS
from matchers.features import FeatureTable, IntArray, StrArray

#: One pass's keys: the rows (ascending positions in the table) that hold one, and their keys.
PassKeys = tuple[IntArray, pa.Array]
#: Every pass's keys (STORED_KEYS and the namespaces' passes), by pass name.
SparseKeys = dict[str, PassKeys]


def per_distinct(values: StrArray, fn: Callable[[str], str]) -> StrArray:
    """`fn` of every value, worked out once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [fn(str(u)) for u in uniques]
    out: StrArray = mapped[codes] if len(codes) else np.empty(0, dtype=object)
    return out


def _strings(values: StrArray) -> pa.Array:
    """An Arrow string array of these strings."""
    return pa.array(values, type=pa.string())


def _rows(mask: pa.Array) -> IntArray:
    """The positions where a boolean Arrow array is true."""
    return np.flatnonzero(np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)).astype(np.int64)


def _pair(tag: str, a: pa.Array, b: pa.Array) -> PassKeys:
    """`tag:a:b` where both are non-empty (`record_keys`' `key`)."""
    has = pc.and_(pc.not_equal(a, ""), pc.not_equal(b, ""))
    return _rows(has), pc.binary_join_element_wise(tag, a.filter(has), b.filter(has), ":")


def _prefixed(prefix: str, values: pa.Array, has: pa.Array) -> PassKeys:
    """`prefix` + the value, where `has`."""
    return _rows(has), pc.binary_join_element_wise(prefix, values.filter(has), "")


def _near(names: tuple[str, ...], rows: IntArray, ids: list[str]) -> SparseKeys:
    """`blocking.near_id_keys` of the ids at these rows, each name's non-empty keys."""
    made = near_id_keys(ids, names)
    out: SparseKeys = {}
    for name in names:
        keys = np.asarray(made[name], dtype=object)
        held = keys != ""
        out[name] = rows[held], _strings(keys[held])
    return out


def _official(table: FeatureTable) -> SparseKeys:
    """NEAR_OFFICIAL_KEYS of the rows with an official id (the first of NEAR_OFFICIAL_COLUMNS that has one)."""
    columns = [table.col(kind) for kind in NEAR_OFFICIAL_COLUMNS]
    rows = np.flatnonzero(np.logical_or.reduce([c != "" for c in columns])).astype(np.int64)
    first = [next(f"{kind}:{c[i]}" for kind, c in zip(NEAR_OFFICIAL_COLUMNS, columns, strict=True) if c[i])
             for i in rows]  # fmt: skip
    return _near(NEAR_OFFICIAL_KEYS, rows, first)


def _home(street: str) -> str:
    """A street line without its flat words (`identifiers.residence_keys`')."""
    return " ".join(w for w in street.replace("#", " ").split() if w not in UNIT_WORDS)


def sparse_keys(table: FeatureTable) -> SparseKeys:
    """Every pass's keys of these rows (the non-empty ones of `blocking.record_keys`, in row order)."""
    first, last, street = (table.col(c) for c in ("first", "last", "street"))
    p_first = _strings(per_distinct(first, phonetic_canonical))
    p_last = _strings(per_distinct(last, phonetic))
    p_canon = _strings(per_distinct(last, phonetic_canonical))
    dob, post, city, road = (_strings(table.col(c)) for c in ("dob", "postcode", "city", "street"))
    number = _strings(per_distinct(street, house_number))
    full = pc.if_else(pc.less_equal(p_first, p_canon), pc.binary_join_element_wise(p_first, p_canon, "|"),
                      pc.binary_join_element_wise(p_canon, p_first, "|"))  # fmt: skip
    full = pc.if_else(pc.and_(pc.not_equal(p_first, ""), pc.not_equal(p_canon, "")), full, "")
    keys: SparseKeys = {
        "name_dob": _pair("nd", p_last, dob),
        "name_postcode": _pair("np", p_last, post),
        "name_city": _pair("nc", p_last, city),
        "first_dob": _pair("fd", p_first, dob),
        "full_name": _pair("nn", full, full),
        "last_street": _pair("ls", p_last, road),
        "dob_postcode": _pair("dp", dob, post),
        "dob_street": _pair("ds", dob, road),
        "first_street": _pair("fs", p_first, road),
        "first_postcode": _pair("fp", p_first, post),
        "last_number": _pair("ln", p_last, number),
    }
    for name in ("user_handle", "user_email"):
        user = _strings(table.col(name))
        keys[name] = _prefixed("u:", user, pc.greater_equal(pc.utf8_length(user), MIN_USER_KEY))
    f, x = _strings(first), _strings(last)
    lf, lx = pc.utf8_length(f), pc.utf8_length(x)
    named = pc.and_(pc.and_(pc.greater(lf, 0), pc.greater(lx, 1)), pc.greater_equal(pc.add(lf, lx), MIN_USER_KEY))
    keys["user_name"] = _rows(named), pc.binary_join_element_wise("u:", f.filter(named), x.filter(named), "")
    crm = table.col("crm")
    crm_rows = np.flatnonzero(crm != "").astype(np.int64)
    keys |= _near(NEAR_ID_KEYS, crm_rows, [str(v) for v in crm[crm_rows]])
    keys |= _official(table)
    place = pc.if_else(pc.not_equal(post, ""), post, city)
    home = _strings(per_distinct(street, _home))
    at = pc.and_(pc.not_equal(road, ""), pc.not_equal(place, ""))
    keys["residence"] = _rows(at), pc.binary_join_element_wise("r:", home.filter(at), "|", place.filter(at), "")
    return keys


def _batch(name: str, keys: pa.Array, rows: IntArray) -> pa.RecordBatch:
    """(kpass, k, r) rows of one pass."""
    kpass = pa.nulls(len(keys), pa.string()).fill_null(name)
    return pa.RecordBatch.from_arrays([kpass, keys, pa.array(rows, type=pa.int64())], schema=KEY_SCHEMA)


def _namespace(name: str, passes: tuple[str, ...], keys: SparseKeys, offset: int) -> pa.RecordBatch:
    """(kpass, k, r) of several passes blocked as one namespace, each (key, record) once (its first)."""
    values = pa.concat_arrays([keys[p][1] for p in passes])
    rows = np.concatenate([keys[p][0] for p in passes]) + offset
    frame = pd.DataFrame({"k": values.to_numpy(zero_copy_only=False), "r": rows}).drop_duplicates(["k", "r"])
    kept = frame.index.to_numpy()
    return _batch(name, values.take(kept), rows[kept])


def pass_batches(keys: SparseKeys, offset: int) -> Iterator[pa.RecordBatch]:
    """The plan's key rows of some rows (the first at `offset`): one `kpass` per key pass, one per namespace
    (USER_PASS: USER_KEYS; NEAR_PASS: the CRM and official ids' deletion keys), the keys a row's `record_keys`
    gives (tests: `key_reference.key_batches`)."""
    for name in KEY_PASSES:
        rows, values = keys[name]
        yield _batch(name, values, rows + offset)
    yield _namespace(USER_PASS, USER_KEYS, keys, offset)
    yield _namespace(NEAR_PASS, (*NEAR_ID_KEYS, *NEAR_OFFICIAL_KEYS), keys, offset)


def stored_keys(record_ids: IntArray, keys: SparseKeys) -> pa.RecordBatch:
    """The (key, record_id) rows the store keeps (STORED_KEYS) of these rows, as `pipeline.keys_for_store` gives
    them."""
    values = pa.concat_arrays([keys[name][1] for name in STORED_KEYS])
    ids = np.concatenate([record_ids[keys[name][0]] for name in STORED_KEYS])
    return pa.RecordBatch.from_arrays([values, pa.array(ids, type=pa.int64())], schema=STORED_SCHEMA)


#: The feature columns keys are made of (a slice of the table carries only these).
KEY_COLUMNS = ("first", "last", "street", "dob", "postcode", "city", "user_handle", "user_email", "crm",
               *NEAR_OFFICIAL_COLUMNS)  # fmt: skip


def key_slice(table: FeatureTable, start: int, stop: int) -> FeatureTable:
    """Rows `start` to `stop` of the table, with the columns keys are made of only."""
    return table.select(KEY_COLUMNS).take(np.arange(start, stop, dtype=np.int64))


def append_keys(engine: Engine, table: FeatureTable, rows: int, fill: KeyFill) -> None:
    """Every row's keys, `rows` rows at a time: the plan's into the engine's `keys` table (`pass_batches`), the
    store's to `fill` (`stored_keys`); then the engine's table is complete (`Engine.finish`). A slice's keys
    are written while the next slice's are made, the engine's and the fill's each on a thread of its own
    (DuckDB's insert, the fill's sort and Parquet: none holds the interpreter lock), one slice in flight on
    each, slices in order."""
    n = len(table)
    with ThreadPoolExecutor(2, thread_name_prefix="idgraph-keys") as pool:
        writing: list[Future[None]] = []
        try:
            for start in range(0, max(n, 1), rows):  # an empty table too: its empty batches make the tables
                part = key_slice(table, start, min(start + rows, n))
                keys = sparse_keys(part)
                batches, stored = list(pass_batches(keys, start)), stored_keys(part.record_id, keys)
                for done in writing:
                    done.result()
                writing = [pool.submit(_append, engine, batches), pool.submit(fill.add, stored)]
            for done in writing:
                done.result()
        finally:
            wait(writing)  # failing: a slice being written is not left writing under the caller
    engine.finish("keys", KEY_SCHEMA)


def _append(engine: Engine, batches: list[pa.RecordBatch]) -> None:
    """One slice's key rows into the engine's `keys` table."""
    for batch in batches:
        engine.append("keys", batch)
