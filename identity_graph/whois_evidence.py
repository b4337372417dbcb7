"""How far a candidate's evidence can carry a who-is confidence (docs/service.md, "Who is this handle?").

The match model scores a social account against a customer's record as it scores any pair, and a full-name
match alone can reach 99 %. For a social account that overstates it: many people share a name, and a handle and
a display name are chosen freely, so a stranger who shares a customer's name looks exactly like the customer.
Who-is therefore caps the model's probability by the *kind* of evidence the pair has (its `Basis`):

- **identifier**: a shared identifier (the customer's email or phone written in the bio, the same handle or id),
  or a handle equal to the customer's email name that is not just their name: the model's probability stands;
- **name and place**: the full name and the same city, street or postcode, a shared household line, the same
  date of birth, or a link to the customer's own site (the account's web address on their email's domain): 90 %;
- **name and region**: the full name and the same state: 75 %;
- **rare name**: the full name only, and it is rare (below): 75 %;
- **name**: the full name only: 60 %;
- **partial**: part of a name (the last name, an initial), or a place without the name: 30 %;
- **nothing**: no single detail agrees, only the model's overall score: 20 %.

A name is *rare* when its given name is none of the US Census's 1990 given names nor the nickname tables'
(`matchers.names.given_name_list`: the names of about nine in ten US residents) and is uncommon in our own records
too (the trained model's term-frequency table of first names: a share below `RARE_FIRST_SHARE`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

from identity_graph.model import Evidence, IdentifierKind, StoredRecord

#: The most confidence each basis allows (a cap on the model's probability).
NAME_AND_PLACE_CAP = 0.9
NAME_AND_REGION_CAP = 0.75
RARE_NAME_CAP = 0.75
NAME_ONLY_CAP = 0.6
PARTIAL_CAP = 0.3
NOTHING_CAP = 0.2
#: A given name outside the census lists is rare when fewer than this share of our records carry it.
RARE_FIRST_SHARE = 0.001
#: A surname read from a handle has at least this many letters (a cut-off handle may hold only its start).
MIN_SURNAME_LETTERS = 3
#: Domains of mailbox providers: a web address there is nobody's own site (nor is an email there a company's).
MAILBOX_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "google.com", "yahoo.com", "outlook.com", "hotmail.com", "live.com",
        "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.com",
        "gmx.net", "mail.com", "yandex.ru", "zoho.com", "fastmail.com",
    }
)  # fmt: skip

#: Identifier comparisons, and the levels at which the pair shares the identifier (a household line is a place).
_IDENTIFIERS = frozenset({"phone", "email", "handle", "crm", "account", "national_id", "card_last4"})
_SHARED = frozenset({"personal", "exact", "household_named", "mentioned"})
_FIRST_AGREES = frozenset({"exact", "nickname", "very_similar"})
_LAST_AGREES = frozenset({"exact", "very_similar"})
_LOCAL_PLACES = frozenset({"city", "street", "postcode"})


class Basis(StrEnum):
    """The kind of evidence a candidate rests on, strongest first."""

    IDENTIFIER = "identifier"
    NAME_AND_PLACE = "name_and_place"
    NAME_AND_REGION = "name_and_region"
    RARE_NAME = "rare_name"
    NAME = "name"
    MENTION = "mention"  # a message of theirs mentions the handle (a fixed confidence, whoever it names)
    PARTIAL = "partial"
    NOTHING = "nothing"


#: The cap of each basis (1.0: the probability stands).
CAPS = {
    Basis.IDENTIFIER: 1.0,
    Basis.NAME_AND_PLACE: NAME_AND_PLACE_CAP,
    Basis.NAME_AND_REGION: NAME_AND_REGION_CAP,
    Basis.RARE_NAME: RARE_NAME_CAP,
    Basis.NAME: NAME_ONLY_CAP,
    Basis.MENTION: 1.0,
    Basis.PARTIAL: PARTIAL_CAP,
    Basis.NOTHING: NOTHING_CAP,
}

#: What a capped line adds, by basis: why the model's score is not taken as it is.
CAP_WORDS = {
    Basis.NAME_AND_PLACE: "The name and the place match, but no identifier we hold proves it",
    Basis.NAME_AND_REGION: "The name and the state match; a state holds many namesakes",
    Basis.RARE_NAME: "Only the name matches, though it is a rare one",
    Basis.NAME: "Only the name matches, and many people share a name",
    Basis.PARTIAL: "Only part of the name or the place matches",
    Basis.NOTHING: "No detail of the account matches theirs",
}


def _levels(evidence: Sequence[Evidence]) -> dict[str, str]:
    """Each comparison's level, for the comparisons that speak for the pair (a positive weight)."""
    return {e.comparison: e.level for e in evidence if e.weight > 0}


def full_name_agrees(evidence: Sequence[Evidence]) -> bool:
    """True when the model found the whole name agreeing: the first name (or a nickname) and the last name. (A
    handle that "spells their name" may be built from a first name and an initial: `names_agree` reads it.)"""
    levels = _levels(evidence)
    return levels.get("first_name") in _FIRST_AGREES and levels.get("last_name") in _LAST_AGREES


def known_given(word: str, first_names: Mapping[str, float]) -> bool:
    """True when a folded word is a given name we know: the census's, the nickname tables' or one our own
    records carry (`first_names`: the model's first-name frequencies)."""
    from matchers.names import given_name_list

    return bool(word) and (word in given_name_list() or word in first_names)


def names_agree(account: StoredRecord, other: StoredRecord, first_names: Mapping[str, float]) -> bool:
    """True when the account writes a person's name (one part a given name we know: not `just browsing`) and it
    is the other record's whole name: the same first name or a nickname of it, and the same last name — written,
    or, beside a first name alone or an initial (`Will ✈️`, `Julia P.`), spelt whole in the account's handle
    (@vazquezwill, @juliapetrov). Read straight or crossed (`SATO CARLOS`). The model may leave a name out of
    its evidence (a mail's display name it does not trust); who-is still knows the names are the same."""
    from matchers.names import are_nicknames, parse_name
    from matchers.text import clean_name

    a = parse_name(account.first_name, account.middle_name, account.last_name, account.full_name)
    b = parse_name(other.first_name, other.middle_name, other.last_name, other.full_name)
    if not (a.first and b.first and b.last):
        return False
    if not (known_given(a.first, first_names) or known_given(a.last, first_names)):
        return False
    handles = [
        clean_name(c.identifier.value.split(":", 1)[-1])
        for c in account.claimed
        if c.identifier.kind is IdentifierKind.HANDLE
    ]

    def one(first: str, last: str) -> bool:
        if first != a.first and not are_nicknames(first, a.first):
            return False
        if len(a.last) > 1:
            return last == a.last
        spelt = len(last) >= MIN_SURNAME_LETTERS and any(last in h for h in handles)
        return spelt and last.startswith(a.last)

    return one(b.first, b.last) or one(b.last, b.first)


def handle_names(display: str, handle: str, first_names: Mapping[str, float]) -> list[str]:
    """Full names a partial display name and its handle spell together, to look namesakes up by: `Will ✈️`
    with `x:vazquezwill` -> `will vazquez`, `Julia P.` with `x:juliapetrov` -> `julia petrov`, `Ronald K.` with
    `x:rking` -> `ronald king`. The display name's first word must be a given name we know."""
    from matchers.text import clean_name

    words = [clean_name(w) for w in display.split()]
    first = words[0] if words else ""
    letters = clean_name(handle.split(":", 1)[-1])
    if not known_given(first, first_names) or not letters:
        return []
    rests = []
    if letters.startswith(first):
        rests.append(letters[len(first) :])
    if letters.endswith(first):
        rests.append(letters[: -len(first)])
    initial = words[1][:1] if len(words) > 1 else ""
    if letters[:1] == first[:1] and initial and letters[1:].startswith(initial):
        rests.append(letters[1:])
    return [f"{first} {rest}" for rest in dict.fromkeys(rests) if len(rest) >= MIN_SURNAME_LETTERS]


def own_site(account: StoredRecord, other: StoredRecord) -> bool:
    """True when the account's web address is on the domain of one of the other record's emails, with or without
    `www.` (`www.juliapetrov.com` / `julia@juliapetrov.com`; not a name under it: `blog.acme.com` beside an
    `@acme.com` mailbox is the employer's), and that domain is no mailbox provider's (its registrable part:
    `mail.yahoo.com` is yahoo's): a link to the customer's own site."""
    from identity_graph.campaigns.normalize import idna_host, registrable_domain  # the suffix list: when asked

    def host(text: str) -> str:
        try:
            return idna_host(text)
        except ValueError:
            return ""

    sites = [host(c.identifier.value) for c in account.claimed if c.identifier.kind is IdentifierKind.URL]
    if not any(sites):
        return False
    for c in other.claimed:
        mail = host(c.identifier.value) if c.identifier.kind is IdentifierKind.EMAIL else ""
        if not mail or registrable_domain(mail) in MAILBOX_DOMAINS:
            continue
        if any(site.removeprefix("www.") == mail for site in sites):
            return True
    return False


def basis_of(evidence: Sequence[Evidence], *, named: bool = False, site: bool = False, rare: bool = False) -> Basis:
    """The kind of evidence a pair rests on (`named`: the two records write the same whole name; `site`: the
    account links to the customer's own site; `rare`: the account's name is rare)."""
    levels = _levels(evidence)
    if any(levels.get(c) in _SHARED for c in _IDENTIFIERS) or levels.get("username") == "exact":
        return Basis.IDENTIFIER
    local = site or any(levels.get(p) == "exact" for p in _LOCAL_PLACES)
    local = local or levels.get("dob") in ("exact", "swapped") or "household" in {levels.get(c) for c in _IDENTIFIERS}
    if named or full_name_agrees(evidence):
        if local:
            return Basis.NAME_AND_PLACE
        if levels.get("state") == "exact":
            return Basis.NAME_AND_REGION
        return Basis.RARE_NAME if rare else Basis.NAME
    return Basis.PARTIAL if levels or site else Basis.NOTHING


def capped(probability: float, basis: Basis) -> float:
    """The model's probability, capped by what the evidence can tell."""
    return min(probability, CAPS[basis])


def cap_note(probability: float, basis: Basis) -> str:
    """The sentence a capped candidate's evidence line ends with ('' when the cap did not lower it)."""
    if probability <= CAPS[basis] or basis not in CAP_WORDS:
        return ""
    return f"{CAP_WORDS[basis]}: at most {round(CAPS[basis] * 100)}%."


def rare_name(first: str, first_share: float | None) -> bool:
    """True when a folded given name is rare: none of the census's or the nickname tables' given names, and
    carried by fewer than `RARE_FIRST_SHARE` of our records (`first_share`: its share in the model's
    term-frequency table, None when the table does not list it: seen once or never)."""
    from matchers.names import given_name_list

    if not first or len(first) < 2 or first in given_name_list():
        return False
    return first_share is None or first_share < RARE_FIRST_SHARE
