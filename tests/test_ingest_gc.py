"""The ingest pipeline gathers and writes each batch with the cyclic GC paused, and always turns it back on."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from identity_graph.ingest import IngestResult, ingest_items
from identity_graph.model import SourceItem
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from tests.factories import record


def _small_batches(settings: Settings) -> Settings:
    return settings.model_copy(update={"ingest": settings.ingest.model_copy(update={"batch_size": 3})})


def test_gc_is_paused_within_a_batch_and_on_between_and_after(store: SQLiteStore, settings: Settings) -> None:
    seen: list[bool] = []  # the GC's state as each item is read (the item before it is queued, or not)

    def items() -> Iterator[SourceItem]:
        for n in range(7):
            seen.append(gc.isenabled())
            yield record(str(n), f"Ann{n}", "Lee")

    result = IngestResult(source="crm", format="test", paths=[])
    ingest_items(items(), store, _small_batches(settings), result)
    # reading item 0 and each item right after a batch of 3 was written: on; inside a batch: off
    assert seen == [True, False, False, True, False, False, True]
    assert gc.isenabled()
    assert result.stats.loaded == 7


def test_gc_is_back_on_after_a_load_stops_half_way(store: SQLiteStore, settings: Settings) -> None:
    def items() -> Iterator[SourceItem]:
        yield record("1", "Ann", "Lee")
        raise RuntimeError("source went away")

    with pytest.raises(RuntimeError):
        ingest_items(items(), store, _small_batches(settings), IngestResult(source="crm", format="t", paths=[]))
    assert gc.isenabled()
    assert store.counts()["records"] == 0  # the half batch was never written
