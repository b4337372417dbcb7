"""Persons from links: connected components of AUTO edges and SAME judgements, under constraints.

- A DIFFERENT judgement forbids two records from ever sharing a person; no score overrules it.
- A SAME judgement joins two records whatever the scores say (unless it contradicts a DIFFERENT one, which
  is reported instead of guessed).
- The over-merge guard: AUTO edges are taken strongest first; an edge that would put two records in strong
  conflict (first names that cannot be one person's, or different dates of birth) into one person is not
  taken, and the chain is reported for review (A~B, B~C with A and C in conflict).
The result for a record depends only on its connected component, so batch and incremental runs agree.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from identity_graph.model import Judgement, MatchStatus, Verdict
from identity_graph.settings import MatchingSettings
from matchers.dates import is_day_month_swap
from matchers.names import NameParts, generation_conflict, names_conflict

#: A cluster keeps at most this many distinct name/dob facts for the guard (enough to see conflicts).
MAX_FACTS = 64
#: The facts the guard can see in conflict (`scoring.strong_conflicts`: always both; a caller may pass fewer,
#: as a steward's re-cluster under a setting that turns a veto off).
GUARD_FACTS = ("first_name", "dob")


class Link(Protocol):
    """What clustering reads of a link: a MatchEdge, or a batch's light AUTO link (`edges.AutoLink`)."""

    @property
    def left(self) -> int: ...
    @property
    def right(self) -> int: ...
    @property
    def score(self) -> float: ...
    @property
    def weight(self) -> float: ...
    @property
    def status(self) -> MatchStatus: ...


@dataclass(frozen=True)
class RecordFacts:
    """What the guard compares: folded first and last name, dob (`YYYYMMDD`) and generational suffix (`jr`,
    `sr`, `ii`...), empty when unknown; `order` (the record's feature signature, left out of comparisons) breaks
    ties between equally strong links by content, never by record id, which is load order."""

    first: str = ""
    last: str = ""
    dob: str = ""
    generation: str = ""
    order: str = field(default="", compare=False)


#: What is known of a record without facts.
_BLANK = RecordFacts()


@dataclass(frozen=True)
class GuardFinding:
    """A link the guard did not take: the two conflicting records, the edge, and why."""

    record_ids: tuple[int, ...]
    reason: str


@dataclass
class ClusterResult:
    """Clusters of record ids (each sorted, ordered by smallest id) and what the guard stopped."""

    clusters: list[list[int]]
    guard_reports: list[GuardFinding] = field(default_factory=list)


def dob_conflict(a: str, b: str) -> bool:
    """Two known dates that are neither equal, day/month swapped, nor one digit apart."""
    if not a or not b or a == b or is_day_month_swap(a, b):
        return False
    return len(a) != len(b) or sum(x != y for x, y in zip(a, b, strict=True)) > 1


def facts_conflict(a: RecordFacts, b: RecordFacts, fuzzy: float, strong: Collection[str] = GUARD_FACTS) -> str | None:
    """Why two records cannot be one person, or None: a first-name or dob conflict the other does not outweigh.

    Different first names with the same dob (or different dobs with the same first name) are a typing error
    as often as two people, so the guard needs the conflict not to be contradicted by the other fact. Only
    the facts in `strong` can conflict.
    """
    names = names_conflict(NameParts(first=a.first, last=a.last), NameParts(first=b.first, last=b.last), fuzzy)
    dobs = dob_conflict(a.dob, b.dob)
    # "the same" allows what the comparisons allow: a typo in a first name (`Amber` / `Ambre`), one digit of a dob
    same_dob = bool(a.dob) and bool(b.dob) and not dobs
    same_first = bool(a.first) and bool(b.first) and not names
    if names and not same_dob and "first_name" in strong:
        return f"first names {a.first.title()} / {b.first.title()} conflict"
    generations = a.generation and b.generation and a.generation != b.generation  # else never in conflict
    if (
        generations
        and generation_conflict(np.array([a.generation]), np.array([b.generation]))[0]
        and "first_name" in strong
    ):
        return f"{a.generation.title()} and {b.generation.title()} are two generations"
    if dobs and not same_first and "dob" in strong:
        return "dates of birth differ"
    return None


class _Clusters:
    """Union-find with members, distinct facts and forbidden partners per root."""

    def __init__(self, ids: Sequence[int], facts: Mapping[int, RecordFacts]) -> None:
        self.parent = {r: r for r in ids}
        self.members: dict[int, list[int]] = {r: [r] for r in ids}
        self.facts: dict[int, dict[RecordFacts, int]] = {
            r: ({facts[r]: r} if r in facts and facts[r] != _BLANK else {}) for r in ids
        }
        self.forbid: dict[int, set[int]] = {r: set() for r in ids}
        self.forbidding = False  # True once a DIFFERENT judgement lies between two records (`forbid_pair`)

    def forbid_pair(self, a: int, b: int) -> None:
        """A DIFFERENT judgement between records a and b (both still persons of their own)."""
        self.forbid[a].add(b)
        self.forbid[b].add(a)
        self.forbidding = True

    def find(self, r: int) -> int:
        """The root of r's cluster."""
        root = r
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[r] != root:
            self.parent[r], r = root, self.parent[r]
        return root

    def forbidden(self, a: int, b: int) -> bool:
        """True when a DIFFERENT judgement lies between the two clusters."""
        if not self.forbidding:
            return False
        small, big = (a, b) if len(self.members[a]) <= len(self.members[b]) else (b, a)
        return any(m in self.forbid[big] for m in self.members[small])

    def conflict(
        self, a: int, b: int, fuzzy: float, linked: set[tuple[int, int]], strong: Collection[str]
    ) -> tuple[int, int, str] | None:
        """Two records, one per cluster, in strong conflict (and not directly linked), with the reason."""
        for fa, ra in self.facts[a].items():
            for fb, rb in self.facts[b].items():
                if (min(ra, rb), max(ra, rb)) in linked:
                    continue  # a direct AUTO link already weighed this conflict and passed the veto
                reason = facts_conflict(fa, fb, fuzzy, strong)
                if reason:
                    return ra, rb, reason
        return None

    def union(self, a: int, b: int) -> None:
        """Merge two roots (the larger absorbs the smaller)."""
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        for fact, rid in self.facts.pop(b).items():
            if len(self.facts[a]) < MAX_FACTS:
                self.facts[a].setdefault(fact, rid)
        self.forbid[a] |= self.forbid.pop(b)


def _link_order(e: Link, facts: Mapping[int, RecordFacts]) -> tuple[float, float, str, str, int, int]:
    """Strongest links first; equal ones by their records' content (`RecordFacts.order`), then by id."""
    a, b = facts.get(e.left, _BLANK).order, facts.get(e.right, _BLANK).order
    return (-e.score, -e.weight, min(a, b), max(a, b), e.left, e.right)


def involved(edges: Sequence[Link], judgements: Sequence[Judgement]) -> set[int]:
    """Records an AUTO link or an active judgement touches: every other record is a person of its own."""
    out = {r for e in edges if e.status is MatchStatus.AUTO for r in (e.left, e.right)}
    out.update(r for j in judgements if j.superseded_at is None for r in (j.left, j.right))
    return out


def lone_pairs(edges: Sequence[Link], judgements: Sequence[Judgement]) -> set[tuple[int, int]]:
    """AUTO links that are a person of their own: two records no other AUTO link and no active judgement touches,
    linked as (left < right) at least once. Such a link is always taken (no judgement lies between them, and the
    guard never weighs two records linked directly), so clustering joins them without the union-find, and reads
    no facts of theirs."""
    autos = [(e.left, e.right) for e in edges if e.status is MatchStatus.AUTO]
    pairs = {(a, b) if a < b else (b, a) for a, b in autos if a != b}
    if not pairs:
        return set()
    lo = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
    hi = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
    ends, counts = np.unique(np.concatenate([lo, hi]), return_counts=True)
    once = (counts[np.searchsorted(ends, lo)] == 1) & (counts[np.searchsorted(ends, hi)] == 1)
    judged = np.array(
        sorted({r for j in judgements if j.superseded_at is None for r in (j.left, j.right)}), dtype=np.int64
    )
    lone = once & ~np.isin(lo, judged) & ~np.isin(hi, judged)
    loops = {a for a, b in autos if a == b}
    ordered = {p for p in autos if p[0] < p[1]}  # the guard skips a pair as linked only as given (`_Clusters.conflict`)
    return {
        p for p in zip(lo[lone].tolist(), hi[lone].tolist(), strict=True) if p in ordered and not loops.intersection(p)
    }


def guarded(edges: Sequence[Link], judgements: Sequence[Judgement]) -> set[int]:
    """The records whose facts clustering reads: those a link or judgement touches (`involved`), but for the
    `lone_pairs`."""
    return involved(edges, judgements).difference(*lone_pairs(edges, judgements))


def cluster(
    record_ids: Sequence[int],
    edges: Sequence[Link],
    judgements: Sequence[Judgement],
    settings: MatchingSettings,
    *,
    facts: Mapping[int, RecordFacts] | None = None,
    strong: Collection[str] = GUARD_FACTS,
) -> ClusterResult:
    """Persons as clusters of record ids, under judgements and the over-merge guard (a pure function);
    `strong` names the facts that can conflict (`scoring.strong_conflicts`). Only the records a link or a
    judgement touches go through the union-find (`involved`), but for two records linked to each other alone
    (`lone_pairs`: a person of two); the others are persons of one record (`facts` is read for the records
    `guarded` names only)."""
    everyone = set(record_ids)
    scope = everyone & involved(edges, judgements)
    active = [j for j in judgements if j.superseded_at is None and j.left in scope and j.right in scope]
    autos = [e for e in edges if e.status is MatchStatus.AUTO and e.left in scope and e.right in scope]
    pairs = sorted(lone_pairs(autos, active))  # persons of their own: every other link goes through the union-find
    paired = {r for pair in pairs for r in pair}
    autos = [e for e in autos if e.left not in paired]
    state = _Clusters(sorted(scope - paired), facts or {})
    reports: list[GuardFinding] = []
    for j in active:
        if j.verdict is Verdict.DIFFERENT:
            state.forbid_pair(j.left, j.right)
    for j in sorted((j for j in active if j.verdict is Verdict.SAME), key=lambda j: (j.at, j.id or 0)):
        a, b = state.find(j.left), state.find(j.right)
        if a == b:
            continue
        if state.forbidden(a, b):
            reports.append(GuardFinding((j.left, j.right), "a 'same' decision contradicts a 'different' one"))
            continue
        state.union(a, b)
    fuzzy = settings.name_similarity
    linked = {(e.left, e.right) for e in autos}
    known = facts or {}
    for e in sorted(autos, key=lambda e: _link_order(e, known)):
        a, b = state.find(e.left), state.find(e.right)
        if a == b or state.forbidden(a, b):
            continue
        hit = state.conflict(a, b, fuzzy, linked, strong)
        if hit is not None:
            ra, rb, reason = hit
            chain = tuple(dict.fromkeys((ra, e.left, e.right, rb)))
            reports.append(GuardFinding(chain, f"link {e.left}~{e.right} would join {ra} and {rb}: {reason}"))
            continue
        state.union(a, b)
    alone = [[r] for r in everyone - scope]
    clusters = sorted([*(sorted(m) for m in state.members.values()), *map(list, pairs), *alone], key=lambda c: c[0])
    return ClusterResult(clusters=clusters, guard_reports=reports)
