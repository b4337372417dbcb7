"""Text helpers shared by the normalizers: accent folding, cleaning, tokens."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NON_ALPHA = re.compile(r"[^a-z]+")
#: Letters that do not decompose into a base letter plus an accent.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case without accents (`José Núñez` -> `jose nunez`)."""
    if text.isascii():
        return text.lower()
    lowered = text.lower().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def clean_words(text: str | None) -> str:
    """Folded text with every run of non-alphanumerics turned into one space."""
    return _clean_words(text) if text else ""


@lru_cache(maxsize=200_000)
def _clean_words(text: str) -> str:
    """clean_words of a non-empty text (cached: names and places repeat)."""
    return _NON_ALNUM.sub(" ", fold(text)).strip()


def clean_name(text: str | None) -> str:
    """A folded name part of letters only (`O'Brien` -> `obrien`, `Mary-Ann` -> `maryann`)."""
    return _clean_name(text) if text else ""


@lru_cache(maxsize=200_000)
def _clean_name(text: str) -> str:
    """clean_name of a non-empty text (cached)."""
    return _NON_ALPHA.sub("", fold(text))


def digits(text: str | None) -> str:
    """Only the digits of a text."""
    return "".join(c for c in text if c.isdigit()) if text else ""
