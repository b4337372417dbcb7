"""Identifiers written in free text (message bodies, bios): weak, `mentioned` evidence."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from connectors.ownside import OwnSide
from identity_graph.model import IdentifierClaim, IdentifierKind, Strength

#: Only the start of a long text is searched (signatures and contact lines come early in what we keep).
MAX_SCAN_CHARS = 20_000
#: At most this many identifiers are taken from one text (a pasted list is not one person's evidence).
MAX_MENTIONS = 12

EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")
HANDLE_RE = re.compile(r"(?<![\w@./])@([A-Za-z0-9_]{1,15})\b(?!\.\w)")


def find_emails(text: str) -> list[str]:
    """Addresses written in a text, in order, without repeats."""
    seen: dict[str, None] = {}
    for m in EMAIL_RE.finditer(text[:MAX_SCAN_CHARS]):
        seen.setdefault(m.group(0).rstrip("."), None)
    return list(seen)


def find_handles(text: str) -> list[str]:
    """`@name` handles written in a text (not the local part of an address), without repeats."""
    seen: dict[str, None] = {}
    for m in HANDLE_RE.finditer(text[:MAX_SCAN_CHARS]):
        seen.setdefault(m.group(1), None)
    return list(seen)


def find_phones(text: str, region: str) -> list[str]:
    """Phone numbers written in a text, as written, without repeats."""
    seen: dict[str, None] = {}
    for m in phonenumbers.PhoneNumberMatcher(text[:MAX_SCAN_CHARS], region, leniency=phonenumbers.Leniency.VALID):
        seen.setdefault(m.raw_string, None)
    return list(seen)


def mentioned_claims(
    text: str, field: str, own: OwnSide, *, platform: str = "x", skip: frozenset[str] = frozenset()
) -> tuple[IdentifierClaim, ...]:
    """Emails, phones and handles in a text as `mentioned` claims; ours and `skip` values left out."""
    return tuple(_claims(text, field, own, platform, skip))[:MAX_MENTIONS]


def _claims(text: str, field: str, own: OwnSide, platform: str, skip: frozenset[str]) -> Iterator[IdentifierClaim]:
    """The claims of `mentioned_claims`, lazily."""
    if not text:
        return
    for address in find_emails(text):
        if not own.is_own_email(address) and address.lower() not in skip:
            yield IdentifierClaim(kind=IdentifierKind.EMAIL, raw=address, field=field, strength=Strength.MENTIONED)
    for number in find_phones(text, own.region):
        if not own.is_own_phone(number):
            yield IdentifierClaim(kind=IdentifierKind.PHONE, raw=number, field=field, strength=Strength.MENTIONED)
    for handle in find_handles(text):
        if not own.is_own_handle(handle, platform) and handle.lower() not in skip:
            yield IdentifierClaim(
                kind=IdentifierKind.HANDLE, raw=f"{platform}:{handle}", field=field, strength=Strength.MENTIONED
            )
