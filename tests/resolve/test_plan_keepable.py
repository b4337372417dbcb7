"""The batch plan scores only the pairs whose pattern of levels may hold a pair worth keeping (`kept.keepable`):
no pair's total exceeds its pattern's best (`scoring.best_totals`), every pair `kept_rows` keeps has a keepable
pattern, most patterns of a real set are not, and a pattern the rules link at any score stays keepable however
little it weighs. On a generated set (every identifier kind, households) and febrl3 (typos, term-frequency
weights on names)."""

from __future__ import annotations

import numpy as np
import pytest

from identity_graph.resolve.plan.kept import BOUND_MARGIN, bearer_names, keepable, kept_rows
from identity_graph.resolve.scoring import Scored, best_totals, comparisons_for
from identity_graph.resolve.training import load_model
from identity_graph.settings import MatchingSettings, Settings
from identity_graph.store import open_store
from matchers.comparisons import NULL
from matchers.model import MatchModel
from tests.resolve.engines import scored_case


@pytest.fixture(scope="module", params=["generated", "febrl3"])
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Scored, Settings]:
    return scored_case(request.param, tmp_path_factory.mktemp(request.param), 26)


def _model(settings: Settings) -> MatchModel:
    """The model `scored_as_resolve_all` trained and saved."""
    store = open_store(settings.db)
    try:
        model = load_model(store, settings.matching)
    finally:
        store.close()
    assert model is not None
    return model


def test_no_pair_outweighs_its_patterns_best(case: tuple[Scored, Settings]) -> None:
    scored, settings = case
    best = best_totals(scored.levels, _model(settings), comparisons_for(settings.matching))
    assert len(scored) > 1000
    assert np.all(scored.total <= best + BOUND_MARGIN)
    # the bound is tight where no term frequency can raise a weight: some pairs sit on it
    assert np.any(np.isclose(scored.total, best, atol=1e-4))


def test_every_kept_pair_has_a_keepable_pattern(case: tuple[Scored, Settings]) -> None:
    scored, settings = case
    ms = settings.matching
    kept = kept_rows(scored, bearer_names(scored.ctx.table), ms)
    allowed = keepable(scored.levels, _model(settings), ms)
    assert kept.any()
    assert not np.any(kept & ~allowed)
    # and the bound is close: the pairs scored are hardly more than those kept (a third to a half of these
    # small sets' pairs; 152k of 3.7M at 300k febrl-pool records)
    assert not allowed.all()
    assert allowed.sum() <= 1.2 * kept.sum()


def test_a_rule_link_is_keepable_at_any_weight(case: tuple[Scored, Settings]) -> None:
    settings = case[1]
    comparisons = comparisons_for(settings.matching)
    names = [c.name for c in comparisons]
    pattern = np.full((1, len(comparisons)), NULL, dtype=np.int8)
    pattern[0, names.index("phone")] = comparisons[names.index("phone")].levels.index("personal")
    for k, comp in enumerate(comparisons):  # everything else known and disagreeing
        if comp.name != "phone":
            pattern[0, k] = len(comp.levels) - 1
    model = _model(settings)
    assert model.probability(best_totals(pattern, model, comparisons))[0] < settings.matching.review
    assert keepable(pattern, model, settings.matching)[0]
    ruleless = MatchingSettings.model_validate({**settings.matching.model_dump(), "personal_identifier_links": False})
    assert not keepable(pattern, model, ruleless)[0]
