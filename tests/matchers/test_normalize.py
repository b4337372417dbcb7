"""Table tests of every normalizer: names, nicknames, phones, emails, handles, addresses, dates."""

from __future__ import annotations

from datetime import date

import pytest

from identity_graph.model import IdentifierKind
from matchers.addresses import normalize_address, normalize_postcode, normalize_street
from matchers.dates import date_key, is_day_month_swap, normalize_date
from matchers.names import (
    NameParts,
    are_nicknames,
    canonical_first,
    has_given_name,
    is_company_name,
    is_initial_of,
    is_placeholder,
    names_conflict,
    parse_name,
    same_person_name,
)
from matchers.normalize import (
    normalize_email,
    normalize_handle,
    normalize_identifier,
    normalize_phone,
    phone_extension,
)
from matchers.text import clean_name, fold


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("José Núñez", "jose nunez"), ("Björk", "bjork"), ("STRAßE", "strasse"), ("Łukasz", "lukasz")],
)
def test_fold(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@pytest.mark.parametrize(
    ("first", "last", "full", "expected"),
    [
        ("Robert", "Smith", None, NameParts("robert", "", "smith")),
        (None, None, "Smith, John", NameParts("john", "", "smith")),
        (None, None, "SMITH JOHN", NameParts("smith", "", "john")),  # caller-ID order kept; comparisons cross it
        (None, None, "Dr. Robert J. Smith Jr.", NameParts("robert", "j", "smith", "jr")),
        ("José", "Núñez", None, NameParts("jose", "", "nunez")),
        (None, None, "O'Brien, Mary-Ann", NameParts("maryann", "", "obrien")),
        (None, None, "VAN DIJK SIOBHA", NameParts("siobha", "", "vandijk")),  # caller-ID cut at 15 characters
        (None, None, "VAN DER BERG ADRI", NameParts("adri", "", "vanderberg")),
        (None, None, "ST. JOHN INES", NameParts("ines", "", "stjohn")),
        ("Siobhan", "Van Dijk", None, NameParts("siobhan", "", "vandijk")),
        (None, None, "Van Dijk, Siobhan", NameParts("siobhan", "", "vandijk")),
        (None, None, "WIRELESS CALLER", NameParts()),
        (None, None, "CALLER 0042", NameParts()),
        (None, None, "", NameParts()),
    ],
)
def test_parse_name(first: str | None, last: str | None, full: str | None, expected: NameParts) -> None:
    assert parse_name(first, None, last, full) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("bob", "robert", True),
        ("liz", "elizabeth", True),
        ("bill", "william", True),
        ("bill", "will", True),  # both stand for william
        ("peggy", "margaret", True),  # curated: shares no letters, the package filter drops it
        ("jack", "john", True),
        ("pepe", "jose", True),  # curated Spanish, Russian and English diminutives
        ("paco", "francisco", True),
        ("chuy", "jesus", True),
        ("dima", "dmitri", True),
        ("kolya", "nikolai", True),
        ("cindy", "cynthia", True),
        ("teddy", "theodore", True),
        ("terry", "terrence", True),
        ("izzy", "isabella", True),
        ("hal", "howard", True),
        ("pepe", "francisco", False),
        ("bill", "robert", False),  # the package says so, the filter drops it
        ("john", "james", False),
        ("anna", "anna", False),  # equal is not a nickname
        ("", "robert", False),
    ],
)
def test_nicknames(a: str, b: str, expected: bool) -> None:
    assert are_nicknames(a, b) is expected


@pytest.mark.parametrize(("a", "b"), [("liz", "elizabeth"), ("zorblax", "zorblax")])
def test_canonical_first_is_shared_by_nicknames(a: str, b: str) -> None:
    assert canonical_first(a) == canonical_first(b)


@pytest.mark.parametrize(
    ("a", "b", "expected"), [("j", "john", True), ("john", "j", True), ("j", "mary", False), ("jo", "john", False)]
)
def test_initials(a: str, b: str, expected: bool) -> None:
    assert is_initial_of(a, b) is expected


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (NameParts("johansson", "", "elean"), True),  # caller-ID cut Eleanor at 15 characters
        (NameParts("hart", "", "antonia"), True),
        (NameParts("globex", "", "corporat"), False),
        (NameParts("san", "", "jose"), True),
        (NameParts("", "", ""), False),
    ],
)
def test_has_given_name(parts: NameParts, expected: bool) -> None:
    assert has_given_name(parts) is expected


@pytest.mark.parametrize(
    ("parts", "cut", "expected"),
    [
        (NameParts("just", "", "browsing"), True, True),  # a caller-ID `JUST BROWSING` could be Justin, cut
        (NameParts("just", "", "browsing"), False, False),  # a profile name is never cut: a pseudonym
        (NameParts("johansson", "", "elean"), False, False),
        (NameParts("hart", "", "antonia"), False, True),  # a whole given name needs no prefix
    ],
)
def test_a_given_name_prefix_counts_only_where_names_are_cut(parts: NameParts, cut: bool, expected: bool) -> None:
    assert has_given_name(parts, prefix=cut) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GLOBEX CORPORAT", True),  # caller-ID cut at 15 characters
        ("DUNDER PAPER CO", True),
        ("Acme Logistics LLC", True),
        ("PORTER JASON", False),
        ("Corazon Aquino", False),
    ],
)
def test_company_names(text: str, expected: bool) -> None:
    assert is_company_name(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wireless Caller", True),
        ("UNKNOWN", True),
        ("The Kowalskis", True),
        ("Tom & Anna Wells", True),
        ("Wells Family", True),
        ("Anna Ng", False),
        ("Theodore Ng", False),
    ],
)
def test_placeholders(text: str, expected: bool) -> None:
    assert is_placeholder(text) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (NameParts("john", "", "smith"), NameParts("mary", "", "smith"), True),
        (NameParts("bob", "", "smith"), NameParts("robert", "", "smith"), False),
        (NameParts("carroll", "", "bridget"), NameParts("bridget"), False),  # LAST FIRST caller-ID
        (NameParts("smith", "", "john"), NameParts("john", "", "smith"), False),
        (NameParts("smith", "", "mary"), NameParts("john", "", "smith"), True),
        (NameParts("jon", "", "smith"), NameParts("john", "", "smith"), False),  # a typo
        (NameParts("", "", "smith"), NameParts("john", "", "smith"), False),  # unknown first name
    ],
)
def test_names_conflict(a: NameParts, b: NameParts, expected: bool) -> None:
    assert names_conflict(a, b, 0.88) is expected


def test_same_person_name_needs_last_names_to_agree() -> None:
    assert same_person_name(NameParts("john", "", "smith"), NameParts("johnny", "", "smith"), 0.88)
    assert not same_person_name(NameParts("john", "", "smith"), NameParts("john", "", "brown"), 0.88)
    assert same_person_name(NameParts("john"), NameParts("john", "", "brown"), 0.88)
    okafor, caller_id = NameParts("robert", "", "okafor"), NameParts("okafor", "", "bob")
    assert same_person_name(okafor, caller_id, 0.88)
    assert same_person_name(caller_id, okafor, 0.88)


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-0134", "US", "+14155550134"),
        ("+1 415 555 0134", "US", "+14155550134"),
        ("415.555.0134 x204", "US", "+14155550134"),
        ("020 7946 0018", "GB", "+442079460018"),
        ("+44 20 7946 0018", "US", "+442079460018"),
        ("000-000-0000", "US", None),
        ("not a phone", "US", None),
    ],
)
def test_phones(raw: str, region: str, expected: str | None) -> None:
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize(("raw", "expected"), [("415-555-0134 ext. 204", "204"), ("415-555-0134", None)])
def test_phone_extension_kept_apart(raw: str, expected: str | None) -> None:
    assert phone_extension(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bob.Smith+news@GMAIL.com", "bobsmith@gmail.com"),
        ("bob.smith@googlemail.com", "bobsmith@gmail.com"),
        ("bob.smith+x@outlook.com", "bob.smith@outlook.com"),  # plus tags go, dots stay
        ("Bob.Smith@Example.ORG", "bob.smith@example.org"),
        ("not an email", None),
    ],
)
def test_emails(raw: str, expected: str | None) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@TDefren", "x:tdefren"),
        ("x:@TDefren", "x:tdefren"),
        ("https://twitter.com/TDefren/", "x:tdefren"),
        ("instagram:Some.User", "instagram:some.user"),
        ("has space", None),
    ],
)
def test_handles(raw: str, expected: str | None) -> None:
    assert normalize_handle(raw) == expected


def test_identifier_dispatch() -> None:
    assert normalize_identifier(IdentifierKind.PHONE, "(415) 555-0134", "US") == "+14155550134"
    assert normalize_identifier(IdentifierKind.CRM_ID, "  SF:003ABC ") == "sf:003abc"


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("123 N. Main Street Apt 4", "US", "123 n main st apt 4"),
        ("123 North Main St., Apt 4", "US", "123 n main st apt 4"),
        ("8 Stanley Street", "AU", "8 stanley st"),
        ("Rue de Rivoli 12", "FR", "rue de rivoli 12"),
        ("95 Leahy Lplace Crestkield", "AU", "95 leahy pl crestkield"),  # a street word typed with one edit
        ("12 Main Stret", "AU", "12 main st"),
        ("4 Circiut Rd", "AU", "4 cct rd"),  # a transposition is one edit
        ("3 Crestfield Parade", "AU", "3 crestfield parade"),  # a name word is kept
        ("9 Dirve Street", "AU", "9 dr st"),
        ("7 Raod St", "AU", "7 raod st"),  # shorter than TYPO_WORD_LEN: not taken for `road`
        ("", "US", ""),
    ],
)
def test_streets(raw: str, country: str, expected: str) -> None:
    assert normalize_street(raw, country) == expected


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [("62704-1234", "US", "62704"), ("sw1a 1aa", "GB", "SW1A1AA"), (None, "US", "")],
)
def test_postcodes(raw: str | None, country: str, expected: str) -> None:
    assert normalize_postcode(raw, country) == expected


def test_address_parts_and_household_key() -> None:
    parts = normalize_address("12 Oak Avenue", "Springfield", "62704", "IL", "US")
    assert (parts.street, parts.city, parts.postcode, parts.state) == ("12 oak ave", "springfield", "62704", "il")
    assert parts.household_key() == "62704|12 oak ave"


@pytest.mark.parametrize(
    ("raw", "dayfirst", "expected"),
    [
        ("1980-03-04", False, date(1980, 3, 4)),
        ("19800304", False, date(1980, 3, 4)),
        ("03/04/1980", False, date(1980, 3, 4)),
        ("03/04/1980", True, date(1980, 4, 3)),
        ("4 March 1980", False, date(1980, 3, 4)),
        ("Mar 4, 1980", False, date(1980, 3, 4)),
        ("1780-01-01", False, None),  # outside plausible birth years
        ("garbage", False, None),
    ],
)
def test_dates(raw: str, dayfirst: bool, expected: date | None) -> None:
    assert normalize_date(raw, dayfirst) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("19800304", "19800403", True), ("19800304", "19800304", False), ("19800304", "19810403", False)],
)
def test_day_month_swap(a: str, b: str, expected: bool) -> None:
    assert is_day_month_swap(a, b) is expected


def test_date_key_and_clean_name() -> None:
    assert date_key(date(1980, 3, 4)) == "19800304"
    assert date_key(None) == ""
    assert clean_name("O'Brien") == "obrien"
