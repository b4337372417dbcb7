"""Normalization of identifiers: each function takes raw text and returns a canonical value or None."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from identity_graph.model import IdentifierKind
from matchers.official_ids import is_official, normalize_official

#: Mail providers where dots in the local part are ignored and `+tag` suffixes deliver to the same box.
DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
#: Providers that deliver `local+tag@domain` to `local@domain`.
PLUS_TAG_DOMAINS = frozenset({"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "icloud.com"})
#: Platform assumed for a handle written without one.
DEFAULT_HANDLE_PLATFORM = "x"

_HANDLE = re.compile(r"^[a-z0-9_.]{1,64}$")


def normalize_phone(raw: str, default_region: str = "US") -> str | None:
    """A phone number in E.164 (`+14155550134`), or None when it is not a valid number; extensions dropped."""
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_extension(raw: str, default_region: str = "US") -> str | None:
    """The extension written with a phone number (`x204`, `ext. 204`), kept apart from the number."""
    try:
        return phonenumbers.parse(raw, default_region).extension or None
    except phonenumbers.NumberParseException:
        return None


#: A plain ASCII address `email_validator` accepts unchanged but for case (`Bob.Smith+x@Mail.Example.com`): a
#: dot-atom local part of letters, digits, `_`, `+`, `-`; domain labels of letters, digits and inner hyphens
#: (no `--`: punycode and reserved labels go the long way), ending in a letter. Within these lengths it needs
#: no other check; anything else (quotes, unicode, IP literals, odd lengths) is validated in full.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:[A-Za-z0-9][A-Za-z0-9-]*)?[A-Za-z]"
)
#: Lengths within which a plain address needs no length check: the whole, before the @-sign, one label.
_PLAIN_MAX, _PLAIN_LOCAL_MAX, _PLAIN_LABEL_MAX = 254, 64, 63
#: Domains `email_validator` refuses (with their subdomains): read from it, so both stay in step.
_SPECIAL_DOMAINS = tuple(SPECIAL_USE_DOMAIN_NAMES)


def _plain_mailbox(text: str) -> tuple[str, str] | None:
    """(local part, domain) of a plain ASCII address `validate_email` would accept as written; None when it
    needs the full validation (or is not plain)."""
    if len(text) > _PLAIN_MAX or "--" in text or _PLAIN_EMAIL.fullmatch(text) is None:
        return None
    local, _, domain = text.rpartition("@")
    if len(local) > _PLAIN_LOCAL_MAX or any(len(label) > _PLAIN_LABEL_MAX for label in domain.split(".")):
        return None
    lower = domain.lower()
    if any(lower == d or lower.endswith("." + d) for d in _SPECIAL_DOMAINS):
        return None
    return local, domain


def normalize_email(raw: str) -> str | None:
    """A canonical mailbox: lower case, googlemail folded into gmail, dots and plus tags removed where ignored."""
    text = raw.strip()
    plain = _plain_mailbox(text)
    if plain is not None:
        local, domain = plain
    else:
        try:
            valid = validate_email(text, check_deliverability=False)
        except EmailNotValidError:
            return None
        local, domain = valid.normalized.rsplit("@", 1)
    local, domain = local.lower(), domain.lower()
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}" if local else None


def normalize_handle(raw: str) -> str | None:
    """`platform:handle` in lower case without `@` (`x:@TDefren` -> `x:tdefren`); platform defaults to x."""
    text = raw.strip()
    platform, sep, handle = text.partition(":")
    if not sep or "/" in text:
        platform, handle = DEFAULT_HANDLE_PLATFORM, _handle_from_url(text)
    platform = platform.strip().lower() or DEFAULT_HANDLE_PLATFORM
    handle = handle.strip().lstrip("@").lower()
    return f"{platform}:{handle}" if _HANDLE.match(handle) else None


def _handle_from_url(text: str) -> str:
    """The handle in `https://x.com/name` or `twitter.com/name/`, else the text itself."""
    parts = [p for p in text.split("/") if p]
    host_seen = any(p.lower().rstrip(".") in {"x.com", "twitter.com", "www.x.com", "www.twitter.com"} for p in parts)
    return parts[-1] if host_seen and parts else text


def normalize_identifier(kind: IdentifierKind, raw: str, default_region: str = "US") -> str | None:
    """Dispatch to the normalizer of this identifier kind; None when the raw value is not usable."""
    if kind is IdentifierKind.PHONE:
        return normalize_phone(raw, default_region)
    if kind is IdentifierKind.EMAIL:
        return normalize_email(raw)
    if kind is IdentifierKind.HANDLE:
        return normalize_handle(raw)
    if is_official(kind):
        return normalize_official(kind, raw)
    text = " ".join(raw.split()).lower()
    return text or None


# The other normalizers live beside this module, one subject each; they are re-exported here so that
# `matchers.normalize` stays the one place to look for "how is X normalized".
from matchers.addresses import AddressParts, normalize_address, normalize_postcode, normalize_street  # noqa: E402
from matchers.dates import date_key, is_day_month_swap, normalize_date  # noqa: E402
from matchers.names import NameParts, are_nicknames, parse_name  # noqa: E402

__all__ = [
    "AddressParts",
    "NameParts",
    "are_nicknames",
    "date_key",
    "is_day_month_swap",
    "normalize_address",
    "normalize_date",
    "normalize_email",
    "normalize_handle",
    "normalize_identifier",
    "normalize_phone",
    "normalize_postcode",
    "normalize_street",
    "parse_name",
    "phone_extension",
]
