"""The precision estimate, its interval, and reading the change feed from a point."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from identity_graph.errors import ConfigError
from identity_graph.model import MatchStatus, Verdict
from identity_graph.steward.decisions import record_judgement
from identity_graph.steward.feed import parse_since
from identity_graph.steward.quality import estimate_precision, sample_links, wilson_interval
from identity_graph.store import SQLiteStore
from tests.steward.conftest import contact, edge, load


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (0, 0, 0.0, 1.0),
        (10, 10, 0.7225, 1.0),  # reference values of the Wilson interval at 95 %
        (81, 263, 0.2553, 0.3662),
        (5, 10, 0.2366, 0.7634),
    ],
)
def test_wilson_interval_matches_reference_values(successes: int, n: int, low: float, high: float) -> None:
    got = wilson_interval(successes, n, 0.95)
    assert got == pytest.approx((low, high), abs=1e-4)


def test_precision_from_decisions_on_auto_links(store: SQLiteStore) -> None:
    ids = load(store, [contact(str(i), "P", str(i)) for i in range(8)])
    pairs = [(ids[i], ids[i + 1]) for i in range(0, 8, 2)]
    store.replace_edges(
        [edge(a, b, MatchStatus.AUTO, 0.99) for a, b in pairs] + [edge(ids[1], ids[2], MatchStatus.REVIEW)]
    )
    for a, b in pairs[:3]:
        record_judgement(store, a, b, Verdict.SAME, "ann")
    record_judgement(store, *pairs[3], Verdict.DIFFERENT, "ann")
    record_judgement(store, ids[1], ids[2], Verdict.DIFFERENT, "ann")  # a review edge: not in the auto estimate
    est = estimate_precision(store, MatchStatus.AUTO, 0.95)
    assert (est.links, est.same, est.different, est.precision) == (4, 3, 1, 0.75)
    assert (est.low, est.high) == pytest.approx(wilson_interval(3, 4, 0.95))
    assert est.low < 0.75 < est.high
    review = estimate_precision(store, MatchStatus.REVIEW, 0.95)
    assert (review.same, review.different, review.precision) == (0, 1, 0.0)


def test_sample_links_skips_decided_pairs(store: SQLiteStore) -> None:
    ids = load(store, [contact(str(i), "P", str(i)) for i in range(6)])
    store.replace_edges([edge(ids[i], ids[i + 1], MatchStatus.AUTO, 0.99) for i in range(5)])
    record_judgement(store, ids[0], ids[1], Verdict.SAME, "ann")
    sample = sample_links(store, 10, seed=1)
    assert len(sample) == 4 and (ids[0], ids[1]) not in sample
    assert sample_links(store, 2, seed=1) == sample_links(store, 2, seed=1)


def test_parse_since() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert parse_since("42").event_id == 42
    assert parse_since("#7").event_id == 7
    assert parse_since("2h", now).time == now - timedelta(hours=2)
    assert parse_since("3d", now).time == now - timedelta(days=3)
    assert parse_since("2026-11-23T08:00").time == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert parse_since(None).event_id == 0 and parse_since(None).time is None
    with pytest.raises(ConfigError):
        parse_since("yesterday-ish")
