"""How a person gets typed into a form: which name, email, phone and address, with the usual slips."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from identity_graph.generate import constants as c
from identity_graph.generate.people import Person
from identity_graph.generate.variants import (
    COUNTRY_FORMS,
    email_variant,
    format_phone,
    street_line,
    strip_accents,
    typo,
)

#: State names for the states of the bundled cities (some systems store the name, not the code).
STATE_NAMES = {
    "CA": "California", "WA": "Washington", "OR": "Oregon", "NV": "Nevada", "AZ": "Arizona", "CO": "Colorado",
    "UT": "Utah", "NM": "New Mexico", "TX": "Texas", "IL": "Illinois", "MN": "Minnesota", "MO": "Missouri",
    "WI": "Wisconsin", "TN": "Tennessee", "LA": "Louisiana", "GA": "Georgia", "FL": "Florida",
    "NC": "North Carolina", "DC": "District of Columbia", "MD": "Maryland", "PA": "Pennsylvania",
    "NY": "New York", "MA": "Massachusetts", "RI": "Rhode Island", "CT": "Connecticut", "MI": "Michigan",
    "OH": "Ohio", "IN": "Indiana", "ME": "Maine",
}  # fmt: skip
#: A form is filled with the formal first name (not the nickname) this often.
FORMAL_NAME_SHARE = 0.6
#: Share of CRM rows with the work address when the person has one.
WORK_EMAIL_SHARE = 0.5
#: Share of CRM rows with the family mailbox when the person shares one.
FAMILY_MAILBOX_ENTRY_SHARE = 0.6
#: Share of CRM rows with no email at all.
NO_EMAIL_SHARE = 0.05
#: Share of ZIP codes written as ZIP+4.
ZIP4_SHARE = 0.15
#: A typo lands in the first name (rather than the last) this often.
TYPO_IN_FIRST_NAME_SHARE = 0.5
#: The main phone field holds the landline (when there is one) this often, else the work number this often.
LANDLINE_ENTRY_SHARE = 0.8
WORK_PHONE_ENTRY_SHARE = 0.7
#: The mobile field is filled (when the person has one) this often.
MOBILE_ENTRY_SHARE = 0.85
#: A mobile with no other number is typed into the main phone field this often.
MOBILE_IN_PHONE_FIELD_SHARE = 0.3
#: A system that allows it stores the state's name instead of its code this often.
STATE_NAME_SHARE = 0.5


def entered_name(rng: random.Random, p: Person, swap: bool = False) -> tuple[str, str]:
    """First and last name as typed: formal or nickname, accents kept or not, a typo, sometimes swapped."""
    first = p.first if rng.random() < FORMAL_NAME_SHARE else p.given
    last = p.last
    if rng.random() < c.ACCENT_STRIP_SHARE:
        first, last = strip_accents(first), strip_accents(last)
    if rng.random() < c.TYPO_SHARE:
        if rng.random() < TYPO_IN_FIRST_NAME_SHARE:
            first = typo(rng, first)
        else:
            last = typo(rng, last)
    if rng.random() < c.SWAPPED_NAME_SHARE or swap:
        first, last = last, first
    return first, last


def entered_email(rng: random.Random, p: Person) -> str:
    """The email a form holds: personal (maybe a variant), work, the family mailbox, or nothing."""
    roll = rng.random()
    if roll < NO_EMAIL_SHARE:
        return ""
    if p.family_mailbox and rng.random() < FAMILY_MAILBOX_ENTRY_SHARE:
        return p.family_mailbox
    if p.work_email and rng.random() < WORK_EMAIL_SHARE:
        return p.work_email
    if rng.random() < c.GMAIL_VARIANT_SHARE:
        return email_variant(rng, p.email)
    return p.email


def entered_phones(rng: random.Random, p: Person) -> tuple[str, str]:
    """(Phone, MobilePhone) as typed: landline or work number with extension, and the mobile."""
    phone = ""
    if p.home_phone and rng.random() < LANDLINE_ENTRY_SHARE:
        phone = format_phone(rng, p.home_phone)
    elif p.company and rng.random() < WORK_PHONE_ENTRY_SHARE:
        phone = format_phone(rng, p.company.switchboard, p.work_ext)
    mobile = format_phone(rng, p.mobile) if p.mobile and rng.random() < MOBILE_ENTRY_SHARE else ""
    if mobile and not phone and rng.random() < MOBILE_IN_PHONE_FIELD_SHARE:
        phone, mobile = mobile, ""  # the mobile typed into the main phone field
    return phone, mobile


def entered_address(rng: random.Random, p: Person, state_names: bool = False) -> tuple[str, str, str, str]:
    """(street, city, state, postal code) as typed."""
    a = p.address
    street = street_line(rng, a.number, a.street, a.street_kind, a.unit)
    state = (
        STATE_NAMES.get(a.city.state, a.city.state) if state_names and rng.random() < STATE_NAME_SHARE else a.city.state
    )
    postal = f"{a.zip5}-{rng.randrange(1000, 9999)}" if rng.random() < ZIP4_SHARE else a.zip5
    return street, a.city.name, state, postal


def country(rng: random.Random) -> str:
    """The country, written one of the ways CRMs hold it."""
    return rng.choice(COUNTRY_FORMS)


def later(rng: random.Random, start: datetime, max_days: int = 400) -> datetime:
    """A moment after start and before the anchor."""
    room = max(1, min(max_days * 86400, int((c.ANCHOR - start).total_seconds())))
    return start + timedelta(seconds=rng.randrange(room))
