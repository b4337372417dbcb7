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
    lowered = text.lower().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def clean_words(text: str | None) -> str:
    """Folded text with every run of non-alphanumerics turned into one space."""
    if not text:
        return ""
    return _NON_ALNUM.sub(" ", fold(text)).strip()


def clean_name(text: str | None) -> str:
    """A folded name part of letters only (`O'Brien` -> `obrien`, `Mary-Ann` -> `maryann`)."""
    if not text:
        return ""
    return _NON_ALPHA.sub("", fold(text))


def digits(text: str | None) -> str:
    """Only the digits of a text."""
    return "".join(c for c in text if c.isdigit()) if text else ""
