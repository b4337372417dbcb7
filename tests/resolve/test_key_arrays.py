"""The plan's keys made a column at a time (`plan.key_arrays`) are `blocking.record_keys`' keys: every pass's
non-empty keys at the same rows, the same key-table rows (`key_reference.key_batches`) and the same stored keys
(`key_reference.stored_batch`), on a generated multi-channel set and on rows made to reach every rule's edges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pytest

from identity_graph.generate import generate
from identity_graph.resolve.blocking import STORED_KEYS, record_keys
from identity_graph.resolve.features import READ_BATCH, build_features
from identity_graph.resolve.plan.engine import open_engine
from identity_graph.resolve.plan.key_arrays import append_keys, pass_batches, per_distinct, sparse_keys, stored_keys
from identity_graph.resolve.plan.key_fill import KeyFill
from identity_graph.resolve.plan.tables import KEY_SCHEMA
from identity_graph.store import open_store
from matchers.features import FeatureRow, FeatureTable
from tests.resolve.engines import load_generated
from tests.resolve.key_reference import key_batches, stored_batch

OFFSET = 1_000


def _edge_rows() -> FeatureTable:
    """Rows at the edges of each key rule: accents, one-letter and swapped names, nicknames, flat-word-only and
    `#` streets, a postcode or only a city, user names either side of MIN_USER_KEY, short and long ids, an
    official id in a later column only."""
    rows = [
        FeatureRow(1, "contact", first="zoë", last="müller", dob="19800101", street="12 hauptstraße", city="köln",
                   postcode="50667", user_handle="zoemuller", crm="crm:sf:003A01"),
        FeatureRow(2, "contact", first="bob", last="robert", dob="19800101", street="apt 5", city="reno",
                   user_email="bobrobert", national_id="ssn:123456789"),
        FeatureRow(3, "contact", first="robert", last="bob", street="# 11 main st", postcode="89501",
                   user_handle="shortie", passport="pp:X12345678901234"),
        FeatureRow(4, "contact", first="a", last="b", street="main st", city="reno", dl="dl:nv:99", account="acct:1"),
        FeatureRow(5, "contact", first="al", last="li", dob="", street="", city="", postcode="2000"),
        FeatureRow(6, "contact", first="", last="nakamura", dob="19991231", street="7 unit ste flat", city="x",
                   crm="crm:hubspot:12345678901234567", tax_id="tin:77"),
        FeatureRow(7, "call_party", first="jürgen", last="o", street="1", postcode="", city="ulm"),
        FeatureRow(8, "contact"),
        FeatureRow(9, "contact", first="ann", last="ann", dob="20000229", street="9 elm", postcode="1",
                   user_email="annannann", crm="crm:x:1"),
    ]  # fmt: skip
    return FeatureTable.from_rows(rows)


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[FeatureTable, Path]:
    """A generated set (CRM, calls, mail, social; identifiers of every kind): its store and feature table."""
    tmp = tmp_path_factory.mktemp("key_arrays")
    generate(tmp / "data", 120, 18, overwrite=True)
    settings = load_generated(tmp / "data", tmp / "store.db")
    store = open_store(settings.db)
    try:
        return build_features(store.iter_records(READ_BATCH), learn=True)[0], Path(settings.db)
    finally:
        store.close()


@pytest.fixture(scope="module")
def generated(generated_store: tuple[FeatureTable, Path]) -> FeatureTable:
    """The generated set's feature table."""
    return generated_store[0]


def _tables(generated: FeatureTable) -> list[FeatureTable]:
    return [_edge_rows(), generated, generated.take(np.arange(0, len(generated), 3, dtype=np.int64))]


def test_per_distinct_is_the_function_of_each_value() -> None:
    values = np.array(["b", "a", "b", "", "c"], dtype=object)
    calls: list[str] = []

    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    assert per_distinct(values, upper).tolist() == ["B", "A", "B", "", "C"]
    assert sorted(calls) == ["", "a", "b", "c"]  # once per distinct value
    assert per_distinct(np.empty(0, dtype=object), upper).tolist() == []


def test_every_pass_as_record_keys(generated: FeatureTable) -> None:
    for table in _tables(generated):
        expected = record_keys(table)
        made = sparse_keys(table)
        assert set(STORED_KEYS) <= made.keys()
        for name in STORED_KEYS:
            column = np.asarray(expected[name], dtype=object)
            rows = np.flatnonzero(column != "")
            assert made[name][0].tolist() == rows.tolist(), name
            assert made[name][1].to_pylist() == column[rows].tolist(), name
    held = {name for name in STORED_KEYS if len(sparse_keys(_edge_rows())[name][0])}
    assert {"residence", "user_name", "user_handle", "full_name", "near_id_whole", "near_official_whole"} <= held


def test_key_table_and_stored_keys_as_before(generated: FeatureTable) -> None:
    for table in _tables(generated):
        expected = record_keys(table)
        made = sparse_keys(table)
        before = pa.Table.from_batches(list(key_batches(expected, OFFSET)), schema=KEY_SCHEMA)
        after = pa.Table.from_batches(list(pass_batches(made, OFFSET)), schema=KEY_SCHEMA)
        assert after.to_pylist() == before.to_pylist()
        assert stored_keys(table.record_id, made).to_pylist() == stored_batch(table.record_id, expected).to_pylist()


def test_no_rows() -> None:
    empty = FeatureTable.from_rows([])
    made = sparse_keys(empty)
    assert all(len(rows) == 0 and len(keys) == 0 for rows, keys in made.values())
    assert sum(b.num_rows for b in pass_batches(made, 0)) == 0
    assert stored_keys(empty.record_id, made).num_rows == 0


def _written(table: FeatureTable, rows: int, db: Path, *, old: bool) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """The engine's key rows (in their order) and the store's keys once filled, written the old way (a row list
    per pass, `key_batches`, `stored_batch`) or by `append_keys`, `rows` rows a slice."""
    engine, fill, store = open_engine("duckdb"), KeyFill(), open_store(db)
    try:
        if old:
            for start in range(0, max(len(table), 1), rows):
                part = table.take(np.arange(start, min(start + rows, len(table)), dtype=np.int64))
                keys = record_keys(part)
                for batch in key_batches(keys, start):
                    engine.append("keys", batch)
                fill.add(stored_batch(part.record_id, keys))
            engine.finish("keys", KEY_SCHEMA)
        else:
            append_keys(engine, table, rows, fill)
        in_engine = [tuple(r) for r in engine.rows("SELECT kpass, k, r FROM keys")]
        fill.start(store)
        fill.finish()
        stored = store._conn().execute("SELECT key, record_id FROM blocking_keys ORDER BY record_id, key").fetchall()
        return in_engine, stored
    finally:
        fill.close()
        engine.close()
        store.close()


@pytest.mark.parametrize("rows", [7, 50, 10_000])
def test_append_keys_writes_what_the_old_loop_wrote(generated_store: tuple[FeatureTable, Path], rows: int) -> None:
    table, db = generated_store
    new_engine, new_stored = _written(table, rows, db, old=False)
    old_engine, old_stored = _written(table, rows, db, old=True)
    assert new_engine == old_engine and len(new_engine) > 100
    assert new_stored == old_stored and len(new_stored) > 100


def test_append_keys_of_no_rows(tmp_path: Path) -> None:
    assert _written(FeatureTable.from_rows([]), 10, tmp_path / "empty.db", old=False) == ([], [])


def test_append_keys_raises_what_the_writing_raised(generated: FeatureTable, tmp_path: Path) -> None:
    engine, fill, store = open_engine("duckdb"), KeyFill(), open_store(tmp_path / "empty.db")
    try:
        fill.start(store)  # a fill no longer taking keys: its `add` fails on the writing thread
        fill.finish()
        with pytest.raises(AssertionError, match="add after start"):
            append_keys(engine, generated, 50, fill)
    finally:
        fill.close()
        engine.close()
        store.close()
