"""Shared identifiers: households, family mailboxes and switchboards must not merge different people."""

from __future__ import annotations

from datetime import date

from identity_graph.model import MatchStatus
from identity_graph.resolve import resolve_all
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from tests.resolve.conftest import call, load, mail, person, together

HOME = "(415) 555-0134"


def test_twins_sharing_a_home_phone_stay_apart(store: SQLiteStore, settings: Settings) -> None:
    ids = load(
        store,
        [
            person("t1", "John", "Smith", dob=date(1990, 1, 1), phones=[HOME], street="1 Oak St", city="Reno"),
            person("t2", "Jane", "Smith", dob=date(1992, 5, 5), phones=[HOME], street="1 Oak St", city="Reno"),
            call("c1", HOME, "SMITH JOHN"),
            call("c2", HOME, "SMITH JANE"),
        ],
        settings,
    )
    resolve_all(store, settings)
    john, jane, call_john, call_jane = ids
    assert not together(store, john, jane)
    assert together(store, john, call_john)  # LAST FIRST caller-ID, read crossed
    assert together(store, jane, call_jane)
    assert not together(store, call_john, call_jane)
    edge = [e for e in store.edges([john]) if jane in (e.left, e.right)]
    assert all(e.status is not MatchStatus.AUTO for e in edge)


def test_twins_with_the_same_birthday_stay_apart(store: SQLiteStore, settings: Settings) -> None:
    born = date(1990, 1, 1)
    ids = load(
        store,
        [
            person("t1", "James", "Smith", dob=born, phones=[HOME], street="1 Oak St", city="Reno", postcode="89501"),
            person("t2", "John", "Smith", dob=born, phones=[HOME], street="1 Oak St", city="Reno", postcode="89501"),
        ],
        settings,
    )
    resolve_all(store, settings)
    assert not together(store, *ids)


def test_family_mailbox_does_not_merge_the_family(store: SQLiteStore, settings: Settings) -> None:
    box = "wellsfamily@gmail.com"
    ids = load(
        store,
        [
            person("w1", "Tom", "Wells", emails=["tom.wells@outlook.com", box], phones=["(212) 555-0101"]),
            person("w2", "Anna", "Wells", emails=["anna.wells@yahoo.com", box], phones=["(212) 555-0102"]),
            mail("m1", box, "Tom Wells"),
            mail("m2", box, "Anna Wells"),
            mail("m3", box, "The Wells"),
        ],
        settings,
    )
    resolve_all(store, settings)
    tom, anna, mail_tom, mail_anna, _ = ids
    assert not together(store, tom, anna)
    assert not together(store, mail_tom, mail_anna)
    assert together(store, tom, mail_tom)
    assert together(store, anna, mail_anna)


def test_switchboard_callers_stay_apart(store: SQLiteStore, settings: Settings) -> None:
    board = "(312) 555-0100"
    names = ["Ava Stone", "Liam Park", "Noah Reyes", "Emma Quinn", "Mia Cole", "Lucas Hart"]
    staff = [person(f"s{i}", *n.split(), phones=[board, f"(312) 555-01{10 + i}"]) for i, n in enumerate(names)]
    calls = [call(f"c{i}", board, "GLOBEX CORPORAT") for i in range(8)]
    ids = load(store, [*staff, *calls], settings)
    resolve_all(store, settings)
    persons = store.assignments(ids)
    assert len({persons[i] for i in ids[: len(staff)]}) == len(staff)
    # a company's caller-ID says nothing about which employee called: those calls stay unlinked
    assert len({persons[i] for i in ids[len(staff) :]}) == len(calls)
    assert not any(e.status is MatchStatus.AUTO for e in store.edges(ids[: len(staff)]) if e.right in ids[: len(staff)])


def test_a_mentioned_phone_is_never_enough_alone(store: SQLiteStore, settings: Settings) -> None:
    ids = load(
        store,
        [
            person("p1", "Rosa", "Hart", phones=["(215) 555-0126"]),
            mail("m1", "stranger@example.org", None, mentioned=["(215) 555-0126"]),
        ],
        settings,
    )
    resolve_all(store, settings)
    assert not together(store, *ids)


def test_shared_phone_links_one_persons_records(store: SQLiteStore, settings: Settings) -> None:
    phone = "(646) 555-0153"
    ids = load(
        store,
        [
            person("j1", "Janet", "Hayes", phones=[phone], emails=["jhayes@gmail.com"]),
            call("c1", phone, "HAYES JANET"),
            call("c2", phone),
            call("c3", phone),
            mail("m1", "jhayes@gmail.com", "Janet Hayes"),
        ],
        settings,
    )
    resolve_all(store, settings)
    assert len(set(store.assignments(ids).values())) == 1


def test_a_nameless_call_on_a_household_phone_is_not_given_to_one_member(
    store: SQLiteStore, settings: Settings
) -> None:
    ids = load(
        store,
        [
            person("h1", "Olivia", "Thompson", phones=[HOME]),
            person("h2", "Marcus", "Thompson", phones=[HOME]),
            call("n1", HOME),
        ],
        settings,
    )
    resolve_all(store, settings)
    olivia, marcus, nameless = ids
    assert not together(store, olivia, nameless)
    assert not together(store, marcus, nameless)
    assert not together(store, olivia, marcus)


def test_a_mentioned_phone_counts_when_the_names_agree(store: SQLiteStore, settings: Settings) -> None:
    phone = "(215) 555-0126"
    ids = load(
        store,
        [
            person("p1", "Robert", "Hartigan", phones=[phone], emails=["robert.h@gmail.com"]),
            mail("m1", "bhartigan@work.example.org", "Bob Hartigen", mentioned=[phone]),
        ],
        settings,
    )
    resolve_all(store, settings)
    # the names agree (a nickname, a typo) but would not link on their own; the signature's number is his
    assert together(store, *ids)


def test_a_mentioned_phone_of_someone_else_in_the_household_does_not_link(
    store: SQLiteStore, settings: Settings
) -> None:
    phone = "(215) 555-0126"
    ids = load(
        store,
        [
            person("p1", "Robert", "Hartigan", phones=[phone], emails=["robert.h@gmail.com"]),
            mail("m1", "ohartigan@work.example.org", "Oscar Hartigan", mentioned=[phone]),
        ],
        settings,
    )
    resolve_all(store, settings)
    assert not together(store, *ids)  # "you can reach my wife at ..." names another person
