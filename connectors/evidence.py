"""Identifiers written in free text (message bodies, bios): weak, `mentioned` evidence; and the names a message's
text gives its parties (the writer's signature, the greeting of a reply)."""

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


#: A line that closes a message before the writer's name (`Thanks,`, `Best regards,`, the `-- ` delimiter).
SIGN_OFF_RE = re.compile(
    r"^\s*(?:thanks(?: again| so much)?|thank you|many thanks|best(?: regards| wishes)?|kind regards|warm regards|"
    r"regards|cheers|sincerely|yours(?: sincerely| truly)?|all the best|take care|--|—)[\s,!.]*$",
    re.IGNORECASE,
)
#: A name line: words of letters (accents; hyphens, apostrophes and dots inside: `Mary-Ann`, `J.`), nothing else.
_WORD = r"[^\W\d_](?:[^\W\d_]|['’.-])*"
NAME_LINE_RE = re.compile(rf"^\s*({_WORD}(?:\s+{_WORD})*)\s*$")
#: A first line greeting someone by name: `Hi Dagný,`, `Dear Mr Okafor,` (the title is left out).
GREETING_RE = re.compile(
    r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\s+"
    r"(?:(?:mr|mrs|ms|miss|dr)\.?\s+)?([^,!:]+?)\s*(?:[,!:]|$)",
    re.IGNORECASE,
)
#: Lines after a sign-off that are the writer's signature block (a name, a company, a phone line).
SIGNATURE_LINES = 4
#: A signed name longer than this is a sentence, not a name.
MAX_SIGNED_NAME = 40
#: Words a name after a sign-off may have (`Mary-Ann O'Neil Smith`), and a last line standing alone.
MAX_SIGNED_WORDS = 3
MAX_BARE_SIGNED_WORDS = 2


def signed_name(text: str) -> str | None:
    """The name a message is signed with, or None: the line after the first sign-off (`Thanks,` then `Dagný`),
    else a last line of one or two words after a blank line (a short reply signed `Dagný`). It says who wrote,
    which a family mailbox's address or a bare address does not; the resolver keeps it only if it holds a given
    name it knows."""
    lines = text[:MAX_SCAN_CHARS].splitlines()
    for i, line in enumerate(lines):
        if SIGN_OFF_RE.match(line):
            following = [x for x in lines[i + 1 : i + 3] if x.strip()]
            return _name_line(following[0], MAX_SIGNED_WORDS) if following else None
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) >= 2 and filled[-1] - filled[-2] >= 2:  # the last line stands apart from the text above it
        return _name_line(lines[filled[-1]], MAX_BARE_SIGNED_WORDS)
    return None


def greeted_name(text: str) -> str | None:
    """The name a message greets on its first line (`Hi Dagný,`, `Dear Mr Okafor,` gives `Okafor`), or None."""
    first = next((line for line in text[:MAX_SCAN_CHARS].splitlines() if line.strip()), "")
    found = GREETING_RE.match(first)
    return _name_line(found.group(1), MAX_SIGNED_WORDS) if found else None


def _name_line(line: str, max_words: int) -> str | None:
    """The line as a name (capitalized words of letters, at most `max_words`), or None."""
    found = NAME_LINE_RE.match(line)
    name = found.group(1).strip() if found else ""
    words = name.split()
    capitalized = all(word[0].isupper() for word in words)  # a name, not `sent from iPhone`
    return name if words and capitalized and len(words) <= max_words and len(name) <= MAX_SIGNED_NAME else None


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
    text: str,
    field: str,
    own: OwnSide,
    *,
    platform: str = "x",
    skip: frozenset[str] = frozenset(),
    strength: Strength = Strength.MENTIONED,
) -> tuple[IdentifierClaim, ...]:
    """Emails, phones and handles in a text as claims (`mentioned` unless told); ours and `skip` values left out."""
    return tuple(_claims(text, field, own, platform, skip, strength))[:MAX_MENTIONS]


def body_claims(text: str, own: OwnSide, skip: frozenset[str]) -> tuple[IdentifierClaim, ...]:
    """A message's identifiers: those of the writer's signature block are declared (`signature`: the writer gives
    their own number there), the rest of the text's only mentioned (`body`: anyone's number)."""
    rest, block = split_signature(text)
    signed = mentioned_claims(block, "signature", own, skip=skip, strength=Strength.DECLARED)
    found = {c.raw for c in signed}
    return (*signed, *(c for c in mentioned_claims(rest, "body", own, skip=skip) if c.raw not in found))


def split_signature(text: str) -> tuple[str, str]:
    """The text without its signature block, and the block: the lines after the first sign-off up to a blank
    line, at most SIGNATURE_LINES (the name, a company, a phone line). No sign-off: the whole text and ''."""
    lines = text[:MAX_SCAN_CHARS].splitlines()
    for i, line in enumerate(lines):
        if SIGN_OFF_RE.match(line):
            start = i + 1
            while start < len(lines) and start <= i + 2 and not lines[start].strip():
                start += 1  # `Cheers,`, a blank line, then the name
            end = start
            while end < len(lines) and end < start + SIGNATURE_LINES and lines[end].strip():
                end += 1
            return "\n".join([*lines[:i], *lines[end:]]), "\n".join(lines[start:end])
    return text, ""


def _claims(
    text: str, field: str, own: OwnSide, platform: str, skip: frozenset[str], strength: Strength
) -> Iterator[IdentifierClaim]:
    """The claims of `mentioned_claims`, lazily."""
    if not text:
        return
    for address in find_emails(text):
        if not own.is_own_email(address) and address.lower() not in skip:
            yield IdentifierClaim(kind=IdentifierKind.EMAIL, raw=address, field=field, strength=strength)
    for number in find_phones(text, own.region):
        if not own.is_own_phone(number):
            yield IdentifierClaim(kind=IdentifierKind.PHONE, raw=number, field=field, strength=strength)
    for handle in find_handles(text):
        if not own.is_own_handle(handle, platform) and handle.lower() not in skip:
            yield IdentifierClaim(
                kind=IdentifierKind.HANDLE, raw=f"{platform}:{handle}", field=field, strength=strength
            )
