"""The match model: JSON round trip, refusal of foreign files, weights, term frequencies, EM, labels."""

from __future__ import annotations

import json

import numpy as np
import pytest

from matchers.comparisons import NULL, default_comparisons
from matchers.em import expectation_maximisation, train_em, train_from_labels
from matchers.model import MatchModel, ModelFormatError, exact_u, tf_tables

COMPARISONS = default_comparisons(0.88)
N_LEVELS = [len(c.levels) for c in COMPARISONS]


def synthetic_levels(n_match: int, n_non: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Level rows drawn from known m (matches mostly at the best level) and u (non-matches mostly at worst)."""
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for is_match, n in ((True, n_match), (False, n_non)):
        for _ in range(n):
            row = []
            for levels in N_LEVELS:
                best = rng.random() < (0.9 if is_match else 0.05)
                row.append(0 if best else levels - 1 if rng.random() < 0.8 else rng.integers(0, levels))
            rows.append(row)
            labels.append(is_match)
    return np.array(rows, dtype=np.int8), np.array(labels)


def test_em_recovers_matches_and_prior() -> None:
    levels, _ = synthetic_levels(300, 2700)
    m, u, prior, rounds = expectation_maximisation(levels, N_LEVELS)
    assert 0.05 < prior < 0.2  # truth is 0.1
    assert rounds >= 1
    for mk, uk in zip(m, u, strict=True):
        assert mk[0] > uk[0]  # the best level is more frequent among matches


def test_trained_model_scores_matches_high() -> None:
    levels, labels = synthetic_levels(300, 2700)
    model = train_em(COMPARISONS, levels)
    prob = model.probability(model.weights(levels).sum(axis=1))
    predicted = prob >= 0.5
    assert (predicted == labels).mean() > 0.97


def test_json_round_trip_and_refusals() -> None:
    levels, _ = synthetic_levels(50, 450)
    model = train_em(COMPARISONS, levels)
    text = model.to_json()
    again = MatchModel.from_json(text)
    assert again == model
    again.check(COMPARISONS)
    data = json.loads(text)
    data["format"] = 99
    with pytest.raises(ModelFormatError, match="format 99"):
        MatchModel.from_json(json.dumps(data))
    with pytest.raises(ModelFormatError, match="not JSON"):
        MatchModel.from_json("\x80pickle")
    with pytest.raises(ModelFormatError, match="retrain"):
        model.check(COMPARISONS[:-1])


def test_weights_are_zero_for_unknown_and_clipped() -> None:
    levels, _ = synthetic_levels(50, 450)
    model = train_em(COMPARISONS, levels)
    row = np.full((1, len(COMPARISONS)), NULL, dtype=np.int8)
    assert float(model.weights(row).sum()) == 0.0
    assert all(abs(w).max() <= 24.0 for w in model.level_weights())


def test_term_frequency_makes_rare_surnames_count_more() -> None:
    surnames = np.array(["smith"] * 50 + ["zabrowski"] * 2 + [f"n{i}" for i in range(48)], dtype=object)
    tf, totals = tf_tables({"last": surnames})
    assert tf["last"]["smith"] == pytest.approx(0.5)
    assert totals["last"] == 100
    assert exact_u(surnames) == pytest.approx(0.25 + 0.0004 + 48 * 0.0001)
    levels, _ = synthetic_levels(50, 450)
    model = train_em(COMPARISONS, levels, {"last": surnames})
    k = [c.name for c in COMPARISONS].index("last_name")
    exact = np.full((2, len(COMPARISONS)), NULL, dtype=np.int8)
    exact[:, k] = 0
    values = np.array(["smith", "zabrowski"], dtype=object)
    w = model.weights(exact, {"last_name": (values, values)})[:, k]
    assert w[1] > w[0]


def test_labels_move_m_towards_what_stewards_saw() -> None:
    levels, _ = synthetic_levels(100, 900)
    model = train_em(COMPARISONS, levels)
    k = [c.name for c in COMPARISONS].index("dob")
    judged = np.full((40, len(COMPARISONS)), NULL, dtype=np.int8)
    judged[:, k] = 2  # every pair the stewards called "same" had a one-digit dob difference
    updated = train_from_labels(model, judged, np.ones(40, dtype=bool))
    assert updated.trained_by == "labels"
    before = model.comparisons[k].levels[2].m
    after = updated.comparisons[k].levels[2].m
    assert after > before
    assert sum(lv.m for lv in updated.comparisons[k].levels) == pytest.approx(1.0)


def test_term_frequency_weights_are_the_same_one_by_one_and_by_distinct_value() -> None:
    from matchers.model import TF_DISTINCT_MIN

    surnames = np.array(["smith"] * 50 + ["zabrowski"] * 2 + [f"n{i}" for i in range(48)], dtype=object)
    levels, _ = synthetic_levels(50, 450)
    model = train_em(COMPARISONS, levels, {"last": surnames})
    k = [c.name for c in COMPARISONS].index("last_name")
    rng = np.random.default_rng(3)
    values = rng.choice(np.array(["smith", "zabrowski", "n7", "unseen", ""], dtype=object), 3 * TF_DISTINCT_MIN)
    exact = np.full((len(values), len(COMPARISONS)), NULL, dtype=np.int8)
    exact[:, k] = 0
    many = model.weights(exact, {"last_name": (values, values)})[:, k]  # by distinct value
    few = np.concatenate(
        [
            model.weights(exact[i : i + 10], {"last_name": (values[i : i + 10], values[i : i + 10])})[:, k]
            for i in range(0, len(values), 10)
        ]
    )
    np.testing.assert_array_equal(many, few)
    assert len(set(many.tolist())) >= 3
