"""Features built on a worker process (`resolve.feature_workers`) are the ones built on one core: the same table,
postings and, through a whole plan run, the same edges, keys and persons; and the store's range read gives the
records `iter_records` gives."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from identity_graph.generate import generate
from identity_graph.model import StoredRecord
from identity_graph.resolve import feature_workers as fw
from identity_graph.resolve.features import READ_BATCH, Postings, build_features
from identity_graph.resolve.plan.worker import WorkerError
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from identity_graph.store.sqlite_read import AddressFields, RecordFields, record_fields_in_range
from matchers.features import FeatureTable
from tests.resolve.conftest import call, load, person
from tests.resolve.engines import differences, load_generated, resolved

PEOPLE, SEED = 150, 18
#: Records per job here: a prime, so the set runs in many ranges (and ranges end mid-person).
SMALL_JOB = 97


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated multi-channel set (CRM, calls, mail, social; identifiers of every kind)."""
    folder = tmp_path_factory.mktemp("feature_workers") / "data"
    generate(folder, PEOPLE, SEED, overwrite=True)
    return folder


@pytest.fixture(scope="module")
def generated(data: Path) -> Settings:
    """The generated set in a store."""
    return load_generated(data, data.parent / "store.db")


def _same(a: tuple[FeatureTable, Postings], b: tuple[FeatureTable, Postings]) -> None:
    (ta, pa), (tb, pb) = a, b
    assert ta.record_id.tolist() == tb.record_id.tolist()
    assert ta.kind.tolist() == tb.kind.tolist()
    assert ta.columns.keys() == tb.columns.keys()
    for name in ta.columns:
        assert ta.col(name).tolist() == tb.col(name).tolist(), name
    for name in ("pos", "ident", "kind", "declared", "home"):
        left, right = getattr(pa, name), getattr(pb, name)
        assert left.dtype == right.dtype and left.tolist() == right.tolist(), name


def test_feature_workers_by_size_and_cores() -> None:
    assert fw.feature_workers(fw.FEATURE_MIN_RECORDS - 1, cores=8) == 0
    assert fw.feature_workers(fw.FEATURE_MIN_RECORDS, cores=1) == 0
    assert fw.feature_workers(fw.FEATURE_MIN_RECORDS, cores=2) == 1
    assert fw.feature_workers(10**7, cores=64) == fw.MAX_FEATURE_WORKERS


def test_id_ranges_cover_every_id_once() -> None:
    ids = [3, 4, 9, 10, 11, 40, 41]
    assert fw.id_ranges(ids, 3) == [(3, 9), (10, 40), (41, fw.LAST_ID)]
    assert fw.id_ranges(ids, 100) == [(3, fw.LAST_ID)]
    covered = [i for i in ids for low, high in fw.id_ranges(ids, 2) if low <= i <= high]
    assert covered == ids


def _fields(r: StoredRecord) -> RecordFields:
    """The RecordFields of a StoredRecord."""
    a = r.address
    where = AddressFields(a.street, a.city, a.state, a.postal_code, a.country, a.full)
    return RecordFields(r.id, r.source_id, r.kind, r.first_name, r.middle_name, r.last_name, r.full_name, r.dob,
                        where, r.attributes, r.claimed)  # fmt: skip


def test_record_fields_in_range_as_iter_records(generated: Settings) -> None:
    store = open_store(generated.db)
    try:
        every = [r for batch in store.iter_records(READ_BATCH) for r in batch]
        assert any(r.claimed for r in every) and any(r.dob for r in every) and any(r.attributes for r in every)
        ids = [r.id for r in every]
        conn = store._conn()
        assert record_fields_in_range(conn, ids[10], ids[60]) == [_fields(r) for r in every[10:61]]
        assert record_fields_in_range(conn, ids[0], fw.LAST_ID) == [_fields(r) for r in every]
        assert record_fields_in_range(conn, ids[-1] + 1, fw.LAST_ID) == []
    finally:
        store.close()


@pytest.mark.parametrize("learn", [True, False])
def test_built_in_workers_as_on_one_core(generated: Settings, learn: bool) -> None:
    store = open_store(generated.db)
    try:
        known = frozenset({"given:zoltan", "john smith"})
        alone = build_features(store.iter_records(READ_BATCH), known, learn=learn)
        path = fw.parallel_store(store)
        assert path is not None
        seen: list[int] = []
        both = fw.build_features_in_workers(store, path, known, 1, seen.append, learn=learn, job=SMALL_JOB)
        _same(both, alone)
        assert sum(seen) == len(alone[0]) and len(seen) > 2
        assert len(both[1]) > 0 and np.unique(both[1].kind).size > 2  # identifiers of several kinds
    finally:
        store.close()


def test_jobs_done_by_workers_alone_as_here(generated: Settings) -> None:
    store = open_store(generated.db)
    try:
        path = fw.parallel_store(store)
        assert path is not None
        jobs = fw.id_ranges(store.record_ids(), SMALL_JOB)
        assert len(jobs) > 3
        work = fw.RangeFeatures(path, frozenset())
        here = [work(job) for job in jobs]
        for workers in (1, 2):
            there = fw.shared_out(work, jobs, workers, here=False)  # every part pickled back from a worker
            assert len(there) == len(jobs)
            for a, b in zip(there, here, strict=True):
                _same((a.table, a.postings), (b.table, b.postings))
        work.close()
    finally:
        store.close()


def test_a_part_pickles_as_plain_writable_arrays(generated: Settings) -> None:
    store = open_store(generated.db)
    try:
        part = fw.RangeFeatures(Path(generated.db), frozenset())((0, fw.LAST_ID))
    finally:
        store.close()
    back = pickle.loads(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
    _same((back.table, back.postings), (part.table, part.postings))
    assert all(column.flags.writeable for column in back.table.columns.values())  # forget_unknown_callers writes
    assert (part.table.col("email") == "").any()


def test_a_failing_worker_is_reported(generated: Settings, tmp_path: Path) -> None:
    work = fw.RangeFeatures(tmp_path / "no-such-store.db", frozenset())
    with pytest.raises(WorkerError, match=r"a worker process \(building features\) failed: .*unable to open"):
        fw.shared_out(work, [(1, 10), (11, fw.LAST_ID)], 1, here=False)


def test_record_fields_batches_as_iter_records(generated: Settings) -> None:
    store = open_store(generated.db)
    try:
        fields = list(store.iter_record_fields(SMALL_JOB))
        records = list(store.iter_records(SMALL_JOB))
        assert [len(b) for b in fields] == [len(b) for b in records] and len(fields) > 2
        assert [f for b in fields for f in b] == [_fields(r) for b in records for r in b]
        _same(build_features(fields, learn=True), build_features(records, learn=True))
    finally:
        store.close()


def test_record_fields_see_the_callers_transaction(store: SQLiteStore, settings: Settings) -> None:
    with store.transaction():
        ids = load(store, [person("c1", "Ana", "Lima"), call("k1", "(504) 555-0101", "LIMA ANA")], settings,
                   model=False)  # fmt: skip
        seen = [f.id for batch in store.iter_record_fields() for f in batch]
    assert seen == ids


def test_no_workers_inside_a_transaction(generated: Settings) -> None:
    store = open_store(generated.db)
    try:
        with store.transaction():
            assert fw.parallel_store(store) is None  # a worker would not see this thread's uncommitted rows
        assert fw.parallel_store(store) == Path(generated.db)
    finally:
        store.close()


def test_plan_with_feature_workers_gives_the_same_answer(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = resolved(load_generated(data, tmp_path / "alone.db"), "duckdb")
    monkeypatch.setattr(fw, "FEATURE_MIN_RECORDS", 0)
    monkeypatch.setattr(fw, "FEATURE_JOB", SMALL_JOB)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    runs: list[int] = []
    built = fw.build_features_in_workers

    def counted(*args: Any, **kwargs: Any) -> tuple[FeatureTable, Postings]:
        runs.append(1)
        return built(*args, **kwargs)

    monkeypatch.setattr(fw, "build_features_in_workers", counted)
    both = resolved(load_generated(data, tmp_path / "both.db"), "duckdb")
    assert runs == [1]
    assert not differences(alone, both)
