"""Where a retired person id's records went: the one walk both stores make, over their own queries.

A person is retired when it loses all its records. Merged into another person, its id leads there (see
`GraphStore.resolve_person_id`). Retired without heir (its records went to several persons by a re-cluster or
a split, or were erased), the change feed still says where: its `record.detached` events name the records it
gave up, and their persons now are its heirs. An erased person (`person.erased`) is gone with no pointer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from identity_graph.store.protocol import RetiredPerson


@dataclass(frozen=True)
class PersonQueries:
    """The reads the walk needs from a store."""

    #: (retired, merged_into) of a person id, None when it never named a person.
    state: Callable[[int], tuple[bool, int | None] | None]
    #: True when the person id has a `person.erased` event.
    erased: Callable[[int], bool]
    #: Ids of the records these persons' `record.detached` events name.
    detached: Callable[[Sequence[int]], list[int]]
    #: record id -> its current person id (records without one left out).
    owners: Callable[[Sequence[int]], dict[int, int]]


def trace_retired(person_id: int, queries: PersonQueries) -> RetiredPerson | None:
    """Follow an id's merges; when they end on a retired person, say whether it was erased or who holds its
    records now. None when the id never named a person or leads to a live one."""
    chain: list[int] = []
    current: int | None = person_id
    while current is not None and current not in chain:
        state = queries.state(current)
        if state is None:
            return None if not chain else _gone(person_id, chain, queries)
        retired, merged_into = state
        if not retired:
            return None
        chain.append(current)
        current = merged_into
    return _gone(person_id, chain, queries)


def _gone(person_id: int, chain: list[int], queries: PersonQueries) -> RetiredPerson:
    """The fate of a retired chain of ids (the last one erased, or its records now elsewhere)."""
    if queries.erased(chain[-1]):
        return RetiredPerson(person_id=person_id, erased=True)
    records = queries.detached(chain)
    heirs = set(queries.owners(records).values()) - set(chain) if records else set()
    return RetiredPerson(person_id=person_id, heirs=tuple(sorted(heirs)))
