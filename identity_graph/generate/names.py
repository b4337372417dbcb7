"""Bundled name, street, city and area-code lists, and the nickname table."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from nicknames import NickNamer

#: Nicknames people really go by, formal name first (the `nicknames` package fills in the rest).
COMMON_NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob", "Bobby"),
    "Elizabeth": ("Liz", "Beth", "Betty"),
    "William": ("Bill", "Will", "Billy"),
    "Margaret": ("Peggy", "Maggie", "Meg"),
    "Richard": ("Rick", "Dick", "Rich"),
    "James": ("Jim", "Jimmy"),
    "John": ("Jack", "Johnny"),
    "Michael": ("Mike",),
    "Katherine": ("Kate", "Katie", "Kathy"),
    "Catherine": ("Cathy", "Kate"),
    "Kathleen": ("Kathy", "Kat"),
    "Christopher": ("Chris",),
    "Joseph": ("Joe", "Joey"),
    "Thomas": ("Tom", "Tommy"),
    "Charles": ("Chuck", "Charlie"),
    "Edward": ("Ed", "Ted", "Eddie"),
    "Anthony": ("Tony",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Jennifer": ("Jen", "Jenny"),
    "Patricia": ("Pat", "Patty", "Trish"),
    "Susan": ("Sue", "Susie"),
    "Deborah": ("Deb", "Debbie"),
    "Rebecca": ("Becky",),
    "Samantha": ("Sam",),
    "Alexander": ("Alex",),
    "Alexandra": ("Alex", "Sasha"),
    "Nicholas": ("Nick",),
    "Benjamin": ("Ben",),
    "Jonathan": ("Jon",),
    "Timothy": ("Tim",),
    "Steven": ("Steve",),
    "Stephen": ("Steve",),
    "Theodore": ("Ted", "Teddy"),
    "Andrew": ("Andy", "Drew"),
    "Kenneth": ("Ken", "Kenny"),
    "Gregory": ("Greg",),
    "Jeffrey": ("Jeff",),
    "Lawrence": ("Larry",),
    "Gerald": ("Jerry",),
    "Donald": ("Don",),
    "Ronald": ("Ron",),
    "Raymond": ("Ray",),
    "Francis": ("Frank",),
    "Frederick": ("Fred",),
    "Harold": ("Hal",),
    "Henry": ("Hank",),
    "Zachary": ("Zach",),
    "Victoria": ("Vicky", "Tori"),
    "Dorothy": ("Dottie",),
    "Frances": ("Fran",),
    "Judith": ("Judy",),
    "Kimberly": ("Kim",),
    "Pamela": ("Pam",),
    "Jacqueline": ("Jackie",),
    "Josephine": ("Josie",),
    "Cynthia": ("Cindy",),
    "Sandra": ("Sandy",),
    "Stephanie": ("Steph",),
    "Valerie": ("Val",),
    "Virginia": ("Ginny",),
    "Abigail": ("Abby",),
    "Amanda": ("Mandy",),
    "Madeline": ("Maddie",),
    "Penelope": ("Penny",),
    "Eleanor": ("Ellie", "Nora"),
    "Barbara": ("Barb",),
    "Caroline": ("Carrie",),
    "Christina": ("Tina", "Chris"),
    "Christine": ("Chris",),
    "Nathan": ("Nate",),
    "Samuel": ("Sam",),
    "Jacob": ("Jake",),
    "Joshua": ("Josh",),
    "Philip": ("Phil",),
    "Patrick": ("Pat",),
    "Douglas": ("Doug",),
    "Bradley": ("Brad",),
    "Leonard": ("Len", "Leo"),
    "Terrence": ("Terry",),
    "Vincent": ("Vince",),
    "Walter": ("Walt",),
    "Albert": ("Al",),
    "Russell": ("Russ",),
    "Peter": ("Pete",),
    "Isabel": ("Izzy",),
    "Isabella": ("Bella", "Izzy"),
    "Francisco": ("Paco",),
    "José": ("Pepe",),
    "Jesús": ("Chuy",),
    "Dmitri": ("Dima",),
    "Nikolai": ("Kolya",),
}
#: At most this many nicknames are taken from the `nicknames` package for a name missing above.
PACKAGE_NICKNAMES_MAX = 2
#: Package nicknames shorter than this are skipped (too cryptic to be realistic).
PACKAGE_NICKNAME_MIN_LEN = 3


@dataclass(frozen=True, slots=True)
class City:
    """A US city with its state, ZIP prefix, UTC offset (standard time) and area codes."""

    name: str
    state: str
    zip3: str
    utc_offset: int
    area_codes: tuple[str, ...]


def _lines(name: str) -> tuple[str, ...]:
    """Non-comment, non-blank lines of a bundled data file."""
    text = resources.files("identity_graph.generate").joinpath("data", name).read_text(encoding="utf-8")
    return tuple(s.strip() for s in text.splitlines() if s.strip() and not s.startswith("#"))


@cache
def female_names() -> tuple[str, ...]:
    """Bundled female given names."""
    return _lines("first_names_f.txt")


@cache
def male_names() -> tuple[str, ...]:
    """Bundled male given names."""
    return _lines("first_names_m.txt")


@cache
def surnames() -> tuple[str, ...]:
    """Bundled surnames."""
    return _lines("surnames.txt")


@cache
def streets() -> tuple[str, ...]:
    """Bundled street names."""
    return _lines("streets.txt")


@cache
def area_codes() -> tuple[str, ...]:
    """Every US area code whose fictional 555-01xx numbers are valid."""
    return _lines("area_codes.txt")


@cache
def cities() -> tuple[City, ...]:
    """Bundled cities."""
    text = resources.files("identity_graph.generate").joinpath("data", "cities.csv").read_text(encoding="utf-8")
    return tuple(
        City(r["city"], r["state"], r["zip3"], int(r["utc_offset"]), tuple(r["area_codes"].split()))
        for r in csv.DictReader(text.splitlines())
    )


@cache
def nickname_table() -> dict[str, tuple[str, ...]]:
    """Formal given name -> nicknames, for every bundled given name that has any (sorted, deterministic)."""
    namer = NickNamer()
    table: dict[str, tuple[str, ...]] = {}
    for name in (*female_names(), *male_names()):
        if name in COMMON_NICKNAMES:
            table[name] = COMMON_NICKNAMES[name]
            continue
        found = sorted(n for n in namer.nicknames_of(name) if len(n) >= PACKAGE_NICKNAME_MIN_LEN)
        if found:
            table[name] = tuple(n.capitalize() for n in found[:PACKAGE_NICKNAMES_MAX])
    return table
