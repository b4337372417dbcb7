"""The true people behind the data: who they are, where they live, which numbers and addresses are theirs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from identity_graph.generate.identities import IdentityFactory
from identity_graph.generate.names import City


class Channel(StrEnum):
    """A source a person can appear in."""

    SALESFORCE = "salesforce"
    HUBSPOT = "hubspot"
    CALLS = "calls"
    MAIL = "mail"
    MARKETING = "marketing"
    X = "x"


@dataclass(slots=True)
class Company:
    """An employer: its domain, its switchboard (main number) and the extensions handed out so far."""

    name: str
    domain: str
    city: City
    switchboard: str
    next_extension: int = 201


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address (the street line is stored in one canonical form; writers vary it)."""

    number: int
    street: str
    street_kind: int
    unit: str
    city: City
    zip5: str


@dataclass(slots=True)
class Person:
    """One true person (a customer, or a stranger who is not)."""

    pid: str
    first: str
    last: str
    sex: str
    dob: date
    address: Address
    email: str
    household: int
    nick: str | None = None
    mobile: str | None = None
    home_phone: str | None = None
    home_phone_owner: tuple[str, str] | None = None  # (last, first) of whoever the landline is billed to
    company: Company | None = None
    work_ext: str | None = None
    work_email: str | None = None
    family_mailbox: str | None = None
    handle: str | None = None
    x_user_id: str | None = None
    x_display: str | None = None  # display name on X (an anonymous one for anonymous handles)
    since: datetime = datetime(2024, 1, 1)
    tier: str = ""
    channels: set[Channel] = field(default_factory=set)
    traits: set[str] = field(default_factory=set)  # hard cases this person stands for (twin, namesake, ...)
    household_members: list[Person] = field(default_factory=list, repr=False)

    @property
    def given(self) -> str:
        """The first name the person goes by (nickname if they use one)."""
        return self.nick or self.first

    @property
    def full(self) -> str:
        """Given name and last name."""
        return f"{self.given} {self.last}"

    @property
    def phones(self) -> tuple[str, ...]:
        """Every number of the person's own (mobile, landline, work switchboard), 10 digits each."""
        work = self.company.switchboard if self.company else None
        return tuple(p for p in (self.mobile, self.home_phone, work) if p)

    def others_in_household(self) -> list[Person]:
        """The other members of the person's household."""
        return [m for m in self.household_members if m is not self]


@dataclass(slots=True)
class Population:
    """Every customer of a generated set and the companies they work for."""

    people: list[Person]
    companies: list[Company]
    ids: IdentityFactory
    stranger_count: int = 0

    def new_stranger_id(self) -> str:
        """A truth label for someone who is not a customer (each stranger is their own person)."""
        self.stranger_count += 1
        return f"S{self.stranger_count:05d}"
