"""The live person a person id names, or why there is none: never a person (NotFound), or retired (PersonGone,
saying which live persons hold its records now, or that it was erased)."""

from __future__ import annotations

from identity_graph.errors import NotFound, PersonGone
from identity_graph.store.protocol import GraphStore


def missing_person(store: GraphStore, person_id: int) -> NotFound:
    """The error for a person id that leads to no live person: PersonGone when it was one, else NotFound."""
    gone = store.retired_person(person_id)
    if gone is None:
        return NotFound(f"no person {person_id}")
    return PersonGone(person_id, gone.heirs, erased=gone.erased)


def live_records(store: GraphStore, person_id: int) -> tuple[int, list[int]]:
    """The live person an id leads to (merges followed) and its record ids; raises `missing_person`'s error."""
    live = store.resolve_person_id(person_id)
    record_ids = store.person_record_ids([live]).get(live, []) if live is not None else []
    if live is None or not record_ids:
        raise missing_person(store, person_id)
    return live, record_ids
