"""The real-time path's special cases give the batch answer: a second person on a phone, an exact duplicate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from identity_graph.model import Record
from identity_graph.prepare import prepare_record
from identity_graph.resolve import resolve_all, resolve_records
from identity_graph.resolve.summary import ResolveSummary
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from tests.resolve.conftest import call, load, mail, person
from tests.resolve.test_resolve import partition

HOME = "(415) 555-3100"


def _early() -> list[Record]:
    """Anna, her calls on the home line (one with her caller-ID, one without) and her mail."""
    return [
        person(
            "a1", "Anna", "Berg", dob=date(1980, 5, 4), phones=[HOME], emails=["anna.berg@example.org"], city="Reno"
        ),
        call("c1", HOME, "BERG ANNA"),
        call("c2", HOME, None),
        mail("m1", "anna.berg@example.org", "Anna Berg"),
        person("z1", "Zoe", "Lund", dob=date(1991, 2, 3), emails=["zoe@example.org"], city="Reno"),
    ]


def _add(store: SQLiteStore, record: Record, settings: Settings) -> ResolveSummary:
    """Store one record and resolve it in real time."""
    store.upsert_batch([prepare_record(record, "US")])
    found = store.find_record(record.source, record.source_id)
    assert found is not None
    return resolve_records(store, [found.id], settings, cause="realtime")


def _batch(path: Path, records: list[Record], settings: Settings) -> set[frozenset[tuple[str, str]]]:
    """The persons a batch run makes of these records."""
    store = open_store(path)
    try:
        load(store, records, settings)
        resolve_all(store, settings)
        return partition(store)
    finally:
        store.close()


def test_a_second_person_on_a_phone_rescores_its_older_pairs(tmp_path: Path, settings: Settings) -> None:
    """Olof on Anna's home line makes it a household's: the older pairs on it are scored again, as batch does."""
    late = person("o1", "Olof", "Berg", dob=date(1950, 1, 9), phones=[HOME], city="Reno")
    live = open_store(tmp_path / "live.db")
    try:
        load(live, _early(), settings)
        resolve_all(live, settings)
        summary = _add(live, late, settings)
        assert summary.records > 1  # Olof and the holders of the phone whose share code changed
        assert partition(live) == _batch(tmp_path / "batch.db", [*_early(), late], settings)
    finally:
        live.close()


def test_an_exact_duplicate_joins_its_original(tmp_path: Path, settings: Settings) -> None:
    """A record identical to a stored one (another source's copy) lands in the original's person."""
    copy = person("z1-web", "Zoe", "Lund", dob=date(1991, 2, 3), emails=["zoe@example.org"], city="Reno",
                  source="web")  # fmt: skip
    namesake = person("z2", "Zoe", "Lund", dob=date(1991, 2, 3), emails=["z.lund@example.org"], city="Reno")
    live = open_store(tmp_path / "live.db")
    try:
        load(live, [*_early(), namesake], settings)
        resolve_all(live, settings)
        summary = _add(live, copy, settings)
        assert summary.candidate_pairs == 1  # only the pair with its original is scored, not the namesake's
        assert partition(live) == _batch(tmp_path / "batch.db", [*_early(), namesake, copy], settings)
        assert any({("crm", "z1"), ("web", "z1-web")} <= group for group in partition(live))
    finally:
        live.close()
