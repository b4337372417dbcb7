"""The pure clustering function: components, judgements, the over-merge guard."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import permutations

import pytest

from identity_graph.model import Judgement, MatchEdge, MatchStatus, Verdict
from identity_graph.resolve import RecordFacts, cluster
from identity_graph.resolve.clustering import facts_conflict
from identity_graph.settings import MatchingSettings

SETTINGS = MatchingSettings()
T = datetime(2026, 1, 1, tzinfo=UTC)


def edge(a: int, b: int, score: float = 0.99, status: MatchStatus = MatchStatus.AUTO) -> MatchEdge:
    """A match edge between two records."""
    return MatchEdge(left=min(a, b), right=max(a, b), score=score, weight=10 * score, status=status)


def judge(a: int, b: int, verdict: Verdict, minutes: int = 0) -> Judgement:
    """A steward's decision."""
    return Judgement(left=min(a, b), right=max(a, b), verdict=verdict, by="steward", at=T.replace(minute=minutes))


def test_components_of_auto_edges_only() -> None:
    edges = [edge(1, 2), edge(2, 3), edge(4, 5, 0.7, MatchStatus.REVIEW)]
    result = cluster([1, 2, 3, 4, 5, 6], edges, [], SETTINGS)
    assert result.clusters == [[1, 2, 3], [4], [5], [6]]
    assert result.guard_reports == []


def test_different_judgement_is_never_overruled() -> None:
    edges = [edge(1, 2, 0.999), edge(2, 3, 0.999)]
    result = cluster([1, 2, 3], edges, [judge(1, 3, Verdict.DIFFERENT)], SETTINGS)
    assert not any(1 in c and 3 in c for c in result.clusters)
    assert [2] in result.clusters or [1, 2] in result.clusters or [2, 3] in result.clusters


def test_same_judgement_joins_without_any_edge() -> None:
    result = cluster([1, 2, 3], [], [judge(1, 3, Verdict.SAME)], SETTINGS)
    assert result.clusters == [[1, 3], [2]]


def test_contradicting_judgements_are_reported_not_guessed() -> None:
    judgements = [judge(1, 2, Verdict.SAME, 1), judge(2, 3, Verdict.SAME, 2), judge(1, 3, Verdict.DIFFERENT, 3)]
    result = cluster([1, 2, 3], [], judgements, SETTINGS)
    assert not any(1 in c and 3 in c for c in result.clusters)
    assert len(result.guard_reports) == 1


def test_superseded_judgements_do_not_count() -> None:
    old = judge(1, 2, Verdict.DIFFERENT).model_copy(update={"superseded_at": T})
    result = cluster([1, 2], [edge(1, 2)], [old], SETTINGS)
    assert result.clusters == [[1, 2]]


def test_chain_guard_stops_a_to_c_through_b() -> None:
    facts = {
        1: RecordFacts("anna", "lee", "19800101"),
        2: RecordFacts("", "", ""),  # a nameless call party on a shared phone
        3: RecordFacts("mark", "lee", "19750505"),
    }
    result = cluster([1, 2, 3], [edge(1, 2, 0.99), edge(2, 3, 0.98)], [], SETTINGS, facts=facts)
    assert [1, 2] in result.clusters and [3] in result.clusters  # the stronger link wins
    assert len(result.guard_reports) == 1
    report = result.guard_reports[0]
    assert set(report.record_ids) == {1, 2, 3}
    assert "Anna / Mark" in report.reason


def test_guard_lets_nicknames_and_typos_through() -> None:
    facts = {1: RecordFacts("bob", "lee", "19800101"), 2: RecordFacts(), 3: RecordFacts("robert", "lee", "19800101")}
    result = cluster([1, 2, 3], [edge(1, 2), edge(2, 3)], [], SETTINGS, facts=facts)
    assert result.clusters == [[1, 2, 3]]
    assert result.guard_reports == []


def test_result_does_not_depend_on_input_order() -> None:
    edges = [edge(1, 2), edge(2, 3), edge(5, 6), edge(3, 4, 0.96)]
    a = cluster([6, 5, 4, 3, 2, 1], list(reversed(edges)), [], SETTINGS)
    b = cluster([1, 2, 3, 4, 5, 6], edges, [], SETTINGS)
    assert a.clusters == b.clusters == [[1, 2, 3, 4], [5, 6]]


def test_edges_outside_the_scope_are_ignored() -> None:
    result = cluster([1, 2], [edge(1, 2), edge(2, 9)], [judge(1, 8, Verdict.SAME)], SETTINGS)
    assert result.clusters == [[1, 2]]


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        (RecordFacts("amber", "blackwell", "19860325"), RecordFacts("ambre", "blackwell", "19160211"), False),  # typo
        (RecordFacts("anna", "lee", "19800101"), RecordFacts("mark", "lee", "19750505"), True),
        (RecordFacts("anna", "lee", "19800101"), RecordFacts("anna", "lee", "19750505"), False),  # same first name
        (RecordFacts("anna", "lee", "19800101"), RecordFacts("mark", "lee", "19800101"), False),  # same dob
        (RecordFacts("anna", "lee", "19800101"), RecordFacts("mark", "lee", "19800102"), False),  # dob one digit off
        (RecordFacts("anna", "lee", ""), RecordFacts("mark", "lee", "19750505"), True),
        (RecordFacts("walter", "briggs", "", "sr"), RecordFacts("walter", "briggs", "", "jr"), True),  # two generations
        (RecordFacts("walter", "briggs", "", "jr"), RecordFacts("walter", "briggs", "", "ii"), False),  # one step
        (RecordFacts("walter", "briggs", "", "jr"), RecordFacts("walter", "briggs", "", ""), False),
    ],
)
def test_facts_conflict(a: RecordFacts, b: RecordFacts, conflict: bool) -> None:
    assert (facts_conflict(a, b, MatchingSettings().name_similarity) is not None) is conflict


@pytest.mark.parametrize(
    ("strong", "conflict"),
    [(("first_name", "dob"), True), (("first_name",), True), (("dob",), True), ((), False)],
)
def test_only_the_models_strong_conflicts_stop_a_chain(strong: tuple[str, ...], conflict: bool) -> None:
    both = (RecordFacts("anna", "lee", "19800101"), RecordFacts("mark", "lee", "19750505"))
    assert (facts_conflict(*both, MatchingSettings().name_similarity, strong) is not None) is conflict
    facts = {1: both[0], 2: RecordFacts(), 3: both[1]}
    result = cluster([1, 2, 3], [edge(1, 2, 0.99), edge(2, 3, 0.98)], [], SETTINGS, facts=facts, strong=strong)
    assert (result.clusters == [[1, 2, 3]]) is not conflict
    assert len(result.guard_reports) == int(conflict)
    twins = (RecordFacts("anna", "lee", "19800101"), RecordFacts("mark", "lee", ""))  # no dob: the name decides
    assert (facts_conflict(*twins, MatchingSettings().name_similarity, strong) is not None) is ("first_name" in strong)


def test_a_chain_through_a_suffixless_record_does_not_join_father_and_son() -> None:
    facts = {1: RecordFacts("walter", "briggs", "", "sr"), 2: RecordFacts("walter", "briggs"),
             3: RecordFacts("walter", "briggs", "", "jr")}  # fmt: skip
    result = cluster([1, 2, 3], [edge(1, 2, 0.99), edge(2, 3, 0.98)], [], SETTINGS, facts=facts)
    assert [1, 2, 3] not in result.clusters and len(result.guard_reports) == 1


def test_equally_strong_links_are_taken_by_content_not_load_order() -> None:
    """A CRM record (Bella Sanchez) and another person's caller-ID read surname-first ("SANCHEZ ISABELL") both
    share a nameless caller's phone with equal scores; whichever was loaded first (every id order), the nameless
    caller goes to the same side, and the guard reports the other link."""
    outcomes = set()
    for crm, nameless, flipped in permutations((1, 2, 3)):
        role = {crm: "crm", nameless: "nameless", flipped: "flipped"}
        facts = {
            crm: RecordFacts("bella", "sanchez", "", "", order="contact|bella||sanchez"),
            nameless: RecordFacts(order="call_party||||"),
            flipped: RecordFacts("sanchez", "isabell", "", "", order="call_party|sanchez||isabell"),
        }
        edges = [edge(crm, nameless, 0.998), edge(flipped, nameless, 0.998)]
        result = cluster([1, 2, 3], edges, [], SETTINGS, facts=facts)
        assert len(result.guard_reports) == 1
        outcomes.add(frozenset(frozenset(role[r] for r in c) for c in result.clusters))
    assert len(outcomes) == 1, outcomes
