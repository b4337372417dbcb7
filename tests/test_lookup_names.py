"""A name search by one word lists every person holding it (a surname search must not open one namesake's profile
as if it were the only hit), and accents are folded both ways (Ortiz finds Ortíz). Real SQLite store."""

from __future__ import annotations

from identity_graph.lookup import lookup
from identity_graph.persons import apply_clustering
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from tests.factories import prepared, record


def _three_ortiz(store: SQLiteStore) -> dict[str, int]:
    """Paula Ortiz, Daniel Ortíz and Ana Lima, one person each; their person ids by first name."""
    people = [record("c-1", "Paula", "Ortiz"), record("c-2", "Daniel", "Ortíz"), record("c-3", "Ana", "Lima")]
    store.upsert_batch([prepared(r) for r in people], [])
    apply_clustering(store, [[1], [2], [3]], cause="test")
    owners = store.assignments()
    return {"paula": owners[1], "daniel": owners[2], "ana": owners[3]}


def test_a_surname_lists_every_namesake(store: SQLiteStore, settings: Settings) -> None:
    ids = _three_ortiz(store)
    for typed in ("Ortiz", "ortíz", "ORTIZ"):
        assert {h.person_id for h in lookup(store, typed, settings)} == {ids["paula"], ids["daniel"]}, typed


def test_a_whole_name_still_ranks_the_right_person_first(store: SQLiteStore, settings: Settings) -> None:
    ids = _three_ortiz(store)
    hits = lookup(store, "Daniel Ortiz", settings)
    assert hits[0].person_id == ids["daniel"]
    assert ids["ana"] not in {h.person_id for h in hits}
