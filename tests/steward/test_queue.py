"""The review queue: what it holds and how it ranks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from identity_graph.model import MatchStatus, Verdict
from identity_graph.settings import StewardSettings
from identity_graph.steward.compare import Agreement, _agreement, field_rows
from identity_graph.steward.decisions import record_judgement
from identity_graph.steward.queue import ImpactParts, _load_context, build_queue, impact_score
from identity_graph.steward.ranking import impacts
from identity_graph.store import SQLiteStore
from tests.steward.conftest import NOW, call, cluster, contact, edge, load


def test_impact_formula_uses_each_named_weight() -> None:
    parts = ImpactParts(records=3, moving_interactions=7, shared_identifiers=("email:a@x.org",), last_changed=NOW)
    weights = StewardSettings(
        impact_size=1.0, impact_interactions=2.0, impact_shared_identifiers=0.5, impact_recency=4.0
    )
    # log2(4) * 1 + log2(8) * 2 + 1 * 0.5 + 4 * 0.5 ** 0
    assert impact_score(parts, weights, NOW) == 2 + 6 + 0.5 + 4
    month_later = NOW + timedelta(days=weights.recency_half_life_days)
    assert impact_score(parts, weights, month_later) == 2 + 6 + 0.5 + 2


def test_guard_reports_get_their_bonus() -> None:
    parts = ImpactParts(records=1, moving_interactions=0, shared_identifiers=(), last_changed=NOW, guard=True)
    weights = StewardSettings(impact_recency=0.0, impact_guard=3.0)
    assert impact_score(parts, weights, NOW) == 1.0 + 3.0


def test_queue_ranks_bigger_busier_pairs_first_and_drops_decided_pairs(store: SQLiteStore) -> None:
    a, b, c, d, e, f = load(
        store,
        [
            contact("1", "Bob", "Stone", email="bob@example.com"),
            contact("2", "Robert", "Stone", email="bob@example.com"),
            contact("3", "Ann", "Lee"),
            contact("4", "Anne", "Lee"),
            contact("5", "Zoe", "Park"),
            contact("6", "Zoey", "Park"),
        ],
    )
    busy = store.get_records([b])[0]
    load(store, [], [call(f"c{i}", busy, NOW - timedelta(days=i)) for i in range(5)])
    cluster(store, [[a], [b], [c], [d], [e, f]])
    store.replace_edges([edge(a, b, MatchStatus.REVIEW), edge(c, d, MatchStatus.REVIEW), edge(e, f, MatchStatus.AUTO)])

    queue = build_queue(store, StewardSettings())
    assert [(i.left, i.right) for i in queue] == [(a, b), (c, d)]  # auto edges are not proposals
    top = queue[0]
    assert top.parts.moving_interactions == 5  # b's person is newer, so its calls would move
    assert top.parts.shared_identifiers == ("email:bob@example.com",)
    assert top.impact > queue[1].impact
    assert top.parts.last_changed == NOW  # b's newest call, not when it was loaded
    assert top.evidence[0].comparison == "email"

    record_judgement(store, c, d, Verdict.DIFFERENT, "ann")
    assert [(i.left, i.right) for i in build_queue(store, StewardSettings())] == [(a, b)]


def test_guard_report_is_queued_until_a_decision_on_its_ends(store: SQLiteStore) -> None:
    a, b, c = load(store, [contact("1", "Bob", "Stone"), contact("2", "Rob", "Stone"), contact("3", "Bill", "Stone")])
    cluster(store, [[a, b], [c]])
    [report] = store.add_guard_reports([([a, b, c], "first name conflict at the ends of a chain")])
    queue = build_queue(store, StewardSettings())
    assert len(queue) == 1 and queue[0].kind == "guard" and queue[0].chain == (a, b, c)
    assert queue[0].guard_report_id == report
    assert queue[0].evidence == () and queue[0].evidence_pair is None  # no link stored along the chain yet
    store.replace_edges([edge(a, b, MatchStatus.AUTO, 0.97), edge(b, c, MatchStatus.AUTO, 0.96)])
    [item] = build_queue(store, StewardSettings())
    assert item.evidence_pair == (a, b) and item.score == 0.97  # the strongest link of the chain
    record_judgement(store, c, a, Verdict.DIFFERENT, "ann")
    assert build_queue(store, StewardSettings()) == []
    assert store.guard_reports(open_only=True) == []
    assert store.guard_reports(open_only=False)[0].resolved_at is not None


def test_field_rows_show_both_sides(store: SQLiteStore) -> None:
    a, b = load(
        store,
        [
            contact("1", "Bob", "Stone", email="bob@example.com", phone="415 555 0134"),
            contact("2", "Robert", "stone", email="BOB@example.com"),
        ],
    )
    left, right = store.get_records([a, b])
    rows = {r.field: r for r in field_rows(left, right)}
    assert rows["first name"].agreement == Agreement.DIFFERENT
    assert rows["last name"].agreement == Agreement.SAME
    assert rows["email"].agreement == Agreement.SAME
    assert rows["phone"].agreement == Agreement.ONE_SIDED and rows["phone"].left == "+14155550134"
    assert "date of birth" not in rows


def test_guard_chains_to_one_pair_make_one_item_with_the_refused_links_evidence(store: SQLiteStore) -> None:
    a, b, c, d = load(store, [contact(str(i), "Lo", "Ordara") for i in range(4)])
    cluster(store, [[a, b], [c, d]])
    store.replace_edges(
        [edge(a, b, MatchStatus.AUTO, 0.99), edge(b, c, MatchStatus.AUTO, 0.96), edge(c, d, MatchStatus.AUTO, 0.98)]
    )
    store.add_guard_reports([([a, b, c, d], "dates of birth differ"), ([d, c, b, a], "dates of birth differ")])
    [item] = build_queue(store, StewardSettings())
    assert item.pair == (a, d) and item.evidence_pair == (b, c) and item.score == 0.96
    record_judgement(store, a, d, Verdict.DIFFERENT, "ann")
    assert store.guard_reports(open_only=True) == []  # both chains closed by one decision


def test_array_ranking_matches_the_exact_one(store: SQLiteStore) -> None:
    import random

    rng = random.Random(5)
    records = [contact(str(i), "Kim", f"Lee{i % 7}", email=f"k{i % 9}@example.com") for i in range(60)]
    ids = load(store, records)
    load(store, [], [call(f"c{i}", records[i], NOW - timedelta(days=i)) for i in range(0, 60, 3)])
    cluster(store, [ids[i : i + 3] for i in range(0, 45, 3)] + [[r] for r in ids[45:]])
    pairs = {tuple(sorted(rng.sample(ids, 2))) for _ in range(150)}
    store.replace_edges([edge(a, b, MatchStatus.REVIEW, 0.7) for a, b in pairs])
    store.add_guard_reports([([ids[0], ids[50]], "dates of birth differ")])
    full = build_queue(store, StewardSettings(), now=NOW)
    assert len(full) > 60
    for limit in (1, 5, 20):
        top = build_queue(store, StewardSettings(), limit=limit, now=NOW)
        assert [i.pair for i in top] == [i.pair for i in full[:limit]]
    ctx = _load_context(store, sorted({r for i in full for r in i.pair}))
    rough = impacts(
        [i.pair for i in full],
        [i.kind == "guard" for i in full],
        ctx.persons,
        ctx.person_stats,
        ctx.activity,
        ctx.identifiers,
        StewardSettings(),
        NOW,
    )
    assert [round(float(x), 4) for x in rough] == [i.impact for i in full]


@pytest.mark.parametrize(
    ("field", "left", "right", "expected"),
    [
        ("street", "6274 Harbor Ave.", "6274 Harbor Ave", Agreement.SAME),  # what the steward saw as different
        ("street", "12 Main Street", "12 Main St", Agreement.SAME),
        ("street", "12 Main St", "14 Main St", Agreement.DIFFERENT),
        ("country", "USA", "United States", Agreement.SAME),
        ("country", "USA", "Canada", Agreement.DIFFERENT),
        ("first name", "José", "JOSE", Agreement.SAME),
        ("first name", "Bob", "Robert", Agreement.DIFFERENT),  # a nickname is the evidence's to say, not equality
        ("city", "St. Louis", "St Louis", Agreement.SAME),
        ("city", "", "Boston", Agreement.ONE_SIDED),
    ],
)
def test_a_field_agrees_when_matching_would_normalize_it_the_same(
    field: str, left: str, right: str, expected: Agreement
) -> None:
    assert _agreement(left, right, field) is expected
