"""Look-alikes of registered domains: the permutations dnstwist knows, confusable letters, and a fallback.

Three ways a pasted domain can imitate one of ours, from the surest to the least sure:

1. **dnstwist's permutations** of each registered domain (addition, bitsquatting, Cyrillic, homoglyph,
   hyphenation, insertion, omission, plural, repetition, replacement, subdomain, transposition, vowel swap,
   various, and a TLD swap over `COMMON_TLDS`), generated once per domain and indexed once per set of domains.
2. **Confusable characters** (UTS #39 skeletons): a name that *looks* the same once each look-alike character is
   read as the letter it imitates (a Cyrillic а, an accented ạ), whatever dnstwist generated.
3. **A fallback** for what neither lists, at lower confidence: our whole domain placed in front of another one
   (`bank-offers.com.evil.net`), our name under another ending, a spelling a couple of edits away, or our name
   inside a longer one (`examplebank-secure-login.com`).

Shared services (`SHARED_DOMAINS`: mail platforms, link shorteners, social networks) are never indexed: a domain
anyone can use says nothing about who sent a message.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

import dnstwist
from rapidfuzz.distance import DamerauLevenshtein

from identity_graph.campaigns.domains import Host, describe_char, parse_host, skeleton, to_unicode, within

#: Endings tried by the TLD swap (a short list shipped here; dnstwist would otherwise need a dictionary file).
COMMON_TLDS = (
    "com", "net", "org", "info", "biz", "co", "io", "us", "uk", "co.uk", "org.uk", "de", "fr", "eu", "ca", "au",
    "com.au", "nl", "be", "es", "it", "ch", "ie", "app", "online", "site", "xyz", "top", "shop", "store",
    "support", "help", "live", "me", "ai", "cc", "tv", "ws", "cn", "ru", "in", "com.br", "mx", "email", "link",
)  # fmt: skip
#: Domains many senders share: a match on one proves nothing alone, and their look-alikes are not ours to flag.
SHARED_DOMAINS = frozenset(
    {
        "sendgrid.net", "sendgrid.com", "mailchimp.com", "mcsv.net", "mcdlv.net", "rsgsv.net", "list-manage.com",
        "amazonses.com", "sparkpostmail.com", "mailgun.org", "mailgun.net", "mandrillapp.com", "exacttarget.com",
        "salesforce.com", "braze.com", "klaviyomail.com", "hubspotemail.net", "constantcontact.com", "gmail.com",
        "googlemail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "bit.ly", "t.co", "tinyurl.com",
        "ow.ly", "buff.ly", "goo.gl", "x.com", "twitter.com", "facebook.com", "instagram.com", "tiktok.com",
        "linkedin.com", "youtube.com", "threads.net", "google.com", "microsoft.com",
    }
)  # fmt: skip

#: How sure a look-alike answer is, by method (0-100).
CONFIDENCE_PERMUTATION = 90
CONFIDENCE_CONFUSABLE = 95
CONFIDENCE_DOMAIN_IN_FRONT = 85
CONFIDENCE_OTHER_ENDING = 70
CONFIDENCE_NEAR_SPELLING = 60
CONFIDENCE_EMBEDDED = 55
#: Edits allowed by the near-spelling fallback: (shortest registered name, edits), longest first.
NEAR_SPELLING_EDITS = ((10, 2), (6, 1))
#: Shortest registered name looked for inside a longer domain (shorter ones are ordinary words).
MIN_EMBEDDED_CHARS = 6
#: Edits (on look-alike skeletons) within which a pasted name is compared with a domain's permutations; every
#: dnstwist permutation is within 4 of its domain (two look-alike swaps; the ending is left out of the comparison).
NEAR_EDITS = 6
#: Registered domains whose permutations (5,000 to 17,000 names each) are kept in memory.
PERMUTATION_CACHE_SIZE = 64
#: Sets of registered domains whose look-alike index is kept in memory.
INDEX_CACHE_SIZE = 8

#: dnstwist's permutation kinds as an agent says them.
KIND_WORDS = {
    "addition": "a letter added at the end",
    "bitsquatting": "one character changed",
    "cyrillic": "Cyrillic letters in place of Latin ones",
    "homoglyph": "a look-alike character",
    "hyphenation": "an extra hyphen",
    "insertion": "an extra letter typed in",
    "omission": "a letter left out",
    "plural": "an extra s",
    "repetition": "a letter doubled",
    "replacement": "one letter replaced by its neighbour on the keyboard",
    "subdomain": "a dot inserted, which makes it a page on another domain",
    "transposition": "two letters swapped",
    "vowel-swap": "a different vowel",
    "various": "the ending run into the name",
    "tld-swap": "a different ending",
    "dictionary": "an extra word",
    "confusable": "look-alike characters",
    "domain-in-front": "our domain name placed in front of someone else's",
    "other-ending": "a different ending",
    "near-spelling": "a spelling close to ours",
    "embedded": "our name inside a longer name",
}


@dataclass(frozen=True)
class LookAlike:
    """A pasted domain that imitates a registered one: how, and how sure."""

    host: str  # the pasted host (Unicode form, as a person reads it)
    registered: str  # the registered domain it imitates (IDNA form)
    kind: str  # a key of KIND_WORDS
    detail: str  # the difference in words ("the digit 0 in place of 'o'")
    confidence: int

    @property
    def description(self) -> str:
        """The kind and the difference as one phrase."""
        words = KIND_WORDS.get(self.kind, self.kind)
        return f"{words} ({self.detail})" if self.detail else words


def _quoted(text: str) -> str:
    """A piece of a name as an agent can say it."""
    return describe_char(text) if len(text) == 1 else f"'{text}'"


def difference(seen: str, ours: str) -> str:
    """The first difference between a pasted name and ours, in words ("a Cyrillic а in place of 'a'")."""
    if len(seen) == len(ours):
        at = next((i for i, (a, b) in enumerate(zip(seen, ours, strict=True)) if a != b), -1)
        if (
            0 <= at < len(ours) - 1
            and seen[at : at + 2] == ours[at : at + 2][::-1]
            and seen[at + 2 :] == ours[at + 2 :]
        ):
            return f"'{ours[at : at + 2]}' written '{seen[at : at + 2]}'"
    matcher = difflib.SequenceMatcher(a=ours, b=seen, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "replace":
            return f"{_quoted(seen[j1:j2])} in place of {_quoted(ours[i1:i2])}"
        if op == "insert":
            return f"{_quoted(seen[j1:j2])} added"
        if op == "delete":
            return f"{_quoted(ours[i1:i2])} missing"
    return ""


@lru_cache(maxsize=PERMUTATION_CACHE_SIZE)
def permutations(domain: str) -> dict[str, str]:
    """dnstwist's permutations of one registered domain (IDNA form) -> the fuzzer that made each."""
    host = parse_host(domain)
    fuzzer = dnstwist.Fuzzer(domain, tld_dictionary=list(COMMON_TLDS))
    if host is not None and host.suffix:  # split by the public suffix list, not dnstwist's guess
        fuzzer.subdomain = host.ascii[: -len(host.registrable) - 1] if host.ascii != host.registrable else ""
        fuzzer.domain = to_unicode(host.label)
        fuzzer.tld = host.suffix
    fuzzer.generate()
    found: dict[str, str] = {}
    for item in sorted(fuzzer.domains, key=lambda d: (str(d["fuzzer"]), str(d["domain"]))):
        name, kind = str(item["domain"]).lower(), str(item["fuzzer"])
        if name and kind != "*original" and name != domain:
            found.setdefault(name, kind)
    return found


class LookAlikeIndex:
    """The registered domains of a registry, and their permutations for lookups of pasted names.

    A domain's permutations are generated the first time a pasted name comes near it (its look-alike skeleton
    within `NEAR_EDITS` of the domain's, which every permutation is) and kept (`permutations` is cached by
    domain), so a registry of 40 domains costs nothing up front instead of about 10 s of generation.
    """

    def __init__(self, domains: Iterable[str]) -> None:
        self.domains = tuple(sorted({d for d in domains if d not in SHARED_DOMAINS}))
        self._labels = {d: skeleton(to_unicode(_label(d))) for d in self.domains}

    def near(self, host: Host) -> list[str]:
        """The registered domains whose name the host (or a parent name of it) is a few edits from."""
        tails = {skeleton(to_unicode(_without_suffix(t, host.suffix))) for t in _tails(host)}
        return [
            d
            for d, label in self._labels.items()
            if any(DamerauLevenshtein.distance(t, label, score_cutoff=NEAR_EDITS + 1) <= NEAR_EDITS for t in tails)
        ]

    def find(self, host: Host) -> list[LookAlike]:
        """The registered domains this host imitates, surest first (none when it is one of ours)."""
        if any(within(host.ascii, d) for d in self.domains) or host.registrable in SHARED_DOMAINS:
            return []
        found = self._permuted(host) or self._confusable(host) or self._fallback(host)
        return sorted(found, key=lambda a: (-a.confidence, a.registered))

    def _permuted(self, host: Host) -> list[LookAlike]:
        """Hits in dnstwist's permutations, for the host and each parent name down to its registrable domain."""
        out: dict[str, LookAlike] = {}
        tails = _tails(host)
        for registered in self.near(host):
            known = permutations(registered)
            kind = next((known[t] for t in tails if t in known), None)
            if kind is not None:
                detail = _detail(kind, host, registered)
                out[registered] = LookAlike(host.unicode, registered, kind, detail, CONFIDENCE_PERMUTATION)
        return list(out.values())

    def _confusable(self, host: Host) -> list[LookAlike]:
        """Registered domains the host's registrable name looks the same as, letter for letter."""
        seen = skeleton(to_unicode(host.registrable))
        out = []
        for registered in self.domains:
            if registered != host.registrable and skeleton(to_unicode(registered)) == seen:
                detail = difference(to_unicode(host.registrable), to_unicode(registered))
                out.append(LookAlike(host.unicode, registered, "confusable", detail, CONFIDENCE_CONFUSABLE))
        return out

    def _fallback(self, host: Host) -> list[LookAlike]:
        """Lower-confidence imitations dnstwist does not list."""
        out = []
        label = skeleton(to_unicode(host.label))
        for registered in self.domains:
            ours = parse_host(registered)
            if ours is None:
                continue
            found = _fallback_one(host, ours, label)
            if found is not None:
                out.append(found)
        return out


def _tails(host: Host) -> list[str]:
    """The host and each parent name of it down to its registrable domain (IDNA form)."""
    names = host.ascii.split(".")
    stop = len(host.registrable.split(".")) if host.registrable else 2
    return [".".join(names[start:]) for start in range(len(names) - stop + 1)]


def _without_suffix(name: str, suffix: str) -> str:
    """A name without its public suffix."""
    return name[: -len(suffix) - 1] if suffix and name.endswith("." + suffix) else name


def _label(domain: str) -> str:
    """A registered domain without its public suffix."""
    host = parse_host(domain)
    return host.label if host is not None else domain


def _fallback_one(host: Host, ours: Host, label: str) -> LookAlike | None:
    """One registered domain's fallback check against a pasted host."""
    ours_label = skeleton(to_unicode(ours.label))
    if f".{ours.registrable}." in f".{host.ascii}" and host.registrable != ours.registrable:
        return LookAlike(host.unicode, ours.registrable, "domain-in-front", "", CONFIDENCE_DOMAIN_IN_FRONT)
    dotted = skeleton(to_unicode(host.ascii[: -len(host.suffix) - 1])) if host.suffix == ours.suffix else ""
    if "." in dotted and ours_label in (dotted.replace(".", "-"), dotted.replace(".", "")):
        return LookAlike(host.unicode, ours.registrable, "subdomain", host.unicode, CONFIDENCE_DOMAIN_IN_FRONT)
    if label == ours_label and host.suffix != ours.suffix:
        detail = f".{host.suffix} instead of .{ours.suffix}"
        return LookAlike(host.unicode, ours.registrable, "other-ending", detail, CONFIDENCE_OTHER_ENDING)
    allowed = next((edits for shortest, edits in NEAR_SPELLING_EDITS if len(ours_label) >= shortest), 0)
    if allowed and 0 < DamerauLevenshtein.distance(label, ours_label, score_cutoff=allowed + 1) <= allowed:
        detail = difference(to_unicode(host.label), to_unicode(ours.label))
        return LookAlike(host.unicode, ours.registrable, "near-spelling", detail, CONFIDENCE_NEAR_SPELLING)
    names = {ours_label, ours_label.replace("-", "")}
    if len(ours_label) >= MIN_EMBEDDED_CHARS and any(n in skeleton(host.unicode) for n in names):
        detail = f"{to_unicode(ours.label)} inside {host.unicode}"
        return LookAlike(host.unicode, ours.registrable, "embedded", detail, CONFIDENCE_EMBEDDED)
    return None


def _detail(kind: str, host: Host, registered: str) -> str:
    """The specific difference behind a dnstwist permutation kind."""
    ours = parse_host(registered)
    if kind == "tld-swap" and ours is not None:
        return f".{host.suffix} instead of .{ours.suffix}"
    if kind in ("subdomain", "various", "cyrillic"):
        return host.unicode if kind == "subdomain" else ""
    seen = host.unicode[: -len(host.suffix) - 1] if host.suffix and host.unicode.endswith(host.suffix) else host.unicode
    mine = to_unicode(ours.label) if ours is not None else registered
    return difference(seen.split(".")[-1], mine)


@lru_cache(maxsize=INDEX_CACHE_SIZE)
def _index(domains: frozenset[str]) -> LookAlikeIndex:
    """The index of one set of registered domains (cached by the set's content)."""
    return LookAlikeIndex(domains)


def index_for(domains: Collection[str]) -> LookAlikeIndex:
    """The look-alike index of a registry's domains, built once per distinct set."""
    return _index(frozenset(domains))
