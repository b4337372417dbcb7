"""What an agent pasted: links, addresses, domains, phone numbers, handles, raw headers and the text itself.

One paste may hold several things (a forwarded mail's headers carry From, Return-Path, Reply-To, the subject and
the server's checks; a sentence may carry a number and a link). Links are taken out first, then addresses, then
bare domains (only names under a public suffix count: `e.g.` or `3.14` are not domains), so nothing is read twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import phonenumbers

from identity_graph.campaigns.domains import Host, parse_host
from identity_graph.campaigns.headers import MailHeaders, looks_like_headers, parse_headers

#: Most items of each kind read from one paste (a pasted page cannot make verify check thousands of names).
MAX_ITEMS = 20
#: Query parameters that only track a click (ignored when a link is compared).
TRACKING_PREFIXES = ("utm_", "mc_", "_hs", "hs_", "vero_", "oly_")
TRACKING_NAMES = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "mkt_tok", "igshid", "si", "ref", "cid"})

#: Hosts that serve the same links under another name (compared as the second).
HOST_ALIASES = {"twitter.com": "x.com", "fb.com": "facebook.com"}

_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'`]+")
_EMAIL = re.compile(r"[\w.+'=-]+@(?:[\w-]+\.)+[\w-]{2,}")
_DOMAIN = re.compile(r"(?<![\w@.-])(?:[\w-]+\.)+[\w-]{2,}(?![\w-])")
_HANDLE = re.compile(r"(?<![\w@./])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,29}[A-Za-z0-9_])?)")
_TRAILING = ".,;:!?)]}>'\""


@dataclass(frozen=True)
class Link:
    """A pasted URL: its host, and its address without scheme, query and fragment (`bit.ly/spring25`)."""

    raw: str
    host: Host | None
    bare: str
    path: str
    tracking: tuple[str, ...]


@dataclass(frozen=True)
class Phone:
    """A phone number as typed and in E.164."""

    raw: str
    e164: str


@dataclass
class Pasted:
    """Everything recognised in one paste."""

    text: str
    headers: MailHeaders | None = None
    links: list[Link] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    hosts: list[Host] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    rest: str = ""  # the text left once links, addresses, domains and handles are taken out

    def kinds(self) -> list[str]:
        """What was recognised, as an agent would say it."""
        seen = [
            ("raw mail headers", self.headers is not None),
            ("a link", bool(self.links)),
            ("an email address", bool(self.addresses)),
            ("a domain", bool(self.hosts)),
            ("a phone number", bool(self.phones)),
            ("a social handle", bool(self.handles)),
        ]
        return [name for name, present in seen if present]


def _link(raw: str) -> Link | None:
    """A URL taken apart (None when it has no usable host)."""
    url = raw if "://" in raw else "http://" + raw
    try:
        parts = urlsplit(url)
        hostname = parts.hostname or ""
    except ValueError:
        return None
    host = parse_host(hostname)
    path = parts.path.rstrip("/")
    keys = [k for k, _ in parse_qsl(parts.query, keep_blank_values=True)]
    tracking = tuple(k for k in keys if k.lower().startswith(TRACKING_PREFIXES) or k.lower() in TRACKING_NAMES)
    name = host.ascii if host is not None else hostname.lower()
    for prefix in ("www.", "mobile.", "m."):
        name = name.removeprefix(prefix)
    bare = HOST_ALIASES.get(name, name) + path
    return Link(raw=raw, host=host, bare=bare, path=path, tracking=tracking)


def normalize_link(text: str) -> str:
    """A registered short link or post URL in the form links are compared in (no scheme, www, query or slash)."""
    link = _link(text.strip())
    return link.bare if link is not None else text.strip().lower()


def regions_of(numbers: Iterable[str]) -> set[str]:
    """The regions (GB, US...) of E.164 numbers."""
    regions = set()
    for number in numbers:
        try:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(number))
        except phonenumbers.NumberParseException:
            continue
        if region:
            regions.add(region)
    return regions


def phones_in(text: str, region: str) -> list[Phone]:
    """Phone numbers in the text however they were typed (spaces, dots, brackets, +, 00, national form)."""
    found: dict[str, Phone] = {}
    variants = [text, re.sub(r"(?<![\d+])00(?=[1-9])", "+", text)]
    for variant in variants:
        try:
            matches = list(phonenumbers.PhoneNumberMatcher(variant, region, leniency=phonenumbers.Leniency.POSSIBLE))
        except Exception:
            continue
        for match in matches:
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            found.setdefault(e164, Phone(raw=match.raw_string, e164=e164))
    return list(found.values())[:MAX_ITEMS]


def _take(pattern: re.Pattern[str], text: str) -> tuple[list[str], str]:
    """The pattern's matches (trailing punctuation dropped) and the text with them blanked out."""
    found = [m.group(0).rstrip(_TRAILING) for m in pattern.finditer(text)]
    return found, pattern.sub(" ", text)


def _hosts(text: str) -> tuple[list[Host], str]:
    """Domain names under a public suffix, and the text with only those blanked out (`415.555.0134` stays)."""
    hosts: dict[str, Host] = {}

    def take(match: re.Match[str]) -> str:
        host = parse_host(match.group(0).rstrip(_TRAILING))
        if host is None:
            return match.group(0)
        hosts.setdefault(host.ascii, host)
        return " "

    rest = _DOMAIN.sub(take, text)
    return list(hosts.values())[:MAX_ITEMS], rest


def extract(text: str, region: str) -> Pasted:
    """Everything recognisable in a paste; raw headers are read as headers, the body after them as text."""
    pasted = Pasted(text=text)
    rest = text
    if looks_like_headers(text):
        pasted.headers = parse_headers(text)
        rest = pasted.headers.body
    urls, rest = _take(_URL, rest)
    pasted.links = [link for link in map(_link, dict.fromkeys(urls)) if link is not None][:MAX_ITEMS]
    emails, rest = _take(_EMAIL, rest)
    pasted.addresses = list(dict.fromkeys(e.lower() for e in emails))[:MAX_ITEMS]
    pasted.hosts, rest = _hosts(rest)
    pasted.handles = list(dict.fromkeys(h.lower() for h in _HANDLE.findall(rest)))[:MAX_ITEMS]
    pasted.rest = _HANDLE.sub(" ", rest)
    pasted.phones = phones_in(pasted.rest, region)
    return pasted
