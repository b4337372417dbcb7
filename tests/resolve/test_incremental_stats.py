"""The real-time path's plain-Python statistics give exactly what the batch path's frame code gives."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from identity_graph.model import Record
from identity_graph.prepare import prepare_record
from identity_graph.resolve.features import Postings, build_features
from identity_graph.resolve.identifiers import identifier_stats, shared_identifiers
from identity_graph.resolve.incremental import _identical_to
from identity_graph.resolve.incremental_stats import small_identifier_stats, small_shared_identifiers
from identity_graph.resolve.pipeline import representatives
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from matchers.features import IDENTIFIER_KINDS, FeatureTable
from tests.resolve.conftest import call, mail, person
from tests.resolve.population import population

CROWD = Settings().matching.shared_identifier_persons


def _households() -> list[Record]:
    """Twins on a home line, a family mailbox, a switchboard, a business caller-ID, nameless parties,
    mentioned phones, a mobile beside a home line, exact duplicates and CRM ids."""
    home = "(415) 555-2000"
    out = [
        person("t1", "Anna", "Berg", dob=date(1990, 1, 1), phones=[home], street="1 Elm St apt 2", city="Reno"),
        person("t2", "Anja", "Berg", dob=date(1990, 1, 1), phones=[home], street="1 Elm St", city="Reno"),
        person("t3", "Olof", "Berg", phones=[home], mobiles=["(415) 555-2001"], street="1 Elm St", city="Reno"),
        person("t3dup", "Olof", "Berg", phones=[home], mobiles=["(415) 555-2001"], street="1 Elm St", city="Reno"),
        call("c1", home, "BERG ANNA"),
        call("c2", home, None),
        call("c3", home, "ACME PLUMBING LLC"),
        call("c4", "(415) 555-2001", None),
        mail("m1", "bergs@example.org", "The Bergs"),
        mail("m2", "bergs@example.org", "Anna Berg", mentioned=["(415) 555-2001"]),
        mail("m3", "bergs@example.org", None),
        person("x1", "Lee", "Chan", crm_ids=["C-100"], emails=["lee@example.org"]),
        person("x2", "Lee", "Chan", crm_ids=["C-100"], emails=["lee@example.org"]),
        person("x3", "Wei", "Chan", crm_ids=["C-100"]),
    ]
    out += [call(f"sw{i}", "(415) 555-9999", f"{n.upper()} SMITH") for i, n in enumerate(["Ann", "Bo", "Cy", "Di"])]
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[FeatureTable, Postings]:
    """The features of a mixed population stored and read back."""
    store = SQLiteStore(Path(tmp_path_factory.mktemp("stats")) / "s.db")
    records, _ = population(25)
    store.upsert_batch([prepare_record(r, "US") for r in [*records, *_households()]])
    stored = [r for batch in store.iter_records() for r in batch]
    store.close()
    return build_features([stored])


def _subset(table: FeatureTable, postings: Postings, rows: np.ndarray) -> tuple[FeatureTable, Postings]:
    """Rows (ascending) of a built table with their postings renumbered."""
    remap = np.full(len(table), -1, dtype=np.int64)
    remap[rows] = np.arange(rows.size)
    keep = remap[postings.pos] >= 0
    p = postings
    sub = Postings(remap[p.pos[keep]], p.ident[keep], p.kind[keep], p.declared[keep], p.home[keep])
    return table.take(rows), sub


def _subsets(table: FeatureTable, count: int) -> list[np.ndarray]:
    """The whole table and random row subsets of it."""
    rng = random.Random(5)
    n = len(table)
    picks = [np.arange(n)]
    picks += [np.array(sorted(rng.sample(range(n), rng.randint(2, 30))), dtype=np.int64) for _ in range(count)]
    return picks


def test_stats_match_the_batch_code(built: tuple[FeatureTable, Postings]) -> None:
    """Persons, holders and caller-ID counts per identifier agree with `identifier_stats` on any subset."""
    fuzzy = Settings().matching.name_similarity
    households = 0
    for rows in _subsets(built[0], 60):
        table, postings = _subset(*built, rows)
        want = identifier_stats(table, postings, fuzzy)
        got = small_identifier_stats(table, postings, fuzzy)
        assert got.persons == want.persons
        assert got.holders == want.holders
        assert got.caller_ids == want.caller_ids
        households += sum(1 for v in want.persons.values() if v > 1)
    assert households > 0  # the population does exercise shared identifiers


def test_shared_identifiers_match_the_batch_code(built: tuple[FeatureTable, Postings]) -> None:
    """Per pair and kind, the best share code and the identifier chosen agree with `shared_identifiers`."""
    table, postings = built
    stats = identifier_stats(table, postings, Settings().matching.name_similarity)
    n = len(table)
    li, ri = (a.astype(np.int64) for a in np.triu_indices(n, k=1))
    want = shared_identifiers(postings, stats, li, ri, CROWD)
    got = small_shared_identifiers(postings, stats, li, ri, CROWD)
    for kind in IDENTIFIER_KINDS:
        assert np.array_equal(got.codes[kind], want.codes[kind]), kind
        assert list(got.keys[kind]) == list(want.keys[kind]), kind
    assert any(int((want.codes[k] != 0).sum()) for k in IDENTIFIER_KINDS)


def test_twins_match_representatives(built: tuple[FeatureTable, Postings]) -> None:
    """Records identical to an older one are the ones `representatives` collapses."""
    table, postings = built
    stats = identifier_stats(table, postings, Settings().matching.name_similarity)
    reps = representatives(table, postings, stats, CROWD)
    rid = [int(r) for r in table.record_id]
    want = {rid[i]: rid[int(r)] for i, r in enumerate(reps.rep_of) if int(r) != i}
    assert want  # the duplicates are there
    assert _identical_to(table, postings, stats, set(rid), CROWD) == want
