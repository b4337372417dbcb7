"""A bank's or telco's ids enter blocking as CRM ids do: an equal id by the identifier pass, an id one typo
away by the `near_id` pass, and the real-time path finds both through the store's indexes as batch does."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from identity_graph.model import IdentifierClaim, IdentifierKind, Record
from identity_graph.resolve import resolve_all, resolve_records
from identity_graph.resolve.blocking import record_keys
from identity_graph.resolve.features import build_features
from identity_graph.resolve.identifiers import identifier_stats
from identity_graph.resolve.pipeline import candidate_pairs
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from tests.resolve.conftest import load, person


def _with_ids(record: Record, *claims: tuple[IdentifierKind, str]) -> Record:
    """The record with these identifiers declared too."""
    extra = tuple(IdentifierClaim(kind=k, raw=raw, field=k.value) for k, raw in claims)
    return record.model_copy(update={"identifiers": record.identifiers + extra})


SSN = (IdentifierKind.NATIONAL_ID, "ssn:123-45-6789")
SSN_TYPO = (IdentifierKind.NATIONAL_ID, "ssn:123-45-6798")


def _records() -> list[Record]:
    """Two contacts of one SSN (and their own CRM ids) in two cities, and a call-center row with the SSN mistyped."""
    return [
        _with_ids(person("a", "Maria", "Lopez", city="Austin", crm_ids=["crm:a"]), SSN),
        _with_ids(person("b", "Maria", "Lopez", city="Boston", crm_ids=["crm:b"], source="bank"), SSN),
        _with_ids(person("c", "Mario", "Lopes", city="Denver", source="calls"), SSN_TYPO),
    ]


def test_batch_blocks_equal_and_near_ids(tmp_path: Path) -> None:
    """The identifier pass pairs the equal SSNs; the near_id pass pairs the mistyped one with both."""
    settings = Settings(db=tmp_path / "t.db")
    with SQLiteStore(settings.db) as store:
        load(store, _records(), settings)
        records = store.get_records(store.record_ids())
    table, postings = build_features([records])
    stats = identifier_stats(table, postings, settings.matching.name_similarity)
    rows = np.arange(len(table), dtype=np.int64)
    cands = candidate_pairs(table, postings, stats, rows, record_keys(table), settings.matching)
    by_pass = {s.name: s.pairs for s in cands.stats}
    assert by_pass["identifier"] >= 1
    assert by_pass["near_id"] >= 2
    assert {(0, 1), (0, 2), (1, 2)} <= set(zip(cands.li.tolist(), cands.ri.tolist(), strict=True))


def test_real_time_finds_them_through_the_indexes(tmp_path: Path) -> None:
    """Added one at a time, each record is scored against the others: the same pairs batch scores."""
    settings = Settings(db=tmp_path / "t.db")
    with SQLiteStore(settings.db) as store:
        first, *rest = _records()
        ids = load(store, [first], settings)
        resolve_all(store, settings)
        found = []
        for record in rest:
            ids += load(store, [record], settings, model=False)
            found.append(resolve_records(store, [ids[-1]], settings).candidate_pairs)
        pairs = {(e.left, e.right): e for e in store.edges(ids)}
    assert found == [1, 2]  # the equal SSN's holder; then both, through the mistyped SSN's deletion keys
    assert (ids[0], ids[1]) in pairs
    assert "SSN •••-••-6789 matches" in pairs[(ids[0], ids[1])].explanation
    assert "123456789" not in " ".join(e.explanation for e in pairs.values())
