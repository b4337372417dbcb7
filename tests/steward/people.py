"""A small population for resolution tests: 20 people, each a CRM contact, a HubSpot contact and a call party."""

from __future__ import annotations

from datetime import date

from identity_graph.model import Record
from tests.steward.conftest import contact

FIRST = ("Robert", "Elizabeth", "Maria", "James", "Chen", "Fatima", "Olga", "Pedro", "Aisha", "Liam",
         "Noah", "Emma", "Sofia", "Ivan", "Yuki", "Omar", "Grace", "Hugo", "Lena", "Marek")  # fmt: skip
LAST = ("Stone", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Haddad", "Kowalski", "Novak", "Brennan", "Castillo",
        "Ferreira", "Schmidt", "Rossi", "Dubois", "Nakamura", "Petrov", "Walsh", "Gupta", "Jensen", "Kim")  # fmt: skip


def person_records(i: int) -> list[Record]:
    """Person i's three records: crm (email + phone + dob), hubspot (email + dob), pbx (phone)."""
    first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
    dob = date(1950 + i, 1 + i % 12, 1 + i % 28)
    email, phone = f"{first}.{last}{i}@example.com".lower(), f"+1415555{i:04d}"
    return [
        contact(f"c{i}", first, last, email=email, phone=phone, dob=dob),
        contact(f"h{i}", first, last, email=email, dob=dob, source="hubspot"),
        contact(f"p{i}", first, last, phone=phone, source="pbx"),
    ]


def population(n: int = 20) -> list[Record]:
    """Every record of n people."""
    return [r for i in range(n) for r in person_records(i)]
