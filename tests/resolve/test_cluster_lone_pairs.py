"""Clustering joins two records linked to each other alone (`lone_pairs`) without its union-find: the persons
and the guard's findings (in order) are those of the union-find over every link, on random graphs with
conflicting facts, judgements of both verdicts (some superseded), links given twice or reversed, and records
outside the run."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from identity_graph.model import Judgement, MatchEdge, MatchStatus, Verdict
from identity_graph.resolve.clustering import (
    GUARD_FACTS,
    ClusterResult,
    GuardFinding,
    Link,
    RecordFacts,
    _link_order,
    cluster,
    facts_conflict,
    guarded,
    involved,
    lone_pairs,
)
from identity_graph.settings import MatchingSettings

SETTINGS = MatchingSettings()
T = datetime(2026, 1, 1, tzinfo=UTC)
FACTS = [
    RecordFacts("ann", "lee", "19800304", order="a"),
    RecordFacts("anne", "lee", "19800304", order="b"),
    RecordFacts("bob", "lee", "19800304", order="c"),
    RecordFacts("ann", "lee", "19620101", order="d"),
    RecordFacts("ann", "lee", "", "jr", order="e"),
    RecordFacts("ann", "lee", "", "sr", order="f"),
    RecordFacts(order="g"),
]


def reference(
    record_ids: Sequence[int],
    edges: Sequence[Link],
    judgements: Sequence[Judgement],
    facts: Mapping[int, RecordFacts],
    strong: Collection[str] = GUARD_FACTS,
) -> ClusterResult:
    """`cluster` as it was before lone pairs: every involved record through one plain union-find."""
    everyone = set(record_ids)
    ids = sorted(everyone & involved(edges, judgements))
    scope = set(ids)
    parent = {r: r for r in ids}
    members = {r: [r] for r in ids}
    known = {r: ({facts[r]: r} if r in facts and facts[r] != RecordFacts() else {}) for r in ids}
    forbid: dict[int, set[int]] = {r: set() for r in ids}

    def find(r: int) -> int:
        while parent[r] != r:
            r = parent[r]
        return r

    def forbidden(a: int, b: int) -> bool:
        return any(m in forbid[b] for m in members[a]) or any(m in forbid[a] for m in members[b])

    def union(a: int, b: int) -> None:
        if len(members[a]) < len(members[b]):
            a, b = b, a
        parent[b] = a
        members[a].extend(members.pop(b))
        for fact, rid in known.pop(b).items():
            known[a].setdefault(fact, rid)
        forbid[a] |= forbid.pop(b)

    reports: list[GuardFinding] = []
    active = [j for j in judgements if j.superseded_at is None and j.left in scope and j.right in scope]
    for j in active:
        if j.verdict is Verdict.DIFFERENT:
            forbid[j.left].add(j.right)
            forbid[j.right].add(j.left)
    for j in sorted((j for j in active if j.verdict is Verdict.SAME), key=lambda j: (j.at, j.id or 0)):
        a, b = find(j.left), find(j.right)
        if a == b:
            continue
        if forbidden(a, b):
            reports.append(GuardFinding((j.left, j.right), "a 'same' decision contradicts a 'different' one"))
            continue
        union(a, b)
    autos = [e for e in edges if e.status is MatchStatus.AUTO and e.left in scope and e.right in scope]
    linked = {(e.left, e.right) for e in autos}
    for e in sorted(autos, key=lambda e: _link_order(e, facts)):
        a, b = find(e.left), find(e.right)
        if a == b or forbidden(a, b):
            continue
        hit = None
        for fa, ra in known[a].items():
            for fb, rb in known[b].items():
                reason = None if (min(ra, rb), max(ra, rb)) in linked else facts_conflict(fa, fb, 0.88, strong)
                if reason and hit is None:
                    hit = (ra, rb, reason)
        if hit is not None:
            ra, rb, reason = hit
            chain = tuple(dict.fromkeys((ra, e.left, e.right, rb)))
            reports.append(GuardFinding(chain, f"link {e.left}~{e.right} would join {ra} and {rb}: {reason}"))
            continue
        union(a, b)
    alone = [[r] for r in everyone - scope]
    return ClusterResult(sorted([*(sorted(m) for m in members.values()), *alone], key=lambda c: c[0]), reports)


def link(a: int, b: int, score: float, status: MatchStatus = MatchStatus.AUTO) -> MatchEdge:
    """An edge as given: `left` may be the larger id (a caller's list is not checked)."""
    return MatchEdge.model_construct(left=a, right=b, score=score, weight=score * 10, status=status)


RECORDS = 14
pairs = st.tuples(st.integers(1, RECORDS), st.integers(1, RECORDS)).filter(lambda p: p[0] != p[1])
links = st.lists(
    st.tuples(pairs, st.sampled_from([0.9, 0.95, 0.99]), st.sampled_from([MatchStatus.AUTO, MatchStatus.REVIEW])),
    max_size=16,
)
verdicts = st.lists(st.tuples(pairs, st.sampled_from(list(Verdict)), st.booleans()), max_size=3)


@settings(max_examples=400, deadline=None)
@given(links, verdicts, st.lists(st.sampled_from(FACTS), min_size=RECORDS, max_size=RECORDS), st.integers(0, 3))
def test_lone_pairs_change_nothing(
    given_links: list[tuple[tuple[int, int], float, MatchStatus]],
    given_verdicts: list[tuple[tuple[int, int], Verdict, bool]],
    record_facts: list[RecordFacts],
    outside: int,
) -> None:
    edges = [link(a, b, s, status) for (a, b), s, status in given_links]
    judgements = [
        Judgement(left=min(p), right=max(p), verdict=v, by="steward", at=T + timedelta(minutes=i), id=i + 1,
                  superseded_at=T if old else None)
        for i, (p, v, old) in enumerate(given_verdicts)
    ]  # fmt: skip
    facts = dict(enumerate(record_facts, start=1))
    ids = list(range(1, RECORDS + 1 - outside))  # the last `outside` records are not part of this run
    expected = reference(ids, edges, judgements, facts)
    assert cluster(ids, edges, judgements, SETTINGS, facts=facts) == expected
    read = guarded(edges, judgements)  # the facts the run reads are enough
    assert cluster(ids, edges, judgements, SETTINGS, facts={r: facts[r] for r in read}) == expected


def test_a_lone_pair_is_two_records_nothing_else_touches() -> None:
    edges = [link(2, 1, 0.99), link(1, 2, 0.95), link(3, 4, 0.99), link(4, 5, 0.99), link(6, 7, 0.99),
             link(8, 9, 0.99), link(9, 10, 0.7, MatchStatus.REVIEW), link(13, 12, 0.99), link(14, 14, 0.99),
             link(14, 15, 0.99)]  # fmt: skip
    judged = [Judgement(left=6, right=11, verdict=Verdict.SAME, by="s", at=T)]
    assert lone_pairs(edges, judged) == {(1, 2), (8, 9)}  # 12~13 only as given reversed; 14 linked to itself
    assert guarded(edges, judged) == {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}
    assert lone_pairs([], []) == set()
