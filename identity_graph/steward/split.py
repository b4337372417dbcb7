"""Split a person into a steward's chosen groups, or unmerge one record, recording the judgements that implies.

Between groups: a `different` judgement for every cross-group pair (up to `split_pairwise_limit`; beyond it, for
every cross-group pair the matcher linked or a steward had called `same`, plus one pair per two groups). Within
a group: `same` judgements from its first record to each other record, so a later resolve rebuilds the steward's
groups exactly. Interactions belong to persons only through records, so they move with their records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations, product

from identity_graph.errors import ConfigError, ConflictError, NotFound
from identity_graph.gone import missing_person
from identity_graph.model import Verdict
from identity_graph.persons import PersonChanges, apply_clustering
from identity_graph.settings import StewardSettings
from identity_graph.steward.decisions import record_judgements, steward_cause
from identity_graph.store.protocol import GraphStore

Pair = tuple[int, int]


@dataclass
class SplitResult:
    """What a split or an unmerge did."""

    old_person: int
    groups: list[list[int]]
    persons: list[int]  # the person each group now belongs to, in group order
    different: int = 0  # 'different' judgements recorded
    same: int = 0  # 'same' judgements recorded
    changes: PersonChanges = field(default_factory=PersonChanges)
    judgement_ids: list[int] = field(default_factory=list)  # the decisions recorded
    superseded_ids: list[int] = field(default_factory=list)  # active decisions they superseded


def _pair(a: int, b: int) -> Pair:
    """A pair as (smaller, larger)."""
    return (a, b) if a < b else (b, a)


def complete_groups(members: Sequence[int], groups: Sequence[Sequence[int]]) -> list[list[int]]:
    """Check the groups against the person's records; records left out form one more group."""
    owned = set(members)
    seen: set[int] = set()
    out: list[list[int]] = []
    for group in groups:
        ids = sorted(set(group))
        if not ids:
            continue
        foreign = [r for r in ids if r not in owned]
        if foreign:
            raise ConflictError(f"record {foreign[0]} does not belong to this person")
        twice = [r for r in ids if r in seen]
        if twice:
            raise ConfigError(f"record {twice[0]} is in two groups")
        seen.update(ids)
        out.append(ids)
    rest = sorted(owned - seen)
    if rest:
        out.append(rest)
    if len(out) < 2:
        raise ConfigError("a split needs at least two non-empty groups")
    return sorted(out, key=lambda g: g[0])


def split_judgements(store: GraphStore, groups: Sequence[Sequence[int]], limit: int) -> tuple[list[Pair], list[Pair]]:
    """The (different, same) pairs a split into these groups implies, minus those already decided that way."""
    scope = [r for g in groups for r in g]
    active = {(j.left, j.right): j.verdict for j in store.judgements(scope, active_only=True)}
    label = {r: i for i, g in enumerate(groups) for r in g}
    cross_total = sum(len(a) * len(b) for a, b in combinations(groups, 2))
    different: set[Pair] = set()
    if cross_total <= limit:
        for a, b in combinations(groups, 2):
            different.update(_pair(x, y) for x, y in product(a, b))
    else:
        linked = {(e.left, e.right) for e in store.edges(scope)} | {p for p, v in active.items() if v == Verdict.SAME}
        different.update(p for p in linked if p[0] in label and p[1] in label and label[p[0]] != label[p[1]])
        different.update(_pair(a[0], b[0]) for a, b in combinations(groups, 2))
    same = {_pair(g[0], r) for g in groups for r in g[1:]}
    return (
        sorted(p for p in different if active.get(p) != Verdict.DIFFERENT),
        sorted(p for p in same if active.get(p) != Verdict.SAME),
    )


def split_person(
    store: GraphStore,
    person_id: int,
    groups: Sequence[Sequence[int]],
    by: str,
    settings: StewardSettings,
    *,
    reason: str | None = None,
) -> SplitResult:
    """Split a person into the given groups of its records (records not named form one more group)."""
    members = store.person_record_ids([person_id]).get(person_id)
    if not members:
        raise missing_person(store, person_id)
    full = complete_groups(members, groups)
    with store.transaction():
        different, same = split_judgements(store, full, settings.split_pairwise_limit)
        why = reason or f"split of person {person_id}"
        decisions = [(a, b, Verdict.DIFFERENT) for a, b in different] + [(a, b, Verdict.SAME) for a, b in same]
        pairs = set(different) | set(same)
        superseded = sorted(
            j.id for j in store.judgements(members, active_only=True) if (j.left, j.right) in pairs and j.id
        )
        stored = record_judgements(store, decisions, by, reason=why) if decisions else []
        changes = apply_clustering(store, full, steward_cause(by))
        now = store.assignments([g[0] for g in full])
    return SplitResult(
        old_person=person_id,
        groups=full,
        persons=[now[g[0]] for g in full],
        different=len(different),
        same=len(same),
        changes=changes,
        judgement_ids=[j.id for j in stored if j.id],
        superseded_ids=superseded,
    )


def unmerge_record(
    store: GraphStore, record_id: int, by: str, settings: StewardSettings, *, reason: str | None = None
) -> SplitResult:
    """Take one record out of its person: a split into that record and the rest."""
    person = store.assignments([record_id]).get(record_id)
    if person is None:
        raise NotFound(f"record {record_id} belongs to no person")
    members = store.person_record_ids([person])[person]
    if len(members) < 2:
        raise ConflictError(f"record {record_id} is already alone in person {person}")
    return split_person(store, person, [[record_id]], by, settings, reason=reason or f"unmerge of record {record_id}")
