"""After households exist: namesakes, employers, X accounts, and which channels each person shows up in."""

from __future__ import annotations

import random

from identity_graph.generate import constants as c
from identity_graph.generate.identities import IdentityFactory
from identity_graph.generate.people import Channel, Company, Person

#: Channel shares for people not forced into a channel by a hard case.
CHANNEL_SHARES = (
    (Channel.SALESFORCE, c.SALESFORCE_SHARE),
    (Channel.HUBSPOT, c.HUBSPOT_SHARE),
    (Channel.CALLS, c.CALLS_SHARE),
    (Channel.MAIL, c.MAIL_SHARE),
    (Channel.MARKETING, c.MARKETING_SHARE),
)
#: Display names of anonymous accounts (besides the handle itself).
ANONYMOUS_NAMES = ("🦉", "N/A", "just browsing", "🌙✨", "anon", "•")
#: Channels implied by a trait: the hard case only shows if the person appears there.
FORCED_CHANNELS = {
    "twin": {Channel.SALESFORCE, Channel.CALLS},
    "namesake": {Channel.SALESFORCE},
    "family_mailbox": {Channel.MAIL},
    "switchboard": {Channel.CALLS},
}


def make_namesakes(rng: random.Random, ids: IdentityFactory, people: list[Person]) -> None:
    """Give some single people the first and last name of another single person in another city."""
    singles = [p for p in people if len(p.household_members) == 1]
    rng.shuffle(singles)
    wanted = max(c.MIN_NAMESAKES, round(len(people) * c.NAMESAKE_SHARE))
    made = 0
    while made < wanted and len(singles) >= 2:
        original, copy = singles.pop(), singles.pop()
        if original.address.city.name == copy.address.city.name:
            continue
        copy.first, copy.nick, copy.last, copy.sex = original.first, original.nick, original.last, original.sex
        copy.email = ids.personal_email(copy)
        original.traits.add("namesake")
        copy.traits.add("namesake")
        made += 1


def employ(rng: random.Random, ids: IdentityFactory, people: list[Person], companies: list[Company]) -> None:
    """Give a share of people an employer; the first company gets enough to make its switchboard a hub."""
    wanted = max(c.SWITCHBOARD_MIN_CALLERS, round(len(people) * c.EMPLOYED_SHARE))
    for i, p in enumerate(rng.sample(people, min(wanted, len(people)))):
        company = companies[0] if i < c.SWITCHBOARD_MIN_CALLERS else rng.choice(companies)
        p.company = company
        p.work_ext = str(company.next_extension)
        company.next_extension += rng.randrange(1, 8)
        p.work_email = ids.work_email(p, company)
        if company is companies[0]:
            p.traits.add("switchboard")


def open_x_accounts(rng: random.Random, ids: IdentityFactory, people: list[Person]) -> None:
    """Give a share of people an X account, some under an anonymous handle with no real name."""
    for p in people:
        if rng.random() >= c.X_ACCOUNT_SHARE:
            continue
        anonymous = rng.random() < c.ANONYMOUS_HANDLE_SHARE
        p.handle = ids.handle(p, anonymous)
        p.x_user_id = ids.x_user_id()
        if anonymous:
            p.traits.add("anonymous_handle")
            p.x_display = rng.choice((p.handle, p.handle.rstrip("0123456789").replace("_", " "), *ANONYMOUS_NAMES))
        else:
            p.x_display = rng.choice((p.full, f"{p.first} {p.last[0]}.", p.full.lower(), f"{p.given} ✈️"))


def assign_channels(rng: random.Random, people: list[Person]) -> None:
    """Decide where each person shows up: by share, forced by hard cases, some in one channel only."""
    for p in people:
        forced: set[Channel] = set()
        for trait in p.traits:
            forced |= FORCED_CHANNELS.get(trait, set())
        if p.handle:
            forced.add(Channel.X)
        if not forced and rng.random() < c.ONE_CHANNEL_SHARE:
            p.channels = {rng.choice([ch for ch, _ in CHANNEL_SHARES])}
            p.traits.add("one_channel")
            continue
        p.channels = forced | {ch for ch, share in CHANNEL_SHARES if rng.random() < share}
        if not p.channels:
            p.channels = {Channel.SALESFORCE}
