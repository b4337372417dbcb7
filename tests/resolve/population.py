"""A small deterministic multi-channel population for resolver tests (with its truth)."""

from __future__ import annotations

import random
from datetime import date

from identity_graph.model import Record
from tests.resolve.conftest import call, mail, person

FIRST = ["Robert", "Elizabeth", "William", "Margaret", "James", "Patricia", "Michael", "Susan", "Thomas", "Karen",
         "Daniel", "Nancy", "Anthony", "Lisa", "Steven", "Sandra", "Kevin", "Donna", "Brian", "Carol"]  # fmt: skip
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Kowalczyk", "Haddad", "Brennan", "Castillo", "Novak", "Iyer",
        "Fischer", "Delgado", "Abernathy", "Kaminski", "Oyelaran", "Petrov", "Quintero", "Sorensen"]  # fmt: skip
NICK = {"Robert": "Bob", "Elizabeth": "Liz", "William": "Bill", "Margaret": "Peggy", "James": "Jim", "Michael": "Mike",
        "Thomas": "Tom", "Daniel": "Dan", "Anthony": "Tony", "Steven": "Steve", "Patricia": "Pat"}  # fmt: skip


def population(people: int, seed: int = 7) -> tuple[list[Record], dict[tuple[str, str], int]]:
    """Records of `people` people across CRM, calls and mail, and each record's true person."""
    rng = random.Random(seed)
    records: list[Record] = []
    truth: dict[tuple[str, str], int] = {}
    for i in range(people):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        phone = f"(415) 555-{1000 + i:04d}"
        email = f"{first.lower()}.{last.lower()}{i}@example.org"
        dob = date(1950 + i % 40, 1 + i % 12, 1 + i % 28)
        mine = [person(f"crm{i}", first, last, dob=dob, phones=[phone], emails=[email], city="Reno")]
        for k in range(rng.randint(1, 3)):
            caller = rng.choice([f"{last.upper()} {first.upper()}", None])
            mine.append(call(f"call{i}.{k}", phone, caller))
        for k in range(rng.randint(0, 2)):
            display = rng.choice([f"{NICK.get(first, first)} {last}", f"{last}, {first}", None])
            mine.append(mail(f"mail{i}.{k}", email, display))
        for r in mine:
            truth[(r.source, r.source_id)] = i
        records.extend(mine)
    return records, truth
