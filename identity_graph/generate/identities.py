"""Makes unique email addresses, X handles and X user ids for people."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from identity_graph.generate.variants import ascii_slug

if TYPE_CHECKING:
    from identity_graph.generate.people import Company, Person

#: Customer email providers and how often each is used.
PROVIDERS = (("gmail.com", 0.45), ("yahoo.com", 0.2), ("outlook.com", 0.2), ("icloud.com", 0.15))
#: Words anonymous handles are made of.
ANON_WORDS = (
    "night", "owl", "gadget", "fan", "pixel", "coffee", "lover", "retro", "gamer", "quiet", "storm", "blue",
    "fox", "urban", "hiker", "tea", "cat", "moon", "river", "byte", "sunny", "wolf", "jazz", "noodle",
)  # fmt: skip
#: X user ids of customers and strangers are drawn from this range (tweet ids are far larger).
X_USER_ID_RANGE = (10_000_000, 1_500_000_000_000_000_000)
#: A personal address uses the formal first name (not the nickname) this often.
FORMAL_NAME_IN_EMAIL_SHARE = 0.5
#: A personal address ends in a number this often.
NUMBERED_EMAIL_SHARE = 0.3
#: Providers that ignore dots in the local part: `jasmine.duncan@` and `jasmineduncan@` are one mailbox there.
DOTLESS_PROVIDERS = ("gmail.com", "googlemail.com")


def mailbox_key(address: str) -> str:
    """What makes an address one mailbox: case folded, and dots dropped where the provider ignores them."""
    local, at, domain = address.lower().rpartition("@")
    if at and domain in DOTLESS_PROVIDERS:
        return f"{local.replace('.', '')}@gmail.com"
    return address.lower()


class IdentityFactory:
    """Hands out addresses, handles and ids that no one else has."""

    def __init__(self, rng: random.Random) -> None:
        """Start with nothing taken."""
        self.rng = rng
        self.taken: set[str] = set()

    def _unique(self, candidate: str, sep: str = "") -> str:
        """The candidate, or the candidate with a number added (before any `@domain`) until it is free (two
        spellings of one mailbox, `a.b@gmail.com` and `ab@gmail.com`, are not both handed out)."""
        base, at, domain = candidate.rpartition("@") if "@" in candidate else (candidate, "", "")
        value = candidate
        while mailbox_key(value) in self.taken:
            value = f"{base}{sep}{self.rng.randrange(1, 999)}{at}{domain}"
        self.taken.add(mailbox_key(value))
        return value

    def provider(self) -> str:
        """A customer mail provider drawn by share."""
        roll = self.rng.random()
        for domain, share in PROVIDERS:
            if roll < share:
                return domain
            roll -= share
        return PROVIDERS[0][0]

    def personal_email(self, p: Person) -> str:
        """A personal address built from the person's name the way people pick them."""
        first, last = ascii_slug(p.nick or p.first) or "user", ascii_slug(p.last) or "mail"
        if self.rng.random() < FORMAL_NAME_IN_EMAIL_SHARE:
            first = ascii_slug(p.first) or first
        local = self.rng.choice(
            (f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}", f"{first}_{last}", f"{last}.{first}")
        )
        if self.rng.random() < NUMBERED_EMAIL_SHARE:
            local += str(self.rng.randrange(1, 99))
        return self._unique(f"{local}@{self.provider()}")

    def work_email(self, p: Person, company: Company) -> str:
        """An address at the employer's domain."""
        first, last = ascii_slug(p.first) or "staff", ascii_slug(p.last) or "member"
        local = self.rng.choice((f"{first}.{last}", f"{first[0]}{last}", first))
        return self._unique(f"{local}@{company.domain}")

    def family_mailbox(self, last: str) -> str:
        """A mailbox a household shares (`thesmiths@yahoo.com`)."""
        slug = ascii_slug(last) or "family"
        local = self.rng.choice((f"the{slug}s", f"{slug}family", f"{slug}.home", f"{slug}house"))
        return self._unique(f"{local}@{self.provider()}")

    def handle(self, p: Person | None, anonymous: bool) -> str:
        """An X handle: from the name, or anonymous words and digits."""
        if anonymous or p is None:
            words = self.rng.sample(ANON_WORDS, 2)
            candidate = f"{words[0]}{self.rng.choice(('', '_'))}{words[1]}{self.rng.randrange(1, 99)}"
        else:
            first, last = ascii_slug(p.given) or "x", ascii_slug(p.last) or "y"
            candidate = self.rng.choice((f"{first}{last}", f"{first}_{last}", f"{first[0]}{last}", f"{last}{first}"))
            candidate = candidate[:12]
        return self.unique_handle(candidate)

    def unique_handle(self, candidate: str) -> str:
        """The handle, or the handle with `_` and a number until nobody has it."""
        return self._unique(f"x:{candidate}", sep="_")[2:]

    def x_user_id(self) -> str:
        """A numeric X user id nobody else has."""
        return self._unique(f"id:{self.rng.randrange(*X_USER_ID_RANGE)}")[3:]
