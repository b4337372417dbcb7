"""Domain priors that EM refines and bounds it cannot cross: a small store reads as the priors say, a large one
as its data says, and no estimate makes a household's share or a conflict count like a person's evidence."""

from __future__ import annotations

import numpy as np
import pytest

from identity_graph.resolve.scoring import cap_address
from matchers.comparisons import default_comparisons
from matchers.em import build_model, domain_priors, expectation_maximisation, train_em
from matchers.priors import (
    ADDRESS_MAX_BITS,
    CONFLICT_MAX_BITS,
    HOUSEHOLD_MAX_BITS,
    LEVEL_PRIORS,
    prior_shares,
    weight_bounds,
)
from tests.matchers.test_model import synthetic_levels

COMPARISONS = default_comparisons(0.88)
N_LEVELS = [len(c.levels) for c in COMPARISONS]


def _level(name: str, level: str) -> tuple[int, int]:
    k = next(i for i, c in enumerate(COMPARISONS) if c.name == name)
    return k, COMPARISONS[k].levels.index(level)


def test_every_comparison_level_has_a_prior_that_is_a_distribution() -> None:
    for comp in COMPARISONS:
        assert set(LEVEL_PRIORS[comp.name]) == set(comp.levels), comp.name
        m, u = prior_shares(comp.name, comp.levels)
        assert sum(m) == pytest.approx(1.0) and sum(u) == pytest.approx(1.0)


def test_priors_decide_a_tiny_store_and_data_a_large_one() -> None:
    """Two pairs cannot make a household's shared phone strong evidence; thousands of pairs still teach EM."""
    k, household = _level("phone", "household")
    tiny = np.full((6, len(COMPARISONS)), -1, dtype=np.int8)
    for name in ("first_name", "last_name", "dob"):  # three pairs agree on all, three on nothing
        col, _ = _level(name, "else")
        tiny[:3, col], tiny[3:, col] = 0, len(COMPARISONS[col].levels) - 1
    tiny[:3, k], tiny[3:, k] = household, COMPARISONS[k].levels.index("different")
    prior_m, prior_u = LEVEL_PRIORS["phone"]["household"]
    prior_bits = np.log2(prior_m / prior_u)
    m, u, _, _ = expectation_maximisation(tiny, N_LEVELS, domain_priors(COMPARISONS))
    with_priors = np.log2(m[k][household] / u[k][household])
    m_free, u_free, _, _ = expectation_maximisation(tiny, N_LEVELS)
    free = np.log2(m_free[k][household] / u_free[k][household])  # without priors, three pairs decide
    assert abs(with_priors - prior_bits) < 1.0 < abs(free - prior_bits)
    large, _ = synthetic_levels(4000, 8000)
    trained = train_em(COMPARISONS, large)
    without = build_model(COMPARISONS, *expectation_maximisation(large, N_LEVELS)[:2], 0.3, len(large), "em")
    for a, b in zip(trained.level_weights(), without.level_weights(), strict=True):
        assert abs(a[0] - b[0]) < 0.3 and abs(a[-1] - b[-1]) < 0.3  # levels seen thousands of times: data decides


def test_no_estimate_makes_a_household_share_or_a_conflict_strong() -> None:
    """Whatever m and u say, a household's phone weighs at most HOUSEHOLD_MAX_BITS and a different first name
    or dob at most CONFLICT_MAX_BITS."""
    m, u = domain_priors(COMPARISONS)
    for name, level in (("phone", "household"), ("email", "household"), ("first_name", "else"), ("dob", "else")):
        k, at = _level(name, level)
        m[k] = m[k].copy()
        m[k][at] = 0.9  # an estimate that would make the level strong evidence for a match
        m[k] = m[k] / m[k].sum()
    weights = build_model(COMPARISONS, m, u, 0.1, 10_000, "test").level_weights()
    bounds = [("phone", "household", HOUSEHOLD_MAX_BITS), ("email", "household", HOUSEHOLD_MAX_BITS),
              ("first_name", "else", CONFLICT_MAX_BITS), ("dob", "else", CONFLICT_MAX_BITS)]  # fmt: skip
    for name, level, bound in bounds:
        k, at = _level(name, level)
        assert float(weights[k][at]) <= bound, (name, level)
        assert weight_bounds(name, COMPARISONS[k].levels)[at][1] == bound


def test_an_address_adds_at_most_its_cap_and_keeps_its_disagreements() -> None:
    names = [c.name for c in COMPARISONS]
    weights = np.zeros((2, len(COMPARISONS)), dtype=np.float32)
    for name, w in (("street", 12.0), ("city", 6.0), ("postcode", 8.0), ("state", 2.0), ("first_name", -3.0)):
        weights[0, names.index(name)] = w
    weights[1, names.index("street")], weights[1, names.index("city")] = 4.0, -2.0
    cap_address(weights, COMPARISONS)
    address = [names.index(n) for n in ("street", "city", "postcode", "state")]
    assert float(np.maximum(weights[0, address], 0).sum()) == pytest.approx(ADDRESS_MAX_BITS)
    assert float(weights[0, names.index("first_name")]) == -3.0  # the rest untouched
    assert float(weights[1, names.index("street")]) == 4.0 and float(weights[1, names.index("city")]) == -2.0
