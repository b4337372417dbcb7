"""Home lines: the caller-ID of a line several people use shows its subscriber, whoever of them calls."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from identity_graph.model import MatchStatus
from identity_graph.prepare import prepare_record
from identity_graph.resolve import resolve_all, resolve_records
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore, open_store
from tests.resolve.conftest import call, load, person, together

HOME = "+1 313 555 0112"
MOBILE = "+1 313 555 0163"


def _status(store: SQLiteStore, a: int, b: int) -> MatchStatus | None:
    edges = [e for e in store.edges([a]) if b in (e.left, e.right)]
    return edges[0].status if edges else None


def test_a_phone_beside_a_mobile_is_the_contacts_own_until_the_data_shows_others_on_it(
    store: SQLiteStore, settings: Settings
) -> None:
    """A CRM `Phone` beside a `MobilePhone` is no shared line by itself (CRM "Brandon Bowen" and caller-ID
    "BOWEN BRANDON" on it were held back on every call): only several people seen on it make it one."""
    ids = load(
        store,
        [
            person("jane", "Jane", "Edwards", dob=date(1998, 5, 24), phones=[HOME], mobiles=[MOBILE]),
            call("c-home", HOME, "EDWARDS JANE"),
            call("c-mobile", MOBILE, "EDWARDS JANE"),
        ],
        settings,
    )
    resolve_all(store, settings)
    jane, home_call, mobile_call = ids
    assert together(store, jane, mobile_call)  # her own mobile: her call
    assert together(store, jane, home_call)  # nobody else is seen on that line or at her home


def test_a_home_line_of_two_residents_is_a_households_even_if_one_lists_it(
    store: SQLiteStore, settings: Settings
) -> None:
    ids = load(
        store,
        [
            person("jane", "Jane", "Edwards", dob=date(1998, 5, 24), phones=[HOME], street="2016 Birch Ave, Apt. 11",
                   city="Detroit", postcode="48275"),
            person("malik", "Malik", "Edwards", dob=date(1998, 5, 24), street="2016 Birch Ave. #11",
                   city="Detroit", postcode="48275-1146"),
            call("c1", HOME, "EDWARDS JANE"),
        ],
        settings,
    )  # fmt: skip
    resolve_all(store, settings)
    jane, malik, home_call = ids
    assert not together(store, jane, malik)
    assert not together(store, jane, home_call)
    assert not together(store, malik, home_call)


def test_a_lone_contacts_line_still_links_its_calls(store: SQLiteStore, settings: Settings) -> None:
    ids = load(store, [person("ann", "Ann", "Wells", phones=[HOME]), call("c1", HOME, "WELLS ANN")], settings)
    resolve_all(store, settings)
    assert together(store, *ids)


def test_a_phone_someone_lists_as_their_mobile_is_never_a_homes_line(store: SQLiteStore, settings: Settings) -> None:
    """Marcus lists his mobile as `MobilePhone` in one CRM and as plain `Phone` in another; he lives with two
    others. The number is his own: his call on it is his, as on any personal mobile."""
    at_home = "1627 Cedar Street Apt 6"
    ids = load(
        store,
        [
            person("m1", "Marcus", "Owens", mobiles=[MOBILE], street=at_home, postcode="46242"),
            person("m2", "Marcus", "Owens", phones=[MOBILE], street=at_home, postcode="46242"),
            person("a1", "Amy", "Aberg", street=at_home, postcode="46242"),
            person("a2", "Anthony", "Aberg", street=at_home, postcode="46242"),
            call("c1", MOBILE, "OWENS MARCUS"),
        ],
        settings,
    )
    resolve_all(store, settings)
    m1, m2, amy, anthony, the_call = ids
    assert together(store, m1, m2) and together(store, m1, the_call)
    assert not together(store, m1, amy) and not together(store, amy, anthony)


def test_the_mobile_rule_holds_in_real_time(tmp_path: Path, settings: Settings) -> None:
    """The same four people, the call arriving last through the real-time path: it joins Marcus as in batch."""
    at_home = "1627 Cedar Street Apt 6"
    people = [
        person("m1", "Marcus", "Owens", mobiles=[MOBILE], street=at_home, postcode="46242"),
        person("m2", "Marcus", "Owens", phones=[MOBILE], street=at_home, postcode="46242"),
        person("a1", "Amy", "Aberg", street=at_home, postcode="46242"),
        person("a2", "Anthony", "Aberg", street=at_home, postcode="46242"),
    ]
    live = open_store(tmp_path / "live.db")
    try:
        load(live, people, settings)
        resolve_all(live, settings)
        live.upsert_batch([prepare_record(call("c1", MOBILE, "OWENS MARCUS"), "US")])
        marcus, the_call = live.find_record("crm", "m1"), live.find_record("calls", "c1")
        assert marcus is not None and the_call is not None
        resolve_records(live, [the_call.id], settings)
        assert together(live, marcus.id, the_call.id)
    finally:
        live.close()
