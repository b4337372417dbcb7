"""A message's own text names its writer where the address does not: a family mailbox's mail signed `Anna`
joins Anna's contact, one signed by her husband joins him, and a nameless one joins neither."""

from __future__ import annotations

import pytest

from identity_graph.model import BODY_NAME, IdentifierClaim, IdentifierKind, Record
from identity_graph.resolve import resolve_all
from identity_graph.settings import Settings
from identity_graph.store import SQLiteStore
from tests.resolve.conftest import call, load, mail, person, together

BOX = "okaforfamily@gmail.com"


def signed(record: Record, name: str) -> Record:
    """The record as the mail connector gives it when the body is signed `name`."""
    return record.model_copy(update={"attributes": {BODY_NAME: name}})


@pytest.fixture
def family(store: SQLiteStore, settings: Settings) -> list[int]:
    """Anna and Ben Okafor, who both list the family mailbox, and five mails from it."""
    ids = load(
        store,
        [
            person("c1", "Anna", "Okafor", emails=[BOX, "anna.okafor@example.org"], phones=["(718) 555-0151"]),
            person("c2", "Ben", "Okafor", emails=[BOX, "ben.okafor@example.org"], phones=["(718) 555-0152"]),
            signed(mail("m1", BOX), "Anna"),
            signed(mail("m2", BOX), "Ben Okafor"),
            mail("m3", BOX),
            signed(mail("m4", BOX, "The Okafors"), "Anna"),  # a family's display name names no one either
            signed(mail("m5", BOX, "Ben Okafor"), "Anna"),  # the header's own name wins
        ],
        settings,
    )
    resolve_all(store, settings)
    return ids


def test_a_signature_names_the_member_who_wrote(store: SQLiteStore, family: list[int]) -> None:
    anna, ben, by_anna, by_ben, nameless, by_family, by_ben_header = family
    assert together(store, anna, by_anna)
    assert together(store, ben, by_ben)
    assert not together(store, anna, ben)
    assert not together(store, anna, nameless) and not together(store, ben, nameless)
    assert together(store, anna, by_family)
    assert together(store, ben, by_ben_header) and not together(store, anna, by_ben_header)


def test_a_body_name_that_is_no_given_name_is_dropped(store: SQLiteStore, settings: Settings) -> None:
    ids = load(
        store,
        [
            person("c1", "Anna", "Okafor", emails=[BOX]),
            person("c2", "Ben", "Okafor", emails=[BOX]),
            signed(mail("m1", BOX), "Support Team"),
        ],
        settings,
    )
    resolve_all(store, settings)
    anna, ben, team = ids
    assert not together(store, anna, team) and not together(store, ben, team)


def test_a_number_in_a_housemates_signature_makes_the_line_a_households(store: SQLiteStore, settings: Settings) -> None:
    home = "(718) 555-0150"
    signature_number = IdentifierClaim(kind=IdentifierKind.PHONE, raw=home, field="signature")  # declared
    by_ben = mail("m1", "ben.okafor@example.org", "Ben Okafor")
    by_ben = by_ben.model_copy(update={"identifiers": (*by_ben.identifiers, signature_number)})
    alone = load(store, [person("c1", "Anna", "Okafor", phones=[home]), call("k1", home, "OKAFOR ANNA")], settings)
    resolve_all(store, settings)
    assert together(store, *alone)  # a line only Anna is known to use: her caller-ID is her call
    (ben,) = load(store, [by_ben], settings)
    resolve_all(store, settings)
    anna, the_call = alone
    # Ben signs his mail with the same number: a home line, whose caller-ID shows Anna whoever of them calls
    assert not together(store, anna, the_call)
    assert not together(store, anna, ben)
