"""Text helpers shared by the normalizers: accent folding, transliteration, cleaning, tokens."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

#: Scripts turned into Latin letters (anyascii), as Unicode ranges: Greek, Cyrillic. Their romanization is how
#: their speakers spell their names in Latin too (`Дмитрий Иванов` -> `Dmitriy Ivanov`). Scripts whose
#: romanization is not (Arabic and Hebrew write few vowels: `محمد` -> `mhmd`, not Mohammed; Hangul's `김` -> `Gim`,
#: not Kim) are left as they are, so they fold to nothing, an unknown name rather than a conflicting one.
_ROMANIZED = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]+")
#: Greek `ου` is written `ou` in Latin names (`Παπαδόπουλος` -> `Papadopoulos`; letter by letter it is `oy`).
_GREEK_OU = re.compile(r"([οΟ])([υΥύΎϋΫΰ])")
#: Han characters (Chinese names; pinyin), and the kana that mark a Japanese name, whose kanji read otherwise.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_KANA = re.compile(r"[\u3040-\u30ff]")
#: A Chinese name written in one run of this many Han characters is a one-character family name, then the given
#: name (`王小明` -> `Wang Xiaoming`); a longer run (a Japanese name, a compound family name) stays unknown.
HAN_NAME_LENGTHS = (2, 3)

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NON_ALPHA = re.compile(r"[^a-z]+")
#: Letters that do not decompose into a base letter plus an accent.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})


def _ou(match: re.Match[str]) -> str:
    """Greek `ου` with a Latin `u` for its upsilon, in the upsilon's case."""
    return match[1] + ("U" if match[2].isupper() else "u")


@lru_cache(maxsize=200_000)
def romanize(text: str) -> str:
    """Greek, Cyrillic and Chinese (Han) written in Latin letters (`Дмитрий Иванов` -> `Dmitriy Ivanov`, `王小明` ->
    `Wang Xiaoming`); Latin with accents and other scripts are left as they are."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    text = _ROMANIZED.sub(lambda m: anyascii(_GREEK_OU.sub(_ou, m.group())), text)
    if _HAN.search(text) is None:
        return text
    if _KANA.search(text) is not None:  # Japanese: kanji read as Chinese would name someone else
        return _HAN.sub("", text)
    runs = _HAN.findall(text)
    if len(runs) == 1 and len(runs[0]) in HAN_NAME_LENGTHS:
        run = runs[0]
        return text.replace(run, f"{anyascii(run[0])} {anyascii(run[1:]).capitalize()}")
    return _HAN.sub(lambda m: anyascii(m.group()).capitalize() if len(m.group()) <= max(HAN_NAME_LENGTHS) else "", text)


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case without accents (`José Núñez` -> `jose nunez`), Greek, Cyrillic and Chinese in Latin letters
    (`Дмитрий` -> `dmitriy`; see `romanize`)."""
    if text.isascii():
        return text.lower()
    lowered = romanize(text).lower().translate(_SPECIAL)
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
