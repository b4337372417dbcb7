"""No estimate switches a safeguard off: a conflicting first name or date of birth vetoes a link (and stops
the over-merge guard's chains) whatever share of true matches EM finds with such a conflict, on a small store
as on a large one. EM may weigh the conflict, within bounds that never let it count for a match."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from identity_graph.prepare import prepare_record
from identity_graph.resolve import resolve_all, resolve_records, save_model
from identity_graph.resolve.scoring import strong_conflicts
from identity_graph.settings import MatchingSettings, Settings
from identity_graph.store import SQLiteStore
from matchers.model import MatchModel
from matchers.priors import CONFLICT_MAX_BITS
from tests.resolve.conftest import fixed_model, load, person, together

HOME = "(775) 555-0190"
#: Enough training pairs that the conflicts' estimates below rest on hundreds of matches.
MANY_PAIRS = 20_000
#: Conflict rates EM estimated on data we did not write (0.025-0.033 on a multi-channel set, 0.44 on a
#: hand-made truth set), beside a rate as rare as twins.
RATES = [0.001, 0.03, 0.12, 0.44]


def with_conflict_rate(model: MatchModel, comparison: str, m: float, pairs: int) -> MatchModel:
    """A copy of `model` whose `comparison` conflicts (level `else`) in a share `m` of true matches."""
    comps = []
    for comp in model.comparisons:
        if comp.name == comparison:
            levels = [lv.model_copy(update={"m": m}) if lv.name == "else" else lv for lv in comp.levels]
            spare = 1.0 - sum(lv.m for lv in levels)
            levels[0] = levels[0].model_copy(update={"m": levels[0].m + spare})  # the rest stays a distribution
            comp = comp.model_copy(update={"levels": levels})
        comps.append(comp)
    return model.model_copy(update={"comparisons": comps, "pairs": pairs})


def test_both_conflicts_are_always_strong() -> None:
    assert strong_conflicts() == ("first_name", "dob")


@pytest.mark.parametrize("rate", RATES)
def test_a_conflict_never_weighs_for_a_match(settings: Settings, rate: float) -> None:
    model = with_conflict_rate(fixed_model(settings), "first_name", rate, MANY_PAIRS)
    model = with_conflict_rate(model, "dob", rate, MANY_PAIRS)
    for comp, weights in zip(model.comparisons, model.level_weights(), strict=True):
        if comp.name in ("first_name", "dob"):
            assert float(weights[-1]) <= CONFLICT_MAX_BITS


TWINS = [
    ("t1", "James", "Smith"),
    ("t2", "John", "Smith"),
]


@pytest.mark.parametrize("rate", RATES)
def test_twins_stay_apart_whatever_the_learned_rate(store: SQLiteStore, settings: Settings, rate: float) -> None:
    born = date(1990, 1, 1)
    twins = [
        person(sid, first, last, dob=born, phones=[HOME], street="1 Oak St", city="Reno", postcode="89501")
        for sid, first, last in TWINS
    ]
    ids = load(store, twins, settings)
    save_model(store, with_conflict_rate(fixed_model(settings), "first_name", rate, MANY_PAIRS))
    resolve_all(store, settings)
    assert not together(store, *ids)


@pytest.mark.parametrize("rate", RATES)
def test_a_father_and_son_stay_apart_whatever_the_learned_rate(
    store: SQLiteStore, settings: Settings, rate: float
) -> None:
    ids = load(
        store,
        [
            person("f1", "Robert", "Hale", dob=date(1961, 3, 14), phones=[HOME], street="7 Elm St", city="Reno"),
            person("f2", "Robert", "Hale", dob=date(1989, 11, 2), phones=[HOME], street="7 Elm St", city="Reno"),
        ],
        settings,
    )
    save_model(store, with_conflict_rate(fixed_model(settings), "dob", rate, MANY_PAIRS))
    resolve_all(store, settings)
    assert not together(store, *ids)


@pytest.mark.parametrize("rate", RATES)
def test_a_real_time_add_gives_batchs_answer(store: SQLiteStore, settings: Settings, rate: float) -> None:
    born = date(1990, 1, 1)
    first, second = (
        person(sid, given, last, dob=born, phones=[HOME], street="1 Oak St", city="Reno") for sid, given, last in TWINS
    )
    (first_id,) = load(store, [first], settings)
    save_model(store, with_conflict_rate(fixed_model(settings), "first_name", rate, MANY_PAIRS))
    resolve_all(store, settings)
    store.upsert_batch([prepare_record(second, "US")])
    added = store.find_record(second.source, second.source_id)
    assert added is not None
    resolve_records(store, [added.id], settings)
    assert not together(store, first_id, added.id)


@pytest.mark.parametrize("name", ["conflict_veto_max_m", "conflict_veto_min_matches"])
def test_a_removed_setting_is_refused_with_what_replaced_it(name: str) -> None:
    with pytest.raises(ValidationError, match=f"{name} was removed"):
        MatchingSettings.model_validate({name: 0.5})
