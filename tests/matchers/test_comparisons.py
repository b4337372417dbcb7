"""Table tests of every comparison: (left, right, expected level) through the batch code path."""

from __future__ import annotations

import numpy as np
import pytest

from matchers.comparisons import (
    NULL,
    SHARE_CROWD,
    SHARE_HOUSEHOLD,
    SHARE_MENTIONED,
    SHARE_NONE,
    SHARE_PERSONAL,
    Comparison,
    PairContext,
    compare_all,
    default_comparisons,
)
from matchers.features import FeatureRow, FeatureTable

COMPARISONS = {c.name: c for c in default_comparisons(0.88)}


def level_of(name: str, left: FeatureRow, right: FeatureRow, shared: dict[str, int] | None = None) -> str:
    """The level name one comparison gives one pair (`null` when a side is unknown)."""
    table = FeatureTable.from_rows([left, right])
    codes = {k: np.array([v], dtype=np.int8) for k, v in (shared or {}).items()}
    ctx = PairContext(table, np.array([0]), np.array([1]), codes)
    comp: Comparison = COMPARISONS[name]
    level = int(comp.compute(ctx)[0])
    return "null" if level == NULL else comp.levels[level]


def row(**fields: str) -> FeatureRow:
    """A feature row with the given fields."""
    return FeatureRow(record_id=0, **fields)


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (("robert", "smith"), ("robert", "smith"), "exact"),
        (("bob", "smith"), ("robert", "smith"), "nickname"),
        (("j", "smith"), ("john", "smith"), "initial"),
        (("micheal", "smith"), ("michael", "smith"), "very_similar"),
        (("katherine", "smith"), ("catherine", "smith"), "similar"),
        (("anna", "smith"), ("mark", "smith"), "else"),
        (("thos", "smith"), ("thomas", "smith"), "nickname"),  # an old record's abbreviation
        (("wm", "smith"), ("william", "smith"), "nickname"),
        (("caltlin", "smith"), ("caitlin", "smith"), "similar"),  # one typo, and `caltlin` is no name
        (("jyck", "smith"), ("jack", "smith"), "similar"),
        (("dndrew", "smith"), ("andrew", "smith"), "similar"),
        (("jon", "smith"), ("jan", "smith"), "else"),  # one edit, but two names: two people
        (("max", "smith"), ("mix", "smith"), "similar"),
        (("li", "smith"), ("lu", "smith"), "else"),  # too short to call a typo
        (("smith", "john"), ("john", "smith"), "exact"),  # caller-ID LAST FIRST crossed back
        (("", "smith"), ("john", "smith"), "null"),
    ],
)
def test_first_name(left: tuple[str, str], right: tuple[str, str], expected: str) -> None:
    a, b = row(first=left[0], last=left[1]), row(first=right[0], last=right[1])
    assert level_of("first_name", a, b) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("smith", "smith", "exact"),
        ("johnston", "johnson", "very_similar"),
        ("meyer", "meier", "similar"),
        ("smith", "jones", "else"),
        ("p", "patterson", "initial"),
        ("", "jones", "null"),
    ],
)
def test_last_name(left: str, right: str, expected: str) -> None:
    assert level_of("last_name", row(first="ann", last=left), row(first="ann", last=right)) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("19800304", "19800304", "exact"),
        ("19800304", "19800403", "swapped"),
        ("19800304", "19800305", "one_digit"),
        ("19571024", "19571204", "one_digit"),  # two adjacent digits swapped
        ("19800304", "19800340", "one_digit"),
        ("19800304", "19810403", "apart"),  # 395 days and three digits apart
        ("19770913", "19760915", "near"),  # two digits off
        ("19920101", "19921231", "near"),  # the same year
        ("19921120", "20030117", "apart"),  # ten years: a date copied from someone else, or a namesake
        ("19610314", "19891102", "else"),  # a father and son of one name
        ("19800304", "19551120", "else"),
        ("", "19551120", "null"),
    ],
)
def test_dob(left: str, right: str, expected: str) -> None:
    assert level_of("dob", row(dob=left), row(dob=right)) == expected


@pytest.mark.parametrize(
    ("name", "left", "right", "expected"),
    [
        ("street", "12 oak ave", "12 oak ave", "exact"),
        ("street", "12 oak ave apt 4", "12 oak ave apt 5", "similar"),
        ("street", "12 oak ave", "99 elm st", "else"),
        ("street", "14 laker cres sapri", "14 laker cres", "similar"),  # a second line on one side only
        ("street", "14 laker cres", "14 laker cres sapri", "similar"),
        ("street", "14 laker cres", "14 laker crescent hill", "else"),  # not at a word boundary
        ("street", "14 laker cres sapri", "14 lake cres", "similar"),  # a typo, and the second line
        ("street", "14 laker cres", "14 laker", "similar"),
        ("city", "springfield", "springfeld", "similar"),
        ("city", "whittingham", "whittinhgam", "similar"),  # two letters swapped: one edit
        ("city", "casino", "cairns", "else"),
        ("city", "casino", "casnio", "similar"),  # a short name one transposition off (0.83 normalized)
        ("city", "perth", "porth", "similar"),  # one edit in five letters
        ("city", "york", "cork", "else"),  # shorter than PLACE_ONE_EDIT_LEN: often two places
        ("city", "shenton park", "shento mpark", "similar"),  # a misplaced space and a typo: one edit without spaces
        ("city", "shenton park", "shenton parade", "else"),
        ("postcode", "62704", "62704", "exact"),
        ("postcode", "62704", "62705", "one_edit"),
        ("postcode", "6302", "6320", "one_edit"),  # two digits swapped
        ("postcode", "6302", "3620", "else"),
        ("postcode", "62704", "10001", "else"),
        ("state", "il", "il", "exact"),
        ("state", "il", "ny", "else"),
        ("state", "", "ny", "null"),
    ],
)
def test_places(name: str, left: str, right: str, expected: str) -> None:
    column = {"street": "street", "city": "city", "postcode": "postcode", "state": "state"}[name]
    assert level_of(name, row(**{column: left}), row(**{column: right})) == expected


@pytest.mark.parametrize(
    ("share", "left", "right", "expected"),
    [
        (SHARE_PERSONAL, "+14155550134", "+14155550134", "personal"),
        (SHARE_HOUSEHOLD, "+14155550134", "+14155550134", "household"),
        (SHARE_MENTIONED, "+14155550134", "+14155550199", "mentioned"),
        (SHARE_CROWD, "+14155550134", "+14155550134", "null"),  # a switchboard says nothing
        (SHARE_NONE, "+14155550134", "+14155550135", "near"),
        (SHARE_NONE, "+14155550134", "+12125550199", "different"),
        (SHARE_NONE, "+14155550134", "+14155550134", "null"),  # equal but not shared: a skipped crowd value
        (SHARE_NONE, "", "+12125550199", "null"),
    ],
)
def test_identifier(share: int, left: str, right: str, expected: str) -> None:
    assert level_of("phone", row(phone=left), row(phone=right), {"phone": share}) == expected


BOX = "wellsfamily@gmail.com"


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        # a mail from the family mailbox signed by the member the contact is
        (
            row(kind="contact", first="thomas", last="wells"),
            row(kind="email_party", first="tom", last="wells"),
            "household_named",
        ),
        (
            row(kind="email_party", first="anna", last="wells"),
            row(kind="email_party", first="anna", last=""),
            "household_named",
        ),
        (
            row(kind="email_party", first="anna", last="wells"),
            row(kind="social_account", first="anna", last="welles"),
            "household_named",
        ),  # one typo in the last name
        # another member, a nameless sender, a family signature, another last name
        (
            row(kind="contact", first="thomas", last="wells"),
            row(kind="email_party", first="anna", last="wells"),
            "household",
        ),
        (row(kind="contact", first="thomas", last="wells"), row(kind="email_party"), "household"),
        (
            row(kind="contact", first="thomas", last="wells"),
            row(kind="email_party", first="", last="wells"),
            "household",
        ),
        (
            row(kind="contact", first="anna", last="wells"),
            row(kind="email_party", first="anna", last="berg"),
            "household",
        ),
        # nobody wrote their own name: two CRM rows (a father and son of one name), a caller-ID (the subscriber)
        (row(kind="contact", first="jack", last="wells"), row(kind="contact", first="jack", last="wells"), "household"),
        (
            row(kind="contact", first="jack", last="wells"),
            row(kind="call_party", first="jack", last="wells"),
            "household",
        ),
        (
            row(kind="email_party", first="jack", last="wells"),
            row(kind="call_party", first="jack", last="wells"),
            "household",
        ),
    ],
)
def test_household_member_named_by_themselves(left: FeatureRow, right: FeatureRow, expected: str) -> None:
    left.email = right.email = BOX
    assert level_of("email", left, right, {"email": SHARE_HOUSEHOLD}) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (row(user_handle="lanisandoval"), row(user_email="lanisandoval"), "exact"),
        (row(user_email="lanisandoval"), row(user_handle="lanisandoval"), "exact"),
        # the same user name, but it is only the name written together: a namesake's would agree too
        (row(user_handle="carmstrong", first="carlos", last="armstrong"), row(user_email="carmstrong"), "name"),
        # only a first name is known (a marketing list): a user name of it and another word is any namesake's
        (row(user_handle="gracemartin"), row(user_email="gracemartin", first="grace"), "name"),
        (row(user_handle="martingrace", first="grace"), row(user_email="martingrace"), "name"),
        # a nickname of the first name and another word: Linda's housemate Lynn spells the same user name
        (row(user_handle="lynnkorhone", first="linda"), row(user_email="lynnkorhonen", first="linda"), "name"),
        (row(user_handle="korhonenlynn"), row(user_email="korhonenlynn", first="linda"), "name"),
        (row(user_handle="gracem"), row(user_email="gracem", first="grace"), "exact"),  # too short for a surname
        (row(user_handle="nightowl23"), row(user_email="nightowl23", first="grace"), "exact"),
        (row(user_handle="lanisandoval"), row(user_email="lanisandovel"), "similar"),
        (row(user_handle="riverretro"), row(user_email="cynthiasanchez"), "else"),
        (row(user_handle="riverretro"), row(user_handle="riverretro"), "null"),  # handles: the handle comparison
        (row(user_handle="lhicks"), row(first="linda", last="hicks"), "name"),
        (row(first="carol", last="patterson"), row(user_handle="carolpatter"), "name"),  # cut off at 11
        (row(user_handle="hickslinda"), row(first="linda", last="hicks"), "name"),
        (row(user_handle="carolpaterson"), row(first="carol", last="patterson"), "similar"),
    ],
)
def test_username(left: FeatureRow, right: FeatureRow, expected: str) -> None:
    assert level_of("username", left, right) == expected


def test_compare_all_gives_one_column_per_comparison() -> None:
    table = FeatureTable.from_rows([row(first="ann"), row(first="ann"), row(first="bo")])
    ctx = PairContext(table, np.array([0, 0]), np.array([1, 2]))
    levels = compare_all(tuple(COMPARISONS.values()), ctx)
    assert levels.shape == (2, len(COMPARISONS))
    k = list(COMPARISONS).index("first_name")
    assert list(levels[:, k]) == [0, len(COMPARISONS["first_name"].levels) - 1]


@pytest.mark.parametrize(
    ("name", "level", "left", "right", "expected"),
    [
        ("first_name", 1, "bob", "robert", "first name Bob ~ Robert (nickname)"),
        ("first_name", 0, "bob", "bob", "first name Bob matches"),
        ("last_name", 4, "smith", "jones", "last name Smith ≠ Jones"),
        ("dob", 0, "19800304", "19800304", "dob matches"),
        ("phone", 0, "+1 415-555-0134", "+1 415-555-0134", "phone +1 415-555-0134 matches"),
        ("email", 5, "a@x.org", "b@y.org", "different emails"),
        (
            "email",
            1,
            "wells@x.org",
            "wells@x.org",
            "email wells@x.org is shared by several people, and both give the same name",
        ),
    ],
)
def test_describe(name: str, level: int, left: str, right: str, expected: str) -> None:
    assert COMPARISONS[name].describe(level, left, right) == expected
