"""Domain names as verify reads them: IDNA and Unicode forms, the registrable part, and confusable letters.

The registrable part comes from `tldextract` with the public suffix list bundled in its package: the extractor is
built once, lazily, with no list URLs and no cache directory, so nothing is ever fetched at run time. Private
suffixes (`github.io`) are not treated as public, so `x.github.io` is a page on `github.io`.

`skeleton` folds a name to what it looks like (UTS #39 confusables from `confusable-homoglyphs`, accents
stripped, `0`/`1`/`rn` folded), so `bаnk` with a Cyrillic а and `bank` have one skeleton.
"""

from __future__ import annotations

import contextlib
import unicodedata
from dataclasses import dataclass
from functools import cache

import idna
import tldextract
from confusable_homoglyphs import confusables

#: Longest host name looked at (DNS allows 253 characters).
MAX_HOST_CHARS = 253
#: ASCII look-alikes folded in a skeleton (what dnstwist's ASCII homoglyphs also produce).
ASCII_FOLDS = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"))


@cache
def _extractor() -> tldextract.TLDExtract:
    """The suffix-list extractor, bundled list only (never fetched)."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@dataclass(frozen=True)
class Host:
    """One host name in both forms, with its registrable domain."""

    ascii: str  # IDNA form, lower-case: xn--bnk-offers-zqi.com
    unicode: str  # what a person sees: bаnk-offers.com
    registrable: str  # IDNA form of the registrable domain ('' when the name has no public suffix)
    suffix: str  # the public suffix (com, co.uk)

    @property
    def label(self) -> str:
        """The registrable domain without its suffix (IDNA form)."""
        return self.registrable[: -len(self.suffix) - 1] if self.suffix else self.registrable

    @property
    def is_idn(self) -> bool:
        """True when the name holds characters beyond ASCII (shown as punycode `xn--` labels)."""
        return self.ascii != self.unicode


def to_unicode(name: str) -> str:
    """The Unicode form of an IDNA name (labels that do not decode are kept as written)."""
    labels = []
    for label in name.split("."):
        if label.startswith("xn--"):
            try:
                label = idna.decode(label)
            except (idna.IDNAError, UnicodeError):
                with contextlib.suppress(UnicodeError):
                    label = label[4:].encode("ascii").decode("punycode")
        labels.append(label)
    return ".".join(labels)


def to_ascii(name: str) -> str | None:
    """The IDNA form of a name (None when it cannot be one)."""
    if name.isascii():
        return name
    try:
        return idna.encode(name, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        try:
            return ".".join(
                label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
                for label in name.split(".")
            )
        except UnicodeError:
            return None


def parse_host(text: str) -> Host | None:
    """A host name from what was typed (`Bank-Offers.COM.`, `xn--…`, a Unicode name), or None if it is none."""
    name = text.strip().strip(".").lower()
    if not name or len(name) > MAX_HOST_CHARS or "." not in name or any(c.isspace() for c in name):
        return None
    ascii_name = to_ascii(name)
    if ascii_name is None:
        return None
    ascii_name = ascii_name.lower()
    unicode_name = to_unicode(ascii_name)
    parts = _extractor()(unicode_name)
    if not parts.suffix or not parts.domain:
        return None
    registrable = to_ascii(f"{parts.domain}.{parts.suffix}") or ""
    suffix = to_ascii(parts.suffix) or parts.suffix
    return Host(ascii=ascii_name, unicode=unicode_name, registrable=registrable.lower(), suffix=suffix.lower())


def within(host: str, domain: str) -> bool:
    """True when `host` is `domain` or one of its subdomains (both in IDNA form)."""
    return host == domain or host.endswith("." + domain)


def _latin_of(char: str) -> str:
    """The ASCII letter or digit a character looks like ('' when none)."""
    for glyph in confusables.confusables_data.get(char, ()):
        seen = str(glyph["c"]).lower()
        if len(seen) == 1 and seen.isascii() and seen.isalnum():
            return seen
    plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
    return plain if plain.isascii() and plain.isalnum() else ""


def skeleton(name: str) -> str:
    """What a name looks like: each look-alike character replaced by the ASCII one it imitates, then folded."""
    out = "".join(c if c.isascii() else (_latin_of(c) or c) for c in name.lower())
    for seen, folded in ASCII_FOLDS:
        out = out.replace(seen, folded)
    return out


def script_of(char: str) -> str:
    """The script a character's Unicode name starts with ('Cyrillic', 'Greek', 'Latin'...)."""
    try:
        return unicodedata.name(char).split(" ")[0].capitalize()
    except ValueError:
        return "Unknown"


def describe_char(char: str) -> str:
    """A character as an agent can say it: `a Cyrillic а`, `the digit 0`, `an accented ạ`."""
    if char.isascii():
        if char.isdigit():
            return f"the digit {char}"
        if char == "-":
            return "a hyphen"
        if char == ".":
            return "a dot"
        return f"'{char}'"
    script = script_of(char)
    if script == "Latin":
        return f"an accented {char}"
    article = "an" if script[:1] in "AEIOU" else "a"
    return f"{article} {script} {char}"


def foreign_letters(name: str) -> list[tuple[str, str]]:
    """Non-ASCII characters of a name that imitate ASCII ones, as (character, the letter it imitates)."""
    found: dict[str, str] = {}
    for char in name:
        if not char.isascii() and char not in found:
            latin = _latin_of(char)
            if latin:
                found[char] = latin
    return list(found.items())


def mixed_script(name: str) -> bool:
    """True when a name's letters come from more than one script (Latin with Cyrillic, say)."""
    return bool(confusables.is_mixed_script(name.replace(".", "").replace("-", "")))
