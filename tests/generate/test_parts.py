"""The small pieces: the phone pool, written variants of names, numbers and addresses."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from rapidfuzz.distance import Levenshtein

from identity_graph.generate.constants import HOTLINES
from identity_graph.generate.identities import IdentityFactory
from identity_graph.generate.names import area_codes, nickname_table
from identity_graph.generate.phones import PhonePool
from identity_graph.generate.population import build_population
from identity_graph.generate.variants import (
    carrier_number,
    cnam,
    email_variant,
    format_phone,
    strip_accents,
    typo,
)
from matchers.normalize import normalize_email, normalize_phone, phone_extension


def test_pool_hands_out_each_number_once_and_never_ours() -> None:
    """Until the range runs out, every number is new, valid, fictional and not one of our hotlines."""
    pool = PhonePool(random.Random(1), HOTLINES)
    local = ("415",)
    numbers = [pool.take(local) for _ in range(500)]
    assert len(set(numbers)) == len(numbers)
    assert sum(n.startswith("415") for n in numbers) == 99  # the local range minus our hotline
    assert not {f"+1{n}" for n in numbers} & set(HOTLINES)
    for n in numbers:
        assert phonenumbers.is_valid_number(phonenumbers.parse(f"+1{n}")), n
        assert n[3:8] == "55501"
    assert pool.recycled == 0


def test_pool_recycles_only_when_exhausted() -> None:
    """Past every fictional number the pool reuses numbers and counts it."""
    pool = PhonePool(random.Random(2), HOTLINES)
    ours = sum(1 for h in HOTLINES if h[2:5] in area_codes())  # the toll-free line is outside the pool anyway
    total = 100 * len(area_codes()) - ours
    for _ in range(total):
        pool.take(("212",))
    assert pool.recycled == 0
    again = pool.take(("212",))
    assert pool.recycled == 1 and again.startswith("212") and f"+1{again}" not in HOTLINES


@pytest.mark.parametrize("seed", range(20))
def test_phone_formats_parse_back_to_the_same_number(seed: int) -> None:
    """Every written form of a number, with or without extension, normalizes to the same E.164."""
    rng = random.Random(seed)
    written = format_phone(rng, "4155550134", "204" if seed % 2 else None)
    assert normalize_phone(written) == "+14155550134", written
    assert phone_extension(written) == ("204" if seed % 2 else None)
    assert normalize_phone(carrier_number(rng, "4155550134")) == "+14155550134"


@pytest.mark.parametrize("seed", range(30))
def test_email_variants_reach_the_same_mailbox(seed: int) -> None:
    """Dots, +tags, googlemail and case change the text but not the mailbox."""
    rng = random.Random(seed)
    for address in ("bob.smith@gmail.com", "liz@outlook.com", "peggy.k@icloud.com", "bill@yahoo.com"):
        variant = email_variant(rng, address)
        assert normalize_email(variant) == normalize_email(address), (address, variant)


@pytest.mark.parametrize("seed", range(30))
def test_typos_are_one_slip(seed: int) -> None:
    """A typo is a transposition (two edits) or one dropped or doubled letter."""
    rng = random.Random(seed)
    word = "Margaret"
    slipped = typo(rng, word)
    assert 1 <= Levenshtein.distance(word, slipped) <= 2 or slipped == word
    assert sorted(slipped) == sorted(word) or abs(len(slipped) - len(word)) == 1


def test_caller_id_name_is_carrier_shaped() -> None:
    """CNAM: upper case, LAST FIRST, ASCII, at most 15 characters."""
    assert cnam("Smith", "John") == "SMITH JOHN"
    assert cnam("Papadopoulos", "Rubén") == "PAPADOPOULOS RU"
    assert cnam("Núñez", "José") == "NUNEZ JOSE"
    assert strip_accents("Łukasz Søndergaard") == "Lukasz Sondergaard"


def test_nickname_table_knows_the_classics() -> None:
    """Our list and the nicknames package together cover the common pairs."""
    table = nickname_table()
    assert "Bob" in table["Robert"] and "Liz" in table["Elizabeth"]
    assert "Bill" in table["William"] and "Peggy" in table["Margaret"]
    assert len(table) > 100


def test_two_spellings_of_one_gmail_mailbox_are_not_both_handed_out() -> None:
    """Gmail ignores dots: `jasmine.duncan@` and `jasmineduncan@` are one mailbox, so one person's."""
    ids = IdentityFactory(random.Random(3))
    first = ids._unique("jasmine.duncan@gmail.com")
    second = ids._unique("jasmineduncan@gmail.com")
    third = ids._unique("jasmine.duncan@yahoo.com")
    assert first == "jasmine.duncan@gmail.com"
    assert normalize_email(second) != normalize_email(first)
    assert third == "jasmine.duncan@yahoo.com"  # other providers keep their dots


def test_no_two_people_share_a_mailbox_unless_their_household_does() -> None:
    """Across a large population every mailbox, read as a mail provider reads it, has one owner: a person,
    or the household of a family mailbox (namesakes in other cities get addresses of their own)."""
    people = build_population(random.Random(8108), PhonePool(random.Random(8108), HOTLINES), 3000).people
    owner: dict[str, str] = {}
    clashes = []
    for p in people:
        boxes = [(p.email, p.pid), (p.work_email, p.pid), (p.family_mailbox, f"household {p.household}")]
        for address, who in boxes:
            if not address:
                continue
            key = normalize_email(address) or address
            if owner.setdefault(key, who) != who:
                clashes.append((address, owner[key], who))
    assert len(owner) > 3000
    assert not clashes


def test_no_household_gives_two_members_one_first_name() -> None:
    """Twins and siblings are never named alike (a collision the small name lists would otherwise make)."""
    people = build_population(random.Random(7006), PhonePool(random.Random(7006), HOTLINES), 3000).people
    homes: dict[int, list[str]] = {}
    for p in people:
        homes.setdefault(p.household, []).append(p.first)
    shared = [names for names in homes.values() if len(set(names)) < len(names)]
    assert sum(len(n) > 1 for n in homes.values()) > 300  # plenty of households of two or more
    assert not shared
