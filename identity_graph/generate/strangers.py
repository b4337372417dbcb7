"""People who are not customers: wrong-number callers, X accounts that mention us, a customer's namesake."""

from __future__ import annotations

import random
from datetime import timedelta

from identity_graph.generate import constants as c
from identity_graph.generate.calls import CallsWriter
from identity_graph.generate.identities import IdentityFactory
from identity_graph.generate.names import cities, female_names, male_names, surnames
from identity_graph.generate.people import Channel, Population
from identity_graph.generate.phones import PhonePool
from identity_graph.generate.social import XWriter
from identity_graph.generate.variants import ascii_slug

#: A stranger who shows a real name still uses an anonymous handle this often.
NAMED_STRANGER_ANON_HANDLE = 0.3


def _name(rng: random.Random) -> tuple[str, str]:
    """A random (first, last) name."""
    return rng.choice(female_names() + male_names()), rng.choice(surnames())


def wrong_numbers(rng: random.Random, pool: PhonePool, population: Population, calls: CallsWriter) -> int:
    """Calls from strangers who dialled us by mistake; returns how many."""
    count = max(c.MIN_WRONG_NUMBERS, round(len(population.people) * c.WRONG_NUMBER_CALLS_PER_PERSON))
    for _ in range(count):
        first, last = _name(rng)
        number = pool.take(rng.choice(cities()).area_codes)
        calls.wrong_number(population.new_stranger_id(), number, last, first)
    return count


def x_strangers(rng: random.Random, ids: IdentityFactory, population: Population, x: XWriter) -> int:
    """X accounts of non-customers, one of them a namesake of a customer living elsewhere; returns how many."""
    count = max(c.MIN_X_STRANGERS, round(len(population.people) * c.X_STRANGERS_PER_PERSON))
    since = c.ANCHOR - timedelta(days=c.HISTORY_DAYS)
    in_crm = [p for p in population.people if Channel.SALESFORCE in p.channels]
    for i in range(count):
        city = rng.choice(cities())
        if i == 0 and in_crm:
            model = rng.choice(in_crm)
            name = f"{model.given} {model.last}"
            city = rng.choice([k for k in cities() if k.name != model.address.city.name])
            handle = ids.handle(model, anonymous=False)
        elif rng.random() < c.ANONYMOUS_HANDLE_SHARE:
            handle = ids.handle(None, anonymous=True)
            name = handle
        else:
            first, last = _name(rng)
            name = f"{first} {last}"
            handle = (
                ids.handle(None, anonymous=True)
                if rng.random() < NAMED_STRANGER_ANON_HANDLE
                else _handle_for(ids, first, last)
            )
        x.account(ids.x_user_id(), handle, name, "", city, since, population.new_stranger_id())
    return count


def _handle_for(ids: IdentityFactory, first: str, last: str) -> str:
    """A name-based handle for a stranger."""
    candidate = (ascii_slug(first) + ascii_slug(last))[:12] or "someone"
    return ids.unique_handle(candidate)
