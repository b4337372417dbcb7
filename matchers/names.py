"""Person names: parsing, nicknames and diminutives, initials, placeholders.

Every name part is folded to lower-case letters without accents (`José` -> `jose`). Nicknames come from the
`nicknames` package, filtered to pairs that share letters with their canonical name (the package's looser
pairs such as Robert/Bill would link strangers), plus our curated list in `matchers/data/`.
"""

from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from nameparser import HumanName
from rapidfuzz.distance import JaroWinkler

from matchers.text import clean_name, clean_words, romanize

if TYPE_CHECKING:
    # numpy is imported by the one array function below: a CLI lookup parses a name through this module and
    # should not pay numpy's import time (tests/cli/test_import_time.py).
    import numpy as np
    import numpy.typing as npt

    from matchers.features import StrArray

#: A package nickname pair is kept when the two names share a substring of this many letters.
NICKNAME_SHARED_LETTERS = 2
CURATED_NICKNAMES = "nicknames_curated.csv"
PLACEHOLDER_NAMES = "placeholder_names.txt"


@dataclass(frozen=True)
class NameParts:
    """A person's name, folded: first, middle and last (empty when unknown)."""

    first: str = ""
    middle: str = ""
    last: str = ""
    generation: str = ""  # `jr`, `sr`, `ii`, `iii`, ... (see `normalize_generation`), never part of `last`

    @property
    def empty(self) -> bool:
        """True when neither first nor last name is known."""
        return not (self.first or self.last)


def _data_lines(name: str) -> list[str]:
    """Non-comment lines of a file in `matchers/data`."""
    text = resources.files("matchers").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _shares_letters(a: str, b: str, n: int = NICKNAME_SHARED_LETTERS) -> bool:
    """True when `a` and `b` have a common substring of n letters, or one starts the other."""
    if a.startswith(b) or b.startswith(a):
        return True
    grams = {a[i : i + n] for i in range(len(a) - n + 1)}
    return any(b[i : i + n] in grams for i in range(len(b) - n + 1))


@lru_cache(maxsize=1)
def nickname_groups() -> dict[str, frozenset[str]]:
    """Name -> the canonical names it may stand for (a canonical name stands for itself)."""
    groups: dict[str, set[str]] = {}
    pkg = resources.files("nicknames").joinpath("names.csv").read_text(encoding="utf-8")
    pairs = [
        (row[0], row[2])
        for row in csv.reader(pkg.splitlines()[1:])
        if len(row) == 3 and row[1] == "has_nickname" and _shares_letters(row[0], row[2])
    ]
    pairs += [tuple(line.split(",", 1)) for line in _data_lines(CURATED_NICKNAMES)]  # type: ignore[misc]
    for canonical, nick in pairs:
        canonical, nick = clean_name(canonical), clean_name(nick)
        groups.setdefault(canonical, set()).add(canonical)
        groups.setdefault(nick, set()).add(canonical)
    return {name: frozenset(canon) for name, canon in groups.items()}


def known_given_names() -> frozenset[str]:
    """Every given name the nickname tables know (used to tell a real name from a caller-ID placeholder)."""
    return frozenset(nickname_groups())


#: Given names of the US Census (matchers/data), beside the nickname tables' own.
CENSUS_FIRST_NAMES = "census_first_names.txt"
#: A first name this short is too short to tell a typo from another name (`al` / `ali`).
TYPO_MIN_LETTERS = 3


@lru_cache(maxsize=1)
def given_name_list() -> frozenset[str]:
    """Given names we know: the nickname tables' and the US Census's 1990 first names (5,166)."""
    return known_given_names() | frozenset(_data_lines(CENSUS_FIRST_NAMES))


def are_nicknames(a: str, b: str) -> bool:
    """True when two different folded first names can name one person (Bob/Robert, Liz/Elizabeth, Bill/Will)."""
    if not a or not b or a == b:
        return False
    groups = nickname_groups()
    ga, gb = groups.get(a), groups.get(b)
    return bool(ga and gb and ga & gb)


def is_initial_of(a: str, b: str) -> bool:
    """True when one name is a single letter that starts the other (`j` / `john`)."""
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) == 1 and long_.startswith(short)


@lru_cache(maxsize=1)
def placeholder_names() -> frozenset[str]:
    """Folded full names that are placeholders, not people (`wireless caller`, `unknown`)."""
    return frozenset(_data_lines(PLACEHOLDER_NAMES))


def is_family_name(full: str) -> bool:
    """True when a name is a household's (`The Wells`, `Wells Family`, `Tom & Anna Wells`)."""
    words = clean_words(full).split()
    return bool(words) and (words[0] == "the" or "family" in words or "and" in words or "&" in full)


def is_placeholder(full: str) -> bool:
    """True when a name is no single person's: a placeholder, digits (`CALLER 0042`), a family (`The Wells`)."""
    folded = clean_words(full)
    return is_family_name(full) or folded in placeholder_names() or any(c.isdigit() for c in folded)


#: Written generational suffixes -> the normalized generation (`Junior` -> `jr`, `2nd` -> `ii`). Numerals stop at
#: V: a trailing `VI` is more often a given name (`NGUYEN THI VI`) than a sixth of a line.
GENERATIONS = {
    "jr": "jr", "jnr": "jr", "junior": "jr", "sr": "sr", "snr": "sr", "senior": "sr",
    "i": "i", "ii": "ii", "iii": "iii", "iv": "iv", "v": "v",
    "1st": "i", "2nd": "ii", "3rd": "iii", "4th": "iv", "5th": "v",
}  # fmt: skip
#: One-letter generations (`I`, `V`) are read only from a suffix column: written in a name they are a middle
#: initial (`SMITH JOHN I` is caller-ID's John I. Smith).
ONE_LETTER_GENERATIONS = frozenset({"i", "v"})
#: Which father-to-son step a generation names: an elder `Sr` is a `I`, a `Jr` a `II` (people write either),
#: so only different steps conflict (`jr`/`sr`, `ii`/`iii`, `i`/`ii`, `jr`/`iii`).
GENERATION_STEP = {"sr": 1, "i": 1, "jr": 2, "ii": 2, "iii": 3, "iv": 4, "v": 5}
_GENERATION_TAIL = re.compile(
    r"^(?P<rest>.*?\S)[\s,]+(?P<gen>"
    + "|".join(sorted((g for g in GENERATIONS if len(g) > 1), key=len, reverse=True))
    + r")\.?[\s,]*$",
    re.IGNORECASE,
)
_SUFFIX_WORDS = re.compile(r"[\s,.]+")


def normalize_generation(text: str | None) -> str:
    """The generation a suffix column or nameparser suffix holds (`Jr.` -> `jr`, `Junior` -> `jr`, `III` ->
    `iii`, `2nd` -> `ii`, `Jr., MD` -> `jr`); empty when it holds none (`MD`, `PhD`)."""
    if not text:
        return ""
    for word in _SUFFIX_WORDS.split(text.lower()):
        if word in GENERATIONS:
            return GENERATIONS[word]
    return ""


def split_generation(text: str, keep: int = 1) -> tuple[str, str]:
    """A name without its trailing generational suffix, and that suffix normalized: `Smith Jr` -> (`Smith`,
    `jr`), `John Smith, III` -> (`John Smith`, `iii`). The suffix is taken only when `keep` words stay (so
    the full name `John Senior` keeps its surname); one-letter numerals are left as middle initials."""
    match = _GENERATION_TAIL.match(text)
    if match is None or len(match["rest"].split()) < keep:
        return text, ""
    return match["rest"], GENERATIONS[match["gen"].lower()]


def generation_conflict(left: StrArray, right: StrArray) -> npt.NDArray[np.bool_]:
    """Element-wise: True where both sides carry a generation and they name different steps (`jr`/`sr`,
    `ii`/`iii`, `i`/`ii`); `sr`/`i` and `jr`/`ii` are taken as one step (see `GENERATION_STEP`), and an
    unknown or missing generation never conflicts."""
    import numpy as np

    out = np.zeros(len(left), dtype=bool)
    both = np.flatnonzero((left != "") & (right != "") & (left != right))
    if both.size:
        out[both] = [
            GENERATION_STEP.get(str(a), 0) != GENERATION_STEP.get(str(b), 0)
            for a, b in zip(left[both], right[both], strict=True)
        ]
    return out


#: Words that start a surname of several words (`Van Dijk`, `De Vries`, `St John`, `O Connor`).
SURNAME_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "da", "di", "del", "della", "du", "la", "le", "st", "saint", "o", "ter", "ten"}
)


def _particle_surname_first(full: str) -> NameParts | None:
    """`VAN DIJK SIOBHA` (caller-ID, surname first): the leading particles and the next word are the
    surname, the rest the given name; None when the name does not start with a particle."""
    if "," in full:
        return None
    words = clean_words(full).replace(".", " ").split()
    k = 0
    while k < len(words) and words[k] in SURNAME_PARTICLES:
        k += 1
    if k == 0 or len(words) < k + 2:
        return None
    return NameParts(first=clean_name(words[k + 1]), middle=clean_name(" ".join(words[k + 2 :]))[:1],
                     last=clean_name("".join(words[: k + 1])))  # fmt: skip


@lru_cache(maxsize=200_000)
def _parse_full(full: str) -> NameParts:
    """Split a full name with nameparser (`Smith, John` and `Dr. John A. Smith Jr.` both work); a surname
    of several words written first (`VAN DIJK SIOBHA`) is kept whole. A generation nameparser finds among
    the suffixes (`Smith Jr, John`) is kept apart from the surname."""
    particle = _particle_surname_first(full)
    if particle is not None:
        return particle
    human = HumanName(full)
    first, last = clean_name(human.first), clean_name(human.last)
    if not last and not first:
        return NameParts()
    generation = normalize_generation(human.suffix)
    generation = "" if generation in ONE_LETTER_GENERATIONS else generation
    return NameParts(first=first, middle=clean_name(human.middle)[:1], last=last, generation=generation)


@lru_cache(maxsize=200_000)
def parse_name(
    first: str | None = None, middle: str | None = None, last: str | None = None, full: str | None = None
) -> NameParts:
    """Folded name parts from whatever a record has: separate fields win, else the full name is parsed. A
    generational suffix (`Smith Jr`, `John Smith III`, `Robert Jones 2nd`) goes to `generation`, never into
    the surname."""
    separate = bool(first or last)
    text = " ".join(p for p in (first, middle, last) if p) or (full or "")
    if separate:
        last, generation = split_generation(last or "")
        text = " ".join(p for p in (first, middle, last) if p)
    else:
        text, generation = split_generation(romanize(text), keep=2)  # `王小明`: family name, then given name
    if not text.strip() or is_placeholder(text):
        return NameParts()
    if separate:
        parts = NameParts(first=clean_name(first), middle=clean_name(middle)[:1], last=clean_name(last))
    else:
        parts = _parse_full(" ".join(text.split()))
    if parts.empty:
        return NameParts()
    return replace(parts, generation=generation) if generation else parts


def canonical_first(name: str) -> str:
    """One representative of a first name's nickname group (`bob` -> `robert`), the name itself otherwise."""
    group = nickname_groups().get(name)
    return name if not group or name in group else min(group)


def given_names_agree(a: str, b: str, fuzzy: float) -> bool:
    """True when two known first names can be one person's: equal, nickname, initial or similar."""
    return a == b or are_nicknames(a, b) or is_initial_of(a, b) or JaroWinkler.normalized_similarity(a, b) >= fuzzy


def names_conflict(a: NameParts, b: NameParts, fuzzy: float) -> bool:
    """True when both first names are known and cannot be one person's, read straight or crossed.

    Crossed covers caller-ID's `LAST FIRST`: `CARROLL BRIDGET` and `Bridget` do not conflict.
    """
    if not a.first or not b.first:
        return False
    if given_names_agree(a.first, b.first, fuzzy):
        return False
    if (
        a.last
        and given_names_agree(a.last, b.first, fuzzy)
        and (not b.last or given_names_agree(a.first, b.last, fuzzy))
    ):
        return False
    if b.last and given_names_agree(b.last, a.first, fuzzy):
        return bool(a.last) and not given_names_agree(b.first, a.last, fuzzy)
    return True


def same_person_name(a: NameParts, b: NameParts, fuzzy: float) -> bool:
    """True when two names can belong to one person (first names agree and known last names agree)."""
    if names_conflict(a, b, fuzzy):
        return False
    if not a.last or not b.last:
        return True
    straight = JaroWinkler.normalized_similarity(a.last, b.last) >= fuzzy
    crossed = (a.first and JaroWinkler.normalized_similarity(a.first, b.last) >= fuzzy) or (
        b.first and JaroWinkler.normalized_similarity(a.last, b.first) >= fuzzy
    )
    return straight or bool(crossed)


#: A truncated last word of at least this many letters counts when it starts a company word.
COMPANY_PREFIX_MIN = 4
COMPANY_WORDS = "company_words.txt"


@lru_cache(maxsize=1)
def company_words() -> frozenset[str]:
    """Words that mark a company name (`corp`, `llc`, `freight`)."""
    return frozenset(_data_lines(COMPANY_WORDS))


def is_company_name(full: str) -> bool:
    """True when a name reads as a company's (`GLOBEX CORPORAT`, `DUNDER PAPER CO`)."""
    words = clean_words(full).split()
    if not words:
        return False
    words_set = company_words()
    if any(w in words_set for w in words):
        return True
    last = words[-1]
    return len(last) >= COMPANY_PREFIX_MIN and len(words) > 1 and any(c.startswith(last) for c in words_set)


PLACE_PREFIXES = "place_prefixes.txt"
REGION_CODES = "region_codes.txt"
#: A place label has at least this many words: the prefix, the (cut) city, the region code; `WEST AL` is Al West.
PLACE_LABEL_MIN_WORDS = 3


@lru_cache(maxsize=1)
def place_prefixes() -> frozenset[str]:
    """First words of place names (`new`, `port`, `fort`, `san`, `st`)."""
    return frozenset(_data_lines(PLACE_PREFIXES))


@lru_cache(maxsize=1)
def region_codes() -> frozenset[str]:
    """US state and territory, and Canadian province, codes (`tx`, `pa`, `qc`)."""
    return frozenset(_data_lines(REGION_CODES))


def is_place_label(full: str) -> bool:
    """True when a caller-ID is a carrier's `CITY ST` label, not a name (`NEW PATRIC MT`, `PORT JACOB PA`,
    `FORT WORTH TX`): three words or more, the first one that starts place names, the last a state or province
    code. `SMITH AL` and `WEST AL` stay Al Smith and Al West (a person's caller-ID is `LAST FIRST`)."""
    words = clean_words(full).split()
    return len(words) >= PLACE_LABEL_MIN_WORDS and words[0] in place_prefixes() and words[-1] in region_codes()


#: A caller-ID word this long that starts a known given name counts as one (`ELEAN` of a cut-off Eleanor).
GIVEN_PREFIX_MIN = 4


@lru_cache(maxsize=1)
def _sorted_given() -> list[str]:
    """Known given names, sorted (for prefix look-ups)."""
    return sorted(nickname_groups())


def _is_given(word: str, prefix: bool = True) -> bool:
    """True when a word is a known given name, or (cut off by caller-ID, when `prefix`) starts one."""
    if word in nickname_groups():
        return True
    if not prefix or len(word) < GIVEN_PREFIX_MIN:
        return False
    names = _sorted_given()
    i = bisect.bisect_left(names, word)
    return i < len(names) and names[i].startswith(word)


def has_given_name(parts: NameParts, prefix: bool = True) -> bool:
    """True when the first or last part is a given name we know (a caller-ID name may be LAST FIRST); with
    `prefix`, also when it starts one (caller-ID cuts names at 15 characters: `KATHERI`). A profile name is
    never cut, so `just browsing` holds no given name though `justin` starts with `just`."""
    return _is_given(parts.first, prefix) or _is_given(parts.last, prefix)
