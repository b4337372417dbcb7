"""Our own side: numbers, contexts, mail domains, addresses and accounts that are never customers.

Configured values come from `settings.own_side`. When none is configured for a channel, a connector may
infer them with a `ShareCounter` over a bounded pre-scan: a counterpart present in at least
`infer_min_share` of the scanned items (the hotline, the support address) is ours.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

import phonenumbers

from identity_graph.model import Notice
from identity_graph.settings import OwnSideSettings

#: Numbers with at most this many digits are internal extensions (ours), not phone numbers.
MAX_EXTENSION_DIGITS = 6
#: Public mail providers: never inferred as our domain, whatever share of mail they carry.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "comcast.net",
        "verizon.net",
        "att.net",
        "sbcglobal.net",
        "free.fr",
        "orange.fr",
        "t-online.de",
        "zoho.com",
        "fastmail.com",
        "hey.com",
        "example.com",
        "example.org",
        "example.net",
    }
)
#: Size of the cache of parsed phone numbers (the same few numbers recur on every call).
PHONE_CACHE_SIZE = 65_536


#: A North American number in one of the common spellings: `(415) 555-0134`, `415-555-0134`, `415.555.0134`,
#: `4155550134`, `+1 415 555 0134`, `+1-415-555-0134`. Such a number is what `phonenumbers.parse` makes of it
#: (country code 1, these ten digits), so only its validity is asked, once per distinct number.
_NANP = re.compile(r"(\+1[ .-]?)?(?:\(([2-9]\d\d)\) ?|([2-9]\d\d)[ .-]?)([2-9]\d\d)[ .-]?(\d{4})")
#: Regions where a number written without a country code is a North American one (the fast path's domain).
NANP_REGIONS = frozenset({"US"})


#: The descriptions `phonenumbers` tries, in its order, for a number's type: a number of none is not valid.
_TYPE_DESCS = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail",
    "fixed_line", "mobile",
)  # fmt: skip
NumberTest = Callable[[str], bool]


def _desc_test(desc: phonenumbers.PhoneNumberDesc | None) -> NumberTest | None:
    """`phonenumberutil._is_number_matching_desc` for one description, its pattern compiled once (None: never)."""
    if desc is None or not desc.national_number_pattern:
        return None
    lengths, pattern = frozenset(desc.possible_length), re.compile(desc.national_number_pattern)
    return lambda nsn: (not lengths or len(nsn) in lengths) and pattern.fullmatch(nsn) is not None


@lru_cache(maxsize=8)
def region_validator(region: str) -> NumberTest:
    """`phonenumbers.is_valid_number_for_region` of a number of `region`'s country code, given as its national
    significant number (digits): the same metadata and the same tests (the general description, then any
    number type), without a number object and the library's per-call look-ups (three times faster)."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    general = _desc_test(meta.general_desc) if meta is not None else None
    types = [t for t in (_desc_test(getattr(meta, n)) for n in _TYPE_DESCS) if t is not None]
    return lambda nsn: general is not None and general(nsn) and any(t(nsn) for t in types)


_VALID_IN_US = region_validator("US")


@lru_cache(maxsize=PHONE_CACHE_SIZE)
def _nanp_e164(national: str) -> str | None:
    """`+1` and the ten digits when they make a valid number (US first: most are; then any NANP region)."""
    if _VALID_IN_US(national):
        return "+1" + national
    number = phonenumbers.PhoneNumber(country_code=1, national_number=int(national))
    if phonenumbers.is_valid_number(number):
        return "+1" + national
    return None


@lru_cache(maxsize=PHONE_CACHE_SIZE)
def e164(raw: str, region: str) -> str | None:
    """A phone number in E.164, or None when it is not a valid number (the same as `phonenumbers` says, with
    the common North American spellings read without it)."""
    nanp = _NANP.fullmatch(raw)
    if nanp is not None and (nanp[1] or region in NANP_REGIONS):
        return _nanp_e164(nanp[2] + nanp[4] + nanp[5] if nanp[2] else nanp[3] + nanp[4] + nanp[5])
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_NON_DIGITS = re.compile(r"[^0-9]+")


def digits(raw: str) -> str:
    """Only the ASCII digits of a string."""
    return _NON_DIGITS.sub("", raw)


def is_extension(raw: str) -> bool:
    """True for a short internal extension such as `2001` (not a dialable number)."""
    text = raw.strip()
    return bool(text) and text.isdigit() and len(text) <= MAX_EXTENSION_DIGITS


def phone_key(raw: str, region: str) -> str | None:
    """A comparable key for a number: E.164 when valid, else its digits (None when it has none)."""
    found = e164(raw.strip(), region) if raw.strip() else None
    if found is not None:
        return found
    only = digits(raw)
    return only or None


def email_domain(address: str) -> str:
    """The lower-cased domain of an address ('' when there is none)."""
    return address.rpartition("@")[2].strip().lower().rstrip(".")


class OwnSide:
    """What is ours, configured or inferred, with quick membership tests."""

    def __init__(self, settings: OwnSideSettings, region: str = "US") -> None:
        self.settings = settings
        self.region = region
        self.phones: set[str] = set()
        for raw in settings.phone_numbers:
            key = phone_key(raw, region)
            if key:
                self.phones.add(key)
        self.contexts = {c.strip() for c in settings.contexts if c.strip()}
        self.domains = {d.strip().lower().lstrip("@") for d in settings.email_domains if d.strip()}
        self.addresses = {a.strip().lower() for a in settings.email_addresses if a.strip()}
        self.handles = {h.strip().lower().lstrip("@") for h in settings.handles if h.strip()}

    @property
    def phones_configured(self) -> bool:
        """True when our numbers or contexts are configured."""
        return bool(self.phones or self.contexts)

    @property
    def email_configured(self) -> bool:
        """True when our domains or addresses are configured."""
        return bool(self.domains or self.addresses)

    def is_own_phone(self, raw: str) -> bool:
        """True for one of our numbers or an internal extension."""
        if is_extension(raw):
            return True
        if not self.phones:
            return False  # none of ours known: no number to read
        key = phone_key(raw, self.region)
        return key is not None and key in self.phones

    def is_own_email(self, address: str) -> bool:
        """True for one of our addresses or an address at one of our domains (or their subdomains)."""
        if not self.addresses and not self.domains:
            return False  # none of ours known
        addr = address.strip().lower()
        if addr in self.addresses:
            return True
        domain = email_domain(addr)
        return any(domain == d or domain.endswith("." + d) for d in self.domains)

    def is_own_handle(self, handle: str, platform: str = "x") -> bool:
        """True for one of our accounts (`acme`, `@acme` or `x:acme`)."""
        bare = handle.strip().lower().lstrip("@")
        return bare in self.handles or f"{platform}:{bare}" in self.handles


class ShareCounter:
    """Counts in how many scanned items each counterpart value appears (once per item)."""

    def __init__(self) -> None:
        self.items = 0
        self.counts: Counter[str] = Counter()

    def add_item(self, values: Iterable[str]) -> None:
        """Count one item and the distinct values in it."""
        self.items += 1
        self.counts.update(set(values))

    def frequent(self, min_share: float, min_items: int) -> dict[str, float]:
        """Values present in at least `min_share` of at least `min_items` items, with their share."""
        if self.items < min_items:
            return {}
        return {v: n / self.items for v, n in self.counts.items() if n / self.items >= min_share}


def inferred_notice(path: str, what: str, found: dict[str, float], setting: str) -> Notice:
    """A notice telling the user what we inferred as ours and how to confirm it."""
    shown = ", ".join(f"{v} ({share:.0%})" for v, share in sorted(found.items(), key=lambda kv: -kv[1]))
    return Notice(
        path=path,
        message=f"inferred our own {what} (share of items): {shown}; set own_side.{setting} to confirm",
    )
