"""What marketing types, in the registry's stored form: registrable domains in IDNA (punycode) form, E.164
numbers, lower-case sender addresses and `platform:handle` social accounts.

Domains go through `idna` (UTS #46 mapping, so `Bücher.example` and `xn--bcher-kva.example` are one name) and
then `tldextract` with the public suffix list bundled in its package (no list URLs, no cache directory: nothing is
ever fetched), which keeps the registrable part: `news.mail.acmebank.co.uk` -> `acmebank.co.uk`. A URL or an
email address is read for its host. Each function raises `ValueError` with a sentence a marketer can act on.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

import idna
import phonenumbers
import tldextract

#: Longest value looked at in any normalizer (DNS allows 253 characters in a name; URLs are cut here too).
MAX_VALUE_CHARS = 2_000


@cache
def _extractor() -> tldextract.TLDExtract:
    """The suffix-list extractor, bundled list only (never fetched)."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def host_of(text: str) -> str:
    """The host named by a domain, a URL or an email address, as written (not yet checked)."""
    value = text.strip()[:MAX_VALUE_CHARS]
    if "://" in value:
        value = urlsplit(value).hostname or ""
    elif "@" in value:
        value = value.rsplit("@", 1)[1]
    else:
        value = value.split("/", 1)[0]
    return value.split(":", 1)[0].strip().rstrip(".")


def idna_host(text: str) -> str:
    """A host name in IDNA form, lower-case (`Bücher.example` -> `xn--bcher-kva.example`)."""
    host = host_of(text)
    if not host:
        raise ValueError(f"{text.strip()[:80]!r} names no domain")
    try:
        return idna.encode(host, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValueError(f"{host[:80]!r} is not a valid domain name ({exc})") from None


def registrable_domain(text: str) -> str:
    """The registrable domain of a domain, URL or address, in IDNA form (`news.bank.co.uk` -> `bank.co.uk`)."""
    host = idna_host(text)
    found = _extractor()(host).top_domain_under_public_suffix
    if not found:
        raise ValueError(f"{host!r} has no registrable domain (no public suffix such as .com or .co.uk)")
    return found.lower()


def sender_address(text: str) -> str:
    """A sending address, lower-case, its domain in IDNA form (`Offers@Bücher.example`)."""
    value = text.strip()
    local, at, _domain = value.rpartition("@")
    if not at or not local or " " in local:
        raise ValueError(f"{value[:80]!r} is not an email address")
    return f"{local.lower()}@{idna_host(value)}"


def e164(text: str, region: str) -> str:
    """A phone number as typed (`(800) 555-0199`, `+44 20 7946 0000`) in E.164, numbers without a country code
    read in `region`."""
    value = text.strip()[:MAX_VALUE_CHARS]
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{value[:40]!r} is not a phone number") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"{value[:40]!r} is not a possible phone number (region {region})")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def social_account(text: str) -> str:
    """A social account as `platform:handle` (`x:@AcmeBank` -> `x:acmebank`)."""
    platform, sep, handle = text.strip().partition(":")
    handle = handle.strip().lstrip("@")
    if not sep or not platform.strip() or not handle or " " in handle:
        raise ValueError(f"{text.strip()[:80]!r} is not a social account: write platform:handle (x:acmebank)")
    return f"{platform.strip().lower()}:{handle.lower()}"


def short_link(text: str) -> str:
    """A short link, its host in IDNA form; a bare `acme.ly/spring` gets `https://`."""
    value = text.strip()[:MAX_VALUE_CHARS]
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    host = idna_host(value)
    return f"{parts.scheme.lower()}://{host}{parts.path}" + (f"?{parts.query}" if parts.query else "")
