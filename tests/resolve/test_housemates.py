"""Housemates with other surnames count for a home line in every path: batch, real time and explain.

Whoever lives at a home calls from its line, so the number of people at the address decides how much the
line says. Batch sees every record at the address; the real-time path and `explain` must see them too (they
find them through the store's residence key), or a call would be linked live that batch keeps apart.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from identity_graph.model import Record
from identity_graph.prepare import prepare_record
from identity_graph.resolve import explain_pair, resolve_all, resolve_records
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from tests.resolve.conftest import call, load, person
from tests.resolve.test_resolve import partition

HOME_LINE = "(832) 555-0141"
STREET, POSTCODE, CITY = "8226 Union Dr Apt 29", "77070", "Houston"


def _residents() -> list[Record]:
    """Two Meyers and Frances Lofgren at one flat; Frances lists the flat's line."""
    return [
        person("h1", "Audrey", "Meyer", emails=["audrey.meyer@example.org"], street=STREET, postcode=POSTCODE,
               city=CITY),
        person("h2", "Sebastian", "Meyer", emails=["seb.meyer@example.org"], street=STREET, postcode=POSTCODE,
               city=CITY),
        person("h3", "Frances", "Lofgren", phones=[HOME_LINE], emails=["f.lofgren@example.org"], street=STREET,
               postcode=POSTCODE, city=CITY),
    ]  # fmt: skip


def _the_call() -> Record:
    """A call from the flat's line under Frances's caller-ID name."""
    return call("c1", HOME_LINE, "LOFGREN FRANCES")


def _line_links(store: SQLiteStore) -> set[tuple[frozenset[str], str, float]]:
    """The edges of the call on the home line: ({record, record}, status, probability). Batch's sorted
    neighbourhood also pairs the housemates with each other on a set this small; the real-time path, like any
    lookup by key, does not, so only the line's edges are compared."""
    call = store.find_record("calls", "c1")
    assert call is not None
    names = {r.id: r.source_id for r in store.get_records(store.record_ids())}
    return {
        (frozenset((names[e.left], names[e.right])), e.status.value, round(e.score, 4)) for e in store.edges([call.id])
    }


def _store(path: Path, records: list[Record], settings: Settings) -> SQLiteStore:
    """A store with these records, resolved in one batch."""
    store = open_store(path)
    load(store, records, settings)
    resolve_all(store, settings)
    return store


@pytest.mark.parametrize("last", ["c1", "h2", "h3"], ids=["the call", "a housemate", "the line's holder"])
def test_any_record_added_live_is_resolved_as_batch_resolves_it(tmp_path: Path, settings: Settings, last: str) -> None:
    everyone = [*_residents(), _the_call()]
    batch = _store(tmp_path / "batch.db", everyone, settings)
    live = _store(tmp_path / "live.db", [r for r in everyone if r.source_id != last], settings)
    try:
        arriving = next(r for r in everyone if r.source_id == last)
        live.upsert_batch([prepare_record(arriving, "US")])
        found = live.find_record(arriving.source, arriving.source_id)
        assert found is not None
        resolve_records(live, [found.id], settings)
        assert partition(live) == partition(batch)
        assert _line_links(live) == _line_links(batch)
    finally:
        batch.close()
        live.close()


def test_explain_sees_the_housemates(tmp_path: Path, settings: Settings) -> None:
    store = _store(tmp_path / "s.db", [*_residents(), _the_call()], settings)
    try:
        frances = store.find_record("crm", "h3")
        the_call = store.find_record("calls", "c1")
        assert frances is not None and the_call is not None
        ex = explain_pair(store, frances.id, the_call.id, settings)
        stored = ex.stored
        assert (ex.status, round(ex.score, 4)) == (
            (stored.status.value, round(stored.score, 4)) if stored is not None else ("none", round(ex.score, 4))
        )
        assert stored is not None or ex.status == "none"
    finally:
        store.close()
