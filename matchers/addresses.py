"""Postal addresses: usaddress for US streets, a token fallback elsewhere, and a household key."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import usaddress
from rapidfuzz import process
from rapidfuzz.distance import OSA

from matchers.text import clean_words, digits

#: Street words written many ways, folded to one short form.
STREET_ABBREVIATIONS = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr", "lane": "ln",
    "boulevard": "blvd", "court": "ct", "place": "pl", "square": "sq", "terrace": "ter", "highway": "hwy",
    "parkway": "pkwy", "circuit": "cct", "crescent": "cres", "close": "cl", "north": "n", "south": "s",
    "east": "e", "west": "w", "apartment": "apt", "suite": "ste", "unit": "unit", "floor": "fl",
}  # fmt: skip
#: Countries whose streets usaddress can parse.
US_COUNTRIES = frozenset({"", "us", "usa", "united states", "united states of america"})
#: usaddress labels that make up the street line we compare.
_STREET_LABELS = (
    "AddressNumber", "StreetNamePreDirectional", "StreetNamePreType", "StreetName", "StreetNamePostType",
    "StreetNamePostDirectional", "OccupancyType", "OccupancyIdentifier",
)  # fmt: skip


@dataclass(frozen=True)
class AddressParts:
    """A normalized address: street line, city, postcode and state (empty when unknown)."""

    street: str = ""
    city: str = ""
    postcode: str = ""
    state: str = ""

    def household_key(self) -> str:
        """`postcode|street` when both are known (the same dwelling), else empty."""
        return f"{self.postcode}|{self.street}" if self.postcode and self.street else ""


#: A street word at least this long one edit from a long form (`lplace`, `stret`) is taken as that word.
TYPO_WORD_LEN = 5
_LONG_FORMS = tuple(w for w in STREET_ABBREVIATIONS if len(w) >= TYPO_WORD_LEN)


@lru_cache(maxsize=200_000)
def _street_word(word: str) -> str:
    """A street word's short form; a long form typed with one edit (a transposition is one) counts too, when
    it is near exactly one long form."""
    if word in STREET_ABBREVIATIONS or len(word) < TYPO_WORD_LEN or any(c.isdigit() for c in word):
        return STREET_ABBREVIATIONS.get(word, word)
    near = process.extract(word, _LONG_FORMS, scorer=OSA.distance, score_cutoff=1, limit=2)
    return STREET_ABBREVIATIONS[near[0][0]] if len(near) == 1 else word


def _abbreviate(words: str) -> str:
    """Fold street words after the first to their short forms (`Main Street North` -> `main st n`,
    `95 leahy lplace` -> `95 leahy pl`); the first word is kept as written (a number or a name)."""
    head, *rest = words.split()
    return " ".join([STREET_ABBREVIATIONS.get(head, head), *map(_street_word, rest)])


@lru_cache(maxsize=200_000)
def normalize_street(raw: str, country: str = "") -> str:
    """A comparable street line: usaddress parts for US addresses, folded and abbreviated tokens elsewhere."""
    text = clean_words(raw)
    if not text:
        return ""
    if clean_words(country) in US_COUNTRIES:
        try:
            tagged, _ = usaddress.tag(raw)
            parts = [str(tagged[label]) for label in _STREET_LABELS if label in tagged]
            if parts:
                return _abbreviate(clean_words(" ".join(parts)))
        except usaddress.RepeatedLabelError:
            pass
    return _abbreviate(text)


def normalize_postcode(raw: str | None, country: str = "") -> str:
    """A postcode without spaces in upper case; US ZIP+4 cut to the five-digit ZIP."""
    text = "".join((raw or "").split()).upper()
    if clean_words(country) in US_COUNTRIES and len(digits(text)) in (5, 9) and text[:5].isdigit():
        return text[:5]
    return text


@lru_cache(maxsize=200_000)  # a pure function of strings, and its result is frozen: shared safely
def normalize_address(
    street: str | None, city: str | None, postcode: str | None, state: str | None, country: str | None
) -> AddressParts:
    """Normalize the parts of a postal address."""
    nation = country or ""
    return AddressParts(
        street=normalize_street(street or "", nation),
        city=clean_words(city),
        postcode=normalize_postcode(postcode, nation),
        state=clean_words(state),
    )
