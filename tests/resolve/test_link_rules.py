"""Link rules below auto-link: an identifier one person uses links a pair, and so do the same full name and one
side's identifier mentioned by the other, even where EM weighs them too weakly; a veto still holds them back."""

from __future__ import annotations

import numpy as np
import pytest

from identity_graph.model import MatchStatus, RecordKind
from identity_graph.resolve import explain_pair, resolve_all, save_model
from identity_graph.resolve.edges import MENTION_NOTE, PERSONAL_NOTE
from identity_graph.resolve.scoring import comparisons_for, rule_links
from identity_graph.settings import MatchingSettings, Settings
from identity_graph.store import SQLiteStore
from matchers.comparisons import NULL
from matchers.model import MatchModel
from tests.resolve.conftest import fixed_model, load, mail, person, together

PHONE = "(503) 555-0147"
#: (comparison, level, m, u): names that say little on their own, as EM finds them inside blocks of one
#: surname, and a mention that says nothing more, so only the rule can link.
WEAK = [
    ("first_name", "exact", 0.85, 0.45),
    ("last_name", "exact", 0.88, 0.7),
    ("phone", "mentioned", 0.01, 0.01),
    ("handle", "personal", 0.3, 0.03),  # as EM put it on one generated set: +3.3 bits
]


def weak_names_model(settings: Settings) -> MatchModel:
    """The fixed model with the WEAK levels."""
    model = fixed_model(settings)
    comps = []
    for comp in model.comparisons:
        levels = list(comp.levels)
        for name, level, m, u in WEAK:
            if comp.name == name:
                levels = [lv.model_copy(update={"m": m, "u": u}) if lv.name == level else lv for lv in levels]
        comps.append(comp.model_copy(update={"levels": levels}))
    return model.model_copy(update={"comparisons": comps})


def _settings(settings: Settings, on: bool) -> Settings:
    # the two records are the only two bearers of their names: the sole-namesake rule is kept out of these tests
    rules = MatchingSettings(named_mention_links=on, personal_identifier_links=on, sole_name_links=False)
    return settings.model_copy(update={"matching": rules})


@pytest.mark.parametrize("on", [True, False])
def test_a_signatures_number_under_the_senders_own_name_links(store: SQLiteStore, settings: Settings, on: bool) -> None:
    chosen = _settings(settings, on)
    ids = load(
        store,
        [
            person("c1", "Arthur", "Wong", phones=[PHONE], emails=["arthur.wong@example.com"]),
            mail("m1", "a.wong@work.example.org", "Arthur Wong", mentioned=[PHONE]),
        ],
        chosen,
    )
    save_model(store, weak_names_model(chosen))
    resolve_all(store, chosen)
    assert together(store, *ids) is on
    explained = explain_pair(store, ids[0], ids[1], chosen)
    assert explained.score < chosen.matching.auto_link  # the weights alone do not link it
    assert (MENTION_NOTE in explained.sentence) is on
    assert explained.status == ("auto" if on else "none")
    edges = [e for e in store.edges([ids[0]]) if ids[1] in (e.left, e.right)]
    assert (bool(edges) and edges[0].status is MatchStatus.AUTO) is on


def test_a_mentioned_number_under_another_name_does_not(store: SQLiteStore, settings: Settings) -> None:
    ids = load(
        store,
        [
            person("c1", "Arthur", "Wong", phones=[PHONE], emails=["arthur.wong@example.com"]),
            mail("m1", "m.wong@work.example.org", "Mei Wong", mentioned=[PHONE]),
        ],
        settings,
    )
    save_model(store, weak_names_model(settings))
    resolve_all(store, settings)
    assert not together(store, *ids)


def test_a_nameless_mail_mentioning_the_number_does_not(store: SQLiteStore, settings: Settings) -> None:
    ids = load(
        store,
        [
            person("c1", "Arthur", "Wong", phones=[PHONE]),
            mail("m1", "someone@example.org", None, mentioned=[PHONE]),
        ],
        settings,
    )
    save_model(store, weak_names_model(settings))
    resolve_all(store, settings)
    assert not together(store, *ids)


@pytest.mark.parametrize("on", [True, False])
def test_a_handle_one_person_uses_links_its_account(store: SQLiteStore, settings: Settings, on: bool) -> None:
    chosen = _settings(settings, on)
    ids = load(
        store,
        [
            person("c1", "Julie", "Morris", handles=["@jm_sketches"], emails=["julie.morris@example.com"]),
            person("x1", source="x", kind=RecordKind.SOCIAL_ACCOUNT, handles=["@jm_sketches"]),
        ],
        chosen,
    )
    save_model(store, weak_names_model(chosen))
    resolve_all(store, chosen)
    assert together(store, *ids) is on
    explained = explain_pair(store, ids[0], ids[1], chosen)
    assert explained.score < chosen.matching.auto_link
    assert (PERSONAL_NOTE in explained.sentence) is on


def test_a_households_handle_does_not_give_a_nameless_account_to_one_member(
    store: SQLiteStore, settings: Settings
) -> None:
    ids = load(
        store,
        [
            person("c1", "Julie", "Morris", handles=["@morrisfamily"]),
            person("c2", "Dan", "Morris", handles=["@morrisfamily"]),
            person("x1", source="x", kind=RecordKind.SOCIAL_ACCOUNT, handles=["@morrisfamily"]),
        ],
        settings,
    )
    save_model(store, weak_names_model(settings))
    resolve_all(store, settings)
    julie, dan, account = ids
    assert not together(store, julie, account)
    assert not together(store, dan, account)


@pytest.mark.parametrize("display", ["anon", "owl gadget", "gamerbyte", "just browsing"])  # `justin` starts `just`
def test_a_profile_name_that_names_no_one_does_not_stop_the_handles_owner(
    store: SQLiteStore, settings: Settings, display: str
) -> None:
    ids = load(
        store,
        [
            person("c1", "Adriana", "Snyder", handles=["@adri_s"], emails=["adriana.snyder@example.com"]),
            person("x1", source="x", kind=RecordKind.SOCIAL_ACCOUNT, full=display, handles=["@adri_s"]),
        ],
        settings,
    )
    resolve_all(store, settings)
    assert together(store, *ids)  # a pseudonym is no second person behind the handle, nor another first name


def test_a_profile_under_another_persons_name_still_conflicts(store: SQLiteStore, settings: Settings) -> None:
    ids = load(
        store,
        [
            person("c1", "Adriana", "Snyder", handles=["@adri_s"]),
            person("x1", source="x", kind=RecordKind.SOCIAL_ACCOUNT, full="Marcus Snyder", handles=["@adri_s"]),
        ],
        settings,
    )
    resolve_all(store, settings)
    assert not together(store, *ids)


@pytest.mark.parametrize(("personal_on", "mention_on"), [(True, True), (False, True), (True, False), (False, False)])
def test_each_rule_has_its_own_switch(settings: Settings, personal_on: bool, mention_on: bool) -> None:
    comparisons = comparisons_for(settings.matching)
    levels = np.full((1, len(comparisons)), NULL, dtype=np.int8)  # one pair that qualifies for both rules
    for k, comp in enumerate(comparisons):
        wanted = {"handle": "personal", "phone": "mentioned", "first_name": "exact", "last_name": "exact"}
        if comp.name in wanted:
            levels[0, k] = comp.levels.index(wanted[comp.name])
    rules = MatchingSettings(personal_identifier_links=personal_on, named_mention_links=mention_on)
    personal, mention = rule_links(levels, comparisons, np.ones(1, dtype=bool), rules)
    assert bool(personal[0]) is personal_on
    assert bool(mention[0]) is (mention_on and not personal_on)  # one reason per edge: the personal id first
    blocked, _ = rule_links(levels, comparisons, np.zeros(1, dtype=bool), rules)
    assert not blocked.any()  # a vetoed or anchorless pair is never linked by rule
