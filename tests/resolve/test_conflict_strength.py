"""How hard a conflict is comes from the data: a conflicting first name or dob vetoes a link only while EM
finds such conflicts rare among true matches, and only an estimate with enough matches behind it lifts it."""

from __future__ import annotations

from datetime import date

import pytest

from identity_graph.prepare import prepare_record
from identity_graph.resolve import resolve_all, resolve_records, save_model
from identity_graph.resolve.scoring import strong_conflicts
from identity_graph.settings import MatchingSettings, Settings
from identity_graph.store import SQLiteStore
from matchers.model import MatchModel
from tests.resolve.conftest import fixed_model, load, person, together

HOME = "(775) 555-0190"
#: Enough training pairs that the conflicts' estimates below rest on hundreds of matches.
MANY_PAIRS = 20_000


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


def test_a_conflict_rare_among_matches_vetoes(settings: Settings) -> None:
    model = with_conflict_rate(fixed_model(settings), "first_name", 0.001, MANY_PAIRS)
    model = with_conflict_rate(model, "dob", 0.01, MANY_PAIRS)
    assert strong_conflicts(model, settings.matching) == ("first_name", "dob")


def test_a_conflict_common_among_matches_is_only_a_weight(settings: Settings) -> None:
    model = with_conflict_rate(fixed_model(settings), "first_name", 0.10, MANY_PAIRS)
    model = with_conflict_rate(model, "dob", 0.01, MANY_PAIRS)
    assert strong_conflicts(model, settings.matching) == ("dob",)
    model = with_conflict_rate(model, "dob", 0.05, MANY_PAIRS)
    assert strong_conflicts(model, settings.matching) == ()


def test_a_small_stores_estimate_does_not_lift_a_veto(settings: Settings) -> None:
    model = with_conflict_rate(fixed_model(settings), "first_name", 0.10, 100)
    model = with_conflict_rate(model, "dob", 0.05, 100)
    assert strong_conflicts(model, settings.matching) == ("first_name", "dob")


def test_the_thresholds_are_settings(settings: Settings) -> None:
    model = with_conflict_rate(fixed_model(settings), "first_name", 0.10, MANY_PAIRS)
    strict = MatchingSettings(conflict_veto_max_m=0.5)
    assert "first_name" in strong_conflicts(model, strict)
    needy = MatchingSettings(conflict_veto_min_matches=10**6)
    assert "first_name" in strong_conflicts(model, needy)


TWINS = [
    ("t1", "James", "Smith"),
    ("t2", "John", "Smith"),
]


@pytest.mark.parametrize(("rate", "linked"), [(0.001, False), (0.12, True)])
def test_same_birthday_different_first_names_follow_the_learned_rate(
    store: SQLiteStore, settings: Settings, rate: float, linked: bool
) -> None:
    born = date(1990, 1, 1)
    twins = [
        person(sid, first, last, dob=born, phones=[HOME], street="1 Oak St", city="Reno", postcode="89501")
        for sid, first, last in TWINS
    ]
    ids = load(store, twins, settings)
    save_model(store, with_conflict_rate(fixed_model(settings), "first_name", rate, MANY_PAIRS))
    resolve_all(store, settings)
    assert together(store, *ids) is linked


@pytest.mark.parametrize(("rate", "linked"), [(0.001, False), (0.08, True)])
def test_same_name_different_birthdays_follow_the_learned_rate(
    store: SQLiteStore, settings: Settings, rate: float, linked: bool
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
    assert together(store, *ids) is linked


@pytest.mark.parametrize(("rate", "linked"), [(0.001, False), (0.12, True)])
def test_a_real_time_add_gives_batchs_answer(store: SQLiteStore, settings: Settings, rate: float, linked: bool) -> None:
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
    assert together(store, first_id, added.id) is linked
