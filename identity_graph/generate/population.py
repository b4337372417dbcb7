"""Builds the true population: households (couples, families, roommates, twins), namesakes and employees."""

from __future__ import annotations

import random
from datetime import date, timedelta

from identity_graph.generate import constants as c
from identity_graph.generate.assign import assign_channels, employ, make_namesakes, open_x_accounts
from identity_graph.generate.identities import IdentityFactory
from identity_graph.generate.names import (
    City,
    cities,
    female_names,
    male_names,
    nickname_table,
    streets,
    surnames,
)
from identity_graph.generate.people import Address, Company, Person, Population
from identity_graph.generate.phones import PhonePool

#: Fictional employers: name and the reserved domain their mail uses.
COMPANIES = (
    ("Globex Corporation", "globex.example.com"),
    ("Initech", "initech.example.com"),
    ("Vandelay Industries", "vandelay.example.net"),
    ("Sterling Cooper", "sterlingcooper.example.org"),
    ("Prestige Worldwide", "prestige.example.net"),
    ("Dunder Paper Co", "dunderpaper.example.com"),
    ("Oceanic Freight", "oceanic-freight.example.com"),
    ("Bluth Homes", "bluthhomes.example.org"),
    ("Wonka Confections", "wonka.example.com"),
    ("Pied Piper Labs", "piedpiper.example.net"),
    ("Massive Dynamic", "massivedynamic.example.com"),
    ("Los Pollos Logistics", "pollos-logistics.example.org"),
)
#: Household kinds with their shares (single people take the rest).
HOUSEHOLD_KINDS = (
    ("couple", c.COUPLE_SHARE),
    ("family", c.FAMILY_SHARE),
    ("roommates", c.ROOMMATE_SHARE),
    ("twins", c.TWIN_SHARE),
)
ADULT_AGE = (19, 84)
PARENT_AGE = (45, 75)
CHILD_AGE = (19, 30)
TIERS = ("Gold", "Silver", "Bronze", "Bronze", "")
#: Addresses with an apartment or unit number.
APARTMENT_SHARE = 0.3


def _pick_kind(rng: random.Random) -> str:
    """A household kind drawn by the named shares."""
    roll = rng.random()
    for kind, share in HOUSEHOLD_KINDS:
        if roll < share:
            return kind
        roll -= share
    return "single"


def _household_plan(rng: random.Random, n: int) -> list[str]:
    """Household kinds whose sizes add up to n, the guaranteed hard cases first."""
    sizes = {"single": 1, "couple": 2, "roommates": 2, "twins": 2}
    plan = ["twins"] * c.MIN_TWIN_PAIRS + ["couple"] * c.MIN_FAMILY_MAILBOXES
    total = 2 * len(plan)
    while total < n:
        kind = _pick_kind(rng)
        size = sizes.get(kind, 3 + rng.randrange(2))
        if total + size > n:
            kind, size = "single", 1
        plan.append(kind if kind != "family" else f"family{size}")
        total += size
    return plan


class PopulationBuilder:
    """Makes people household by household with one random stream."""

    def __init__(self, rng: random.Random, pool: PhonePool) -> None:
        """Start an empty population drawing from rng and the phone pool."""
        self.rng = rng
        self.pool = pool
        self.ids = IdentityFactory(rng)
        self.people: list[Person] = []
        self.companies = [
            Company(name, domain, city, pool.take(city.area_codes))
            for (name, domain), city in zip(COMPANIES, rng.sample(cities(), len(COMPANIES)), strict=True)
        ]
        self.mailboxes_made = 0
        self.names_at_home: set[str] = set()  # formal first names of the household being made

    def dob(self, ages: tuple[int, int]) -> date:
        """A date of birth for an age in the range at the anchor date."""
        days = self.rng.randrange(ages[0] * 365, ages[1] * 365)
        return (c.ANCHOR - timedelta(days=days)).date()

    def given(self, sex: str) -> tuple[str, str | None]:
        """A formal given name and the nickname the person goes by, if any."""
        name = self.rng.choice(female_names() if sex == "F" else male_names())
        nicks = nickname_table().get(name)
        nick = self.rng.choice(nicks) if nicks and self.rng.random() < c.NICKNAME_USER_SHARE else None
        return name, nick

    def address(self, city: City) -> Address:
        """A street address in the city."""
        unit = str(self.rng.randrange(1, 40)) if self.rng.random() < APARTMENT_SHARE else ""
        zip5 = f"{city.zip3}{self.rng.randrange(1, 99):02d}"
        street = self.rng.choice(streets())
        return Address(self.rng.randrange(1, 9800), street, self.rng.randrange(5), unit, city, zip5)

    def person(self, household: int, sex: str, last: str, address: Address, ages: tuple[int, int]) -> Person:
        """One person living at the address."""
        first, nick = self.given(sex)
        while first in self.names_at_home:  # nobody names twins or siblings alike
            first, nick = self.given(sex)
        self.names_at_home.add(first)
        p = Person(
            pid="",
            first=first,
            last=last,
            sex=sex,
            dob=self.dob(ages),
            address=address,
            email="",
            household=household,
            nick=nick,
        )
        p.email = self.ids.personal_email(p)
        if self.rng.random() < c.MOBILE_SHARE:
            p.mobile = self.pool.take(address.city.area_codes)
        p.since = c.ANCHOR - timedelta(days=self.rng.randrange(30, c.HISTORY_DAYS), seconds=self.rng.randrange(86400))
        p.tier = self.rng.choice(TIERS)
        self.people.append(p)
        return p

    def household(self, index: int, kind: str) -> list[Person]:
        """The members of one household of the given kind."""
        rng = self.rng
        self.names_at_home = set()
        city = rng.choice(cities())
        home = self.address(city)
        last = rng.choice(surnames())
        sex = rng.choice("FM")
        if kind == "single":
            members = [self.person(index, sex, last, home, ADULT_AGE)]
        elif kind == "twins":
            twin = self.person(index, sex, last, home, CHILD_AGE)
            other = self.person(index, rng.choice("FM"), last, home, CHILD_AGE)
            other.dob = twin.dob
            twin.traits.add("twin")
            other.traits.add("twin")
            members = [twin, other]
        elif kind == "roommates":
            members = [
                self.person(index, sex, last, home, ADULT_AGE),
                self.person(index, rng.choice("FM"), rng.choice(surnames()), home, ADULT_AGE),
            ]
            for m in members:
                m.traits.add("roommate")
        else:
            second_last = last if rng.random() < c.COUPLE_SAME_LAST_NAME else rng.choice(surnames())
            ages = PARENT_AGE if kind.startswith("family") else ADULT_AGE
            members = [
                self.person(index, sex, last, home, ages),
                self.person(index, "M" if sex == "F" else "F", second_last, home, ages),
            ]
            for _ in range(int(kind[-1]) - 2 if kind.startswith("family") else 0):
                members.append(self.person(index, rng.choice("FM"), last, home, CHILD_AGE))
        self._share(kind, members)
        return members

    def _share(self, kind: str, members: list[Person]) -> None:
        """Give a household its shared landline and family mailbox."""
        for m in members:
            m.household_members = members
        landline_share = c.SINGLE_LANDLINE_SHARE if len(members) == 1 else c.HOUSEHOLD_LANDLINE_SHARE
        if kind == "twins" or (kind != "roommates" and self.rng.random() < landline_share):
            number = self.pool.take(members[0].address.city.area_codes)
            for m in members:
                m.home_phone = number
                m.home_phone_owner = (members[0].last, members[0].first)
        wants_mailbox = self.rng.random() < c.FAMILY_MAILBOX_SHARE or self.mailboxes_made < c.MIN_FAMILY_MAILBOXES
        if len(members) > 1 and kind in {"couple", "family3", "family4"} and wants_mailbox:
            box = self.ids.family_mailbox(members[0].last)
            self.mailboxes_made += 1
            for m in members[:2]:
                m.family_mailbox = box
                m.traits.add("family_mailbox")


def build_population(rng: random.Random, pool: PhonePool, n: int) -> Population:
    """n people in households, with namesakes, employees and channels assigned, ids T00001.. in random order."""
    builder = PopulationBuilder(rng, pool)
    for index, kind in enumerate(_household_plan(rng, n)):
        builder.household(index, kind)
    people = builder.people
    make_namesakes(rng, builder.ids, people)
    employ(rng, builder.ids, people, builder.companies)
    open_x_accounts(rng, builder.ids, people)
    assign_channels(rng, people)
    rng.shuffle(people)
    for i, p in enumerate(people, 1):
        p.pid = f"T{i:05d}"
    return Population(people, builder.companies, builder.ids)
