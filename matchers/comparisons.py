"""Declarative comparisons: each turns candidate pairs into comparison levels, best level first.

A level is an index into the comparison's `levels`; `NULL` (-1) means one side is unknown (no evidence).
All work is done on arrays: rapidfuzz's `cpdist` for string similarity, numpy for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from matchers.dates import day_month_swaps, near_and_generation
from matchers.features import IDENTIFIER_KINDS, FeatureTable, IntArray, StrArray, first_rows
from matchers.names import TYPO_MIN_LETTERS, are_nicknames, given_name_list, is_initial_of, nickname_groups

NULL = -1
Levels = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float32]

#: Jaro-Winkler at or above which two names are "very similar" (one typo in a long name).
NAME_FUZZY_HIGH = 0.94
#: A swapped first/last name is taken when the crossed similarity beats the straight one by this much.
SWAP_MARGIN = 0.15
#: From this many pairs on, a comparison whose levels follow from some columns alone (`Comparison.reads`) runs
#: once per distinct pair of those values (a batch's pairs repeat them: cities, postcodes, names, dates).
DISTINCT_MIN_PAIRS = 5_000
#: String similarity runs on all cores from this many pairs on.
PARALLEL_PAIRS = 20_000
#: Similarity (normalized optimal string alignment: Levenshtein with a transposition as one edit) for a
#: fuzzy street or city agreement.
PLACE_FUZZY = 0.85
#: A place at least this long is also similar one edit away (`casino` / `casnio` is 0.83 normalized).
PLACE_ONE_EDIT_LEN = 5
#: One edit without spaces is at most this many with them (a space moved across a letter, and the edit).
MAX_SPACED_EDITS = 3

# How two records share an identifier of one kind (computed from postings by the resolver).
SHARE_NONE, SHARE_PERSONAL, SHARE_HOUSEHOLD, SHARE_CROWD, SHARE_MENTIONED = 0, 1, 2, 3, 4


def similarity(a: StrArray, b: StrArray, scorer: Any = JaroWinkler.normalized_similarity) -> FloatArray:
    """Element-wise string similarity of two equal-length arrays, in one rapidfuzz batch call."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.float32)
    workers = -1 if len(a) >= PARALLEL_PAIRS else 1  # starting threads costs more than a few pairs take
    return np.asarray(process.cpdist(list(a), list(b), scorer=scorer, workers=workers, dtype=np.float32))


def similarity_at(
    a: StrArray,
    b: StrArray,
    rows: npt.NDArray[np.bool_],
    scorer: Any = JaroWinkler.normalized_similarity,
    fill: float = 0,
) -> FloatArray:
    """`similarity` where `rows` hold, `fill` elsewhere (the pairs whose answer cannot change a level are not
    scored: unknown or equal values)."""
    out = np.full(len(a), fill, dtype=np.float32)
    at = np.flatnonzero(rows)
    out[at] = similarity(a[at], b[at], scorer)
    return out


#: What `similarity_at` gives an edit distance it did not work out: more edits than any level allows.
FAR = 1_000.0


def _known_similarity(a: StrArray, b: StrArray) -> FloatArray:
    """Jaro-Winkler where both sides are known, 0 elsewhere."""
    sim = similarity(a, b)
    sim[(a == "") | (b == "")] = 0.0
    return sim


def _lengths(values: StrArray) -> IntArray:
    """The length of every string in an array."""
    return np.fromiter(map(len, values), dtype=np.int64, count=len(values))


def _pairwise_flags(a: StrArray, b: StrArray, mask: npt.NDArray[np.bool_], test: Any) -> npt.NDArray[np.bool_]:
    """Apply a pure two-string predicate once per distinct pair of values where mask holds."""
    out = np.zeros(len(a), dtype=bool)
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return out
    codes, values = pd.factorize(np.concatenate([a[idx], b[idx]]))  # one code per value, both sides alike
    width = np.int64(max(len(values), 1))
    pairs, firsts = pd.factorize(codes[: idx.size].astype(np.int64) * width + codes[idx.size :])
    left, right = values[firsts // width], values[firsts % width]
    flags = np.fromiter(map(test, left, right), dtype=bool, count=len(firsts))
    out[idx] = flags[pairs]
    return out


def name_typos(a: StrArray, b: StrArray, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Where `mask`: two first names that are a typo of one name rather than two names, in array operations: one
    edit apart, both of TYPO_MIN_LETTERS or more, and one of them no given name we know (`given_name_list`):
    `caltlin` / `caitlin`, `jyck` / `jack`; never `jon` / `jan`."""
    out = np.zeros(len(a), dtype=bool)
    idx = np.flatnonzero(mask)
    idx = idx[(_lengths(a[idx]) >= TYPO_MIN_LETTERS) & (_lengths(b[idx]) >= TYPO_MIN_LETTERS)]
    if idx.size == 0:
        return out
    x, y = a[idx], b[idx]
    one_edit = similarity(x, y, OSA.distance) <= 1
    names = _given_name_index()
    unknown = (names.get_indexer(pd.Index(x)) < 0) | (names.get_indexer(pd.Index(y)) < 0)
    out[idx] = one_edit & unknown
    return out


def nicknamed(names: StrArray) -> npt.NDArray[np.bool_]:
    """Which names are in a nickname group (`are_nicknames` is False for a pair unless both are)."""
    out: npt.NDArray[np.bool_] = _nickname_index().get_indexer(pd.Index(names)) >= 0
    return out


@lru_cache(maxsize=1)
def _nickname_index() -> pd.Index:
    """The names of `nickname_groups` as a pandas index, built once."""
    return pd.Index(sorted(nickname_groups()))


@lru_cache(maxsize=1)
def _given_name_index() -> pd.Index:
    """`given_name_list` as a pandas index, built once (a real-time add's few pairs looked it up in 2 ms when
    each call built it)."""
    return pd.Index(sorted(given_name_list()))


@dataclass
class PairContext:
    """Candidate pairs (row positions `li`, `ri` into `table`) and what the resolver knows about them."""

    table: FeatureTable
    li: IntArray
    ri: IntArray
    shared: dict[str, Levels] = field(default_factory=dict)  # identifier kind -> SHARE_* code per pair
    distinct: bool = False  # the pairs are distinct in NAME_COLUMNS already (`distinct_pairs` made them)
    _names: tuple[StrArray, StrArray, StrArray, StrArray, npt.NDArray[np.bool_]] | None = None

    def __len__(self) -> int:
        return int(self.li.shape[0])

    def left(self, column: str) -> StrArray:
        """A column's values on the left side of every pair."""
        return self.table.col(column)[self.li]

    def right(self, column: str) -> StrArray:
        """A column's values on the right side of every pair."""
        return self.table.col(column)[self.ri]

    def _cross_right(self, at: IntArray) -> npt.NDArray[np.bool_]:
        """For the pairs `at`, where both sides have both name parts: whether the right side is the one to cross (a
        caller-ID if one side is one, else the side whose `first last` sorts after the other's): the same answer
        either way round."""
        li, ri = self.li[at], self.ri[at]
        call_l, call_r = self.table.kind[li] == CALLER_ID_KIND, self.table.kind[ri] == CALLER_ID_KIND
        first, last = self.table.col("first"), self.table.col("last")
        name_l = first[li].astype(str) + " " + last[li].astype(str)
        name_r = first[ri].astype(str) + " " + last[ri].astype(str)
        out: npt.NDArray[np.bool_] = np.where(call_l != call_r, call_r, name_r > name_l)
        return out

    def names(self) -> tuple[StrArray, StrArray, StrArray, StrArray, npt.NDArray[np.bool_]]:
        """(first_l, first_r, last_l, last_r, swapped): the right side's names crossed where that fits better
        (from DISTINCT_MIN_PAIRS pairs on, worked out once per distinct pair of names and kinds)."""
        if self._names is None and not self.distinct and len(self) >= DISTINCT_MIN_PAIRS:
            sub, back = distinct_pairs(self, NAME_COLUMNS)
            fl2, fr2, ll2, lr2, swapped = sub.names()
            self._names = (fl2[back], fr2[back], ll2[back], lr2[back], swapped[back])
        if self._names is None:
            fl, fr, ll, lr = self.left("first"), self.right("first"), self.left("last"), self.right("last")
            known = (fl != "") & (fr != "") & ((ll != "") | (lr != ""))
            straight = _known_similarity(fl, fr) + _known_similarity(ll, lr)
            crossed = _known_similarity(fl, lr) + _known_similarity(ll, fr)
            swapped = known & (crossed > straight + SWAP_MARGIN)
            # cross the side that has both parts (`CARROLL BRIDGET` against `Bridget`); when both have, the
            # caller-ID (written LAST FIRST), else the side whose name sorts last: never the side that happens to
            # be on the right (a row's position is its load order, and the levels must not depend on it)
            both = (ll != "") & (lr != "")
            right = swapped & (lr != "") & ~both
            decide = np.flatnonzero(swapped & both)
            right[decide] = self._cross_right(decide)
            left = swapped & ~right
            fr2, lr2 = np.where(right, lr, fr), np.where(right, fr, lr)
            fl2, ll2 = np.where(left, ll, fl), np.where(left, fl, ll)
            self._names = (fl2, fr2, ll2, lr2, swapped)
        return self._names


@dataclass(frozen=True)
class Comparison:
    """One comparison: a name, the levels it can give (best first) and how it computes them."""

    name: str
    label: str
    levels: tuple[str, ...]
    tf_column: str | None = None  # the exact level (index 0) is weighted by this value's rarity

    def compute(self, ctx: PairContext) -> Levels:
        """The level of every pair (NULL where a side is unknown)."""
        raise NotImplementedError

    def reads(self) -> tuple[str, ...] | None:
        """The feature columns (`kind`: the record kind) a pair's level is a function of, on each side alone;
        None when it also depends on the pair's context (shared identifiers)."""
        return None

    def values(self, ctx: PairContext) -> tuple[StrArray, StrArray]:
        """The two sides' values as the comparison saw them (for explanations and TF)."""
        raise NotImplementedError

    def describe(self, level: int, left: str, right: str) -> str:
        """A sentence fragment an agent can read for one pair's level."""
        name = self.levels[level]
        a, b = left.title(), right.title()
        if name == "exact":
            return f"{self.label} {a} matches"
        if name == "else":
            return f"{self.label} {a} ≠ {b}"
        return f"{self.label} {a} ~ {b} ({name.replace('_', ' ')})"


def _ladder(checks: list[npt.NDArray[np.bool_]], known: npt.NDArray[np.bool_]) -> Levels:
    """Level = index of the first true check; the last level when none holds; NULL when unknown."""
    out = np.full(known.shape[0], len(checks), dtype=np.int8)
    for level in range(len(checks) - 1, -1, -1):
        out[checks[level]] = level
    out[~known] = NULL
    return out


@dataclass(frozen=True)
class FirstNameComparison(Comparison):
    """First names: exact, nickname, initial, very similar, similar, else."""

    fuzzy: float = 0.88

    def reads(self) -> tuple[str, ...] | None:
        """Both name parts and the kind (a caller-ID's name is the one crossed back)."""
        return NAME_COLUMNS

    def values(self, ctx: PairContext) -> tuple[StrArray, StrArray]:
        """First names after a swapped first/last is crossed back."""
        fl, fr, _, _, _ = ctx.names()
        return fl, fr

    def compute(self, ctx: PairContext) -> Levels:
        """Levels of the first-name comparison."""
        a, b = self.values(ctx)
        known = (a != "") & (b != "")
        exact = known & (a == b)
        sim = similarity_at(a, b, known & ~exact)  # an exact or unknown pair's level is set without it
        nick = _pairwise_flags(a, b, known & ~exact & nicknamed(a) & nicknamed(b), are_nicknames)
        short = (_lengths(a) == 1) | (_lengths(b) == 1)
        initial = _pairwise_flags(a, b, known & ~exact & short, is_initial_of)
        similar = (sim >= self.fuzzy) | name_typos(a, b, known & ~exact & ~nick & (sim < self.fuzzy))
        return _ladder([exact, nick, initial, sim >= NAME_FUZZY_HIGH, similar], known)


@dataclass(frozen=True)
class LastNameComparison(Comparison):
    """Last names: exact, very similar, similar, initial (`Carol P.`), else."""

    fuzzy: float = 0.88

    def reads(self) -> tuple[str, ...] | None:
        """Both name parts and the kind (a caller-ID's name is the one crossed back)."""
        return NAME_COLUMNS

    def values(self, ctx: PairContext) -> tuple[StrArray, StrArray]:
        """Last names after a swapped first/last is crossed back."""
        _, _, ll, lr, _ = ctx.names()
        return ll, lr

    def compute(self, ctx: PairContext) -> Levels:
        """Levels of the last-name comparison."""
        a, b = self.values(ctx)
        known = (a != "") & (b != "")
        exact = known & (a == b)
        sim = similarity_at(a, b, known & ~exact)  # an exact or unknown pair's level is set without it
        short = (_lengths(a) == 1) | (_lengths(b) == 1)
        initial = _pairwise_flags(a, b, known & short, is_initial_of)
        return _ladder([exact, sim >= NAME_FUZZY_HIGH, sim >= self.fuzzy, initial], known)


@dataclass(frozen=True)
class DateComparison(Comparison):
    """Dates of birth (`YYYYMMDD`): exact, day/month swapped, one digit off, near (a month or a year off, two
    digits), apart (another birth, under a generation away: a date copied from someone else, or a namesake),
    else (a generation apart or more: a father and son of one name)."""

    column: str = "dob"

    def reads(self) -> tuple[str, ...] | None:
        """The date column."""
        return (self.column,)

    def values(self, ctx: PairContext) -> tuple[StrArray, StrArray]:
        """The two dates as `YYYYMMDD`."""
        return ctx.left(self.column), ctx.right(self.column)

    def compute(self, ctx: PairContext) -> Levels:
        """Levels of the date comparison."""
        a, b = self.values(ctx)
        known = (a != "") & (b != "")
        exact = known & (a == b)
        swap = known & ~exact & day_month_swaps(a, b)
        typo = similarity_at(a, b, known & ~exact & ~swap, OSA.distance, FAR) <= 1  # a digit off, or two swapped
        rest = np.flatnonzero(known & ~exact & ~swap & ~typo)
        near = np.zeros(len(a), dtype=bool)
        apart = np.zeros(len(a), dtype=bool)
        close, generation = near_and_generation(a[rest], b[rest])
        near[rest] = close
        apart[rest] = ~close & ~generation
        return _ladder([exact, swap, known & typo, near, apart], known)

    def describe(self, level: int, left: str, right: str) -> str:
        """Dates read as `dob matches` / `dob day and month swapped` ..."""
        name = self.levels[level]
        return {
            "exact": f"{self.label} matches",
            "swapped": f"{self.label} day and month swapped ({left} / {right})",
            "one_digit": f"{self.label} differs by one digit or two swapped ({left} / {right})",
            "near": f"{self.label} is close, maybe mistyped ({left} / {right})",
            "apart": f"{self.label} differs by years ({left} / {right})",
            "else": f"{self.label} differs by a generation or more ({left} / {right})",
        }.get(name, f"{self.label} differs ({left} / {right})")


#: A value's first word and its number of words.
Words = tuple[StrArray, npt.NDArray[np.int64]]


def word_heads(values: StrArray) -> Words:
    """Each value's first word and number of words ('' and 0 for ''), one value at a time (see `first_words`)."""
    words = [str(v).split() for v in values]
    first = np.empty(len(words), dtype=object)
    first[:] = [w[0] if w else "" for w in words]
    counts = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    return first, counts


def first_words(values: StrArray) -> Words:
    """Each value's first word and number of words ('' and 0 for ''), worked out once per distinct value."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    if not len(uniques):
        return np.full(len(values), "", dtype=object), np.zeros(len(values), dtype=np.int64)
    first, counts = word_heads(np.asarray(uniques, dtype=object))
    at = np.asarray(codes, dtype=np.int64)
    return first[at], counts[at]


def extends(a: StrArray, b: StrArray, fuzzy: float, words: tuple[Words, Words] | None = None) -> npt.NDArray[np.bool_]:
    """Pairs where one value has more words, starts with the other's first word (a house number) and its first
    words are similar to the other's (`14 laker cres sapri` / `14 lake cres`): one street line, with a building
    or locality line on one side only. `words`: both sides' `first_words` when known already."""
    out = np.zeros(len(a), dtype=bool)
    (fa, wa), (fb, wb) = words or (first_words(a), first_words(b))
    rows = np.flatnonzero((wa != wb) & (wa > 0) & (wb > 0) & (fa == fb))  # the rest need no Python
    if rows.size == 0:
        return out
    shorts, heads = [], []
    for x, y, nx, ny in zip(a[rows], b[rows], wa[rows], wb[rows], strict=True):
        short, long, n = (x, y, nx) if nx < ny else (y, x, ny)
        shorts.append(short)
        heads.append(" ".join(str(long).split()[:n]))
    near = similarity(np.asarray(shorts, dtype=object), np.asarray(heads, dtype=object), OSA.normalized_similarity)
    out[rows] = near >= fuzzy
    return out


@dataclass(frozen=True)
class PlaceComparison(Comparison):
    """A place field (street, city, postcode, state): exact, similar (optional), else."""

    column: str = ""
    fuzzy: float | None = PLACE_FUZZY
    max_edits: int | None = None  # for codes: similar when at most this many edits apart
    extends: bool = False  # similar when one side is the other plus trailing words (a second line left out)

    def reads(self) -> tuple[str, ...] | None:
        """The place column."""
        return (self.column,)

    def values(self, ctx: PairContext) -> tuple[StrArray, StrArray]:
        """The column on both sides."""
        return ctx.left(self.column), ctx.right(self.column)

    def compute(self, ctx: PairContext) -> Levels:
        """Levels of the place comparison (a transposition is one edit, as in `Casnio`)."""
        a, b = self.values(ctx)
        known = (a != "") & (b != "")
        checks = [known & (a == b)]
        differ = known & ~checks[0]  # only these pairs' levels depend on how near the values are
        if self.max_edits is not None:
            checks.append(similarity_at(a, b, differ, OSA.distance, FAR) <= self.max_edits)
        elif self.fuzzy is not None:
            near = similarity_at(a, b, differ, OSA.normalized_similarity) >= self.fuzzy
            near |= one_edit(a, b, differ & ~near)
            if self.extends:
                rest = np.flatnonzero(differ & ~near)
                first, count = ctx.table.per_value(self.column, word_heads)  # once a run, not once a batch
                li, ri = ctx.li[rest], ctx.ri[rest]
                words = ((first[li], count[li]), (first[ri], count[ri]))
                near[rest] = extends(a[rest], b[rest], self.fuzzy, words)
            checks.append(near)
        return _ladder(checks, known)


def one_edit(a: StrArray, b: StrArray, rows: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Of the given rows, those whose places are one edit apart once spaces are dropped (a transposition is
    one edit, and so is a misplaced space: `shenton park` / `shento mpark`), both at least PLACE_ONE_EDIT_LEN
    long: short names one edit apart are often two places (`york` / `cork`)."""
    out = np.zeros(len(a), dtype=bool)
    idx = np.flatnonzero(rows)
    idx = idx[similarity(a[idx], b[idx], OSA.distance) <= MAX_SPACED_EDITS]  # cheap: most pairs are far apart
    if idx.size:
        sa = np.char.replace(a[idx].astype(str), " ", "")
        sb = np.char.replace(b[idx].astype(str), " ", "")
        long = np.minimum(np.char.str_len(sa), np.char.str_len(sb)) >= PLACE_ONE_EDIT_LEN
        out[idx[long]] = similarity(sa[long].astype(object), sb[long].astype(object), OSA.distance) <= 1
    return out


@dataclass(frozen=True)
class IdentifierComparison(Comparison):
    """An identifier kind: shared by one person, shared by a household, only mentioned, near, different."""

    kind: str = "phone"

    def values(self, ctx: PairContext) -> tuple[StrArray, StrArray]:
        """Each side's first declared value of this kind."""
        return ctx.left(self.kind), ctx.right(self.kind)

    def compute(self, ctx: PairContext) -> Levels:
        """Levels from the shared-identifier codes, then the primary values for near and different."""
        share = ctx.shared.get(self.kind, np.zeros(len(ctx), dtype=np.int8))
        a, b = self.values(ctx)
        both = (a != "") & (b != "")
        equal = both & (a == b)
        near = similarity_at(a, b, both & ~equal, OSA.distance, FAR) <= 1  # one typo or one transposition
        household = share == SHARE_HOUSEHOLD
        level = self.levels.index
        out = np.full(len(ctx), NULL, dtype=np.int8)
        out[both & ~equal] = level("different")  # equal but not shared: a value skipped as a crowd's
        out[near] = level("near")
        out[share == SHARE_MENTIONED] = level("mentioned")
        out[household] = level("household")
        out[household & same_member(ctx, household)] = level("household_named")
        out[share == SHARE_PERSONAL] = level("personal")
        out[share == SHARE_CROWD] = NULL  # used by so many people that it says nothing
        return out

    def describe(self, level: int, left: str, right: str) -> str:
        """Identifier sentences (`phone +14155550134 matches`)."""
        name = self.levels[level]
        return {
            "personal": f"{self.label} {left} matches",
            "household_named": f"{self.label} {left} is shared by several people, and both give the same name",
            "household": f"{self.label} {left} matches but is shared by several people",
            "mentioned": f"{self.label} {left} matches only as mentioned in a message or bio",
            "near": f"{self.label}s {left} / {right} differ by one typo",
        }.get(name, f"different {self.label}s")


@dataclass(frozen=True)
class UsernameComparison(Comparison):
    """A social handle against the other side's email user (`x:lanisandoval` / `lani.sandoval@...`: exact, or
    a cut-off prefix) or name (`x:lhicks` / Linda Hicks: name; a namesake's would agree too), similar, else."""

    fuzzy: float = NAME_FUZZY_HIGH

    def reads(self) -> tuple[str, ...] | None:
        """The handle's and email's user names and both name parts."""
        return ("user_handle", "user_email", "first", "last")

    def values(self, ctx: PairContext) -> tuple[StrArray, StrArray]:
        """The handle of one side and the email user of the other (crossed where that is what is known)."""
        hl, er = ctx.left("user_handle"), ctx.right("user_email")
        el, hr = ctx.left("user_email"), ctx.right("user_handle")
        use_right = (hl == "") | (er == "")
        return np.where(use_right, el, hl), np.where(use_right, hr, er)

    def _name_forms(self, ctx: PairContext, side: str) -> list[StrArray]:
        """How people turn a name into a user name: firstlast, lastfirst, flast, firstl."""
        first, last = (
            (ctx.left("first"), ctx.left("last")) if side == "left" else (ctx.right("first"), ctx.right("last"))
        )
        both = (first != "") & (last != "") & (_lengths(last) > 1)
        f0 = np.array([f[:1] for f in first], dtype=object)
        l0 = np.array([x[:1] for x in last], dtype=object)
        return [np.where(both, a + b, "") for a, b in ((first, last), (last, first), (f0, last), (first, l0))]

    def compute(self, ctx: PairContext) -> Levels:
        """Levels: the best agreement of a handle with the other side's email user or name forms."""
        hl, hr = ctx.left("user_handle"), ctx.right("user_handle")
        if not ((hl != "") | (hr != "")).any():  # no handle on either side: nothing to compare (most pairs)
            return np.full(len(ctx), NULL, dtype=np.int8)
        names = [(hl, form) for form in self._name_forms(ctx, "right")]
        names += [(hr, form) for form in self._name_forms(ctx, "left")]
        known = np.zeros(len(ctx), dtype=bool)
        agree = {"email": np.zeros(len(ctx), dtype=bool), "name": np.zeros(len(ctx), dtype=bool)}
        best = np.zeros(len(ctx), dtype=np.float32)
        for kind, pairs in (("email", [self.values(ctx)]), ("name", names)):
            for a, b in pairs:
                ok = (a != "") & (b != "")
                known |= ok
                agree[kind] |= _same_user(a, b, ok)
                best[ok] = np.maximum(best[ok], similarity(a[ok], b[ok]))
        # a handle that is just the name written together says no more than the names (namesakes share it)
        user = self.values(ctx)[0]
        forms = [*self._name_forms(ctx, "left"), *self._name_forms(ctx, "right")]
        from_name = np.zeros(len(ctx), dtype=bool)
        for form in forms:
            from_name |= _same_user(user, form, (user != "") & (form != ""))
        for first in (ctx.left("first"), ctx.right("first")):  # `gracemartin` beside a bare `Grace`
            from_name |= _first_name_built(user, first)
        return _ladder([agree["email"] & ~from_name, agree["name"] | agree["email"], best >= self.fuzzy], known)


#: What the name comparisons read (a caller-ID's name is the one crossed back: `PairContext.names`).
NAME_COLUMNS = ("first", "last", "kind")
#: Every feature column a comparison of `default_comparisons` reads (besides the record kind): what a worker
#: process comparing pairs is given of the feature table (`tests/matchers/test_levels_snapshot.py` compares on
#: a table of these columns alone).
COMPARED_COLUMNS = (
    "first", "last", "dob", "street", "city", "postcode", "state", "user_handle", "user_email", "card4",
    *IDENTIFIER_KINDS,
)  # fmt: skip
#: The record kind whose name is a caller-ID (written LAST FIRST by carriers).
CALLER_ID_KIND = "call_party"
#: Record kinds whose name the person gave themselves when writing (a mail's sender, a social profile).
SELF_NAMED_KINDS = ("email_party", "social_account")
#: Record kinds whose name belongs to a line rather than to whoever used it (caller-ID).
LINE_NAMED_KINDS = ("call_party",)


def same_member(ctx: PairContext, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Where `mask`: one side names itself (a mail's sender, a profile) and both name the same member of a
    household: the same first name (or its nickname) and no other last name. Within a household the first
    name is what tells members apart; a caller-ID names the line's subscriber, not the caller."""
    if not mask.any():
        return np.zeros(len(mask), dtype=bool)  # no household share among these pairs (febrl has none)
    kind_l, kind_r = ctx.table.kind[ctx.li], ctx.table.kind[ctx.ri]
    self_named = np.isin(kind_l, SELF_NAMED_KINDS) | np.isin(kind_r, SELF_NAMED_KINDS)
    line_named = np.isin(kind_l, LINE_NAMED_KINDS) | np.isin(kind_r, LINE_NAMED_KINDS)
    fl, fr, ll, lr, _ = ctx.names()
    known = mask & self_named & ~line_named & (fl != "") & (fr != "")
    first = known & (fl == fr)
    first |= _pairwise_flags(fl, fr, known & ~first & nicknamed(fl) & nicknamed(fr), are_nicknames)
    last_ok = (ll == "") | (lr == "") | (ll == lr)
    fuzzy = first & ~last_ok
    last_ok[fuzzy] = similarity(ll[fuzzy], lr[fuzzy]) >= NAME_FUZZY_HIGH
    out: npt.NDArray[np.bool_] = first & last_ok
    return out


#: Letters a first name, and a user name past it, must have to read as that name and a surname (`grace` +
#: `martin`; `al` or `gracem` stay user names of their own).
SURNAME_MIN = 3


def _first_name_built(user: StrArray, first: StrArray) -> npt.NDArray[np.bool_]:
    """User names made of the first name, or one of its nicknames, and another word (`gracemartin`,
    `martingrace`, `lynnkorhonen` beside Linda): any namesake's or housemate's too."""
    return np.fromiter((_built_from(str(u), str(f)) for u, f in zip(user, first, strict=True)), bool, len(user))


@lru_cache(maxsize=100_000)
def _built_from(user: str, first: str) -> bool:
    """True when `user` is `first` (or a nickname of it) and another word of SURNAME_MIN letters, either way round."""
    if len(first) < SURNAME_MIN or len(user) < 2 * SURNAME_MIN:
        return False
    if len(user) - len(first) >= SURNAME_MIN and (user.startswith(first) or user.endswith(first)):
        return True
    for cut in range(SURNAME_MIN, len(user) - SURNAME_MIN + 1):
        head, tail = user[:cut], user[cut:]
        if are_nicknames(head, first) or are_nicknames(tail, first):
            return True
    return False


def _same_user(a: StrArray, b: StrArray, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Where `mask`: the two user names are equal or one is the other cut off."""
    out: npt.NDArray[np.bool_] = mask & (a == b)
    rest = mask & ~out
    out[rest] = _cut_off(a[rest], b[rest])
    return out


#: A user name cut off by a platform's length limit still counts as equal from this many letters on.
CUT_OFF_MIN = 8


def _cut_off(a: StrArray, b: StrArray) -> npt.NDArray[np.bool_]:
    """One of two user names is a prefix of the other, at least CUT_OFF_MIN letters long."""
    return np.fromiter(
        (
            min(len(x), len(y)) >= CUT_OFF_MIN and (x.startswith(y) or y.startswith(x))
            for x, y in zip(a, b, strict=True)
        ),
        dtype=bool,
        count=len(a),
    )


IDENTIFIER_LEVELS = ("personal", "household_named", "household", "mentioned", "near", "different")
IDENTIFIER_LABELS = {"email": "email", "phone": "phone", "handle": "handle", "crm": "id", "account": "account number"}


@lru_cache(maxsize=8)
def default_comparisons(name_similarity: float) -> tuple[Comparison, ...]:
    """The comparisons of the product's model, in explanation order (frozen, so built once per threshold)."""
    from matchers.official_comparisons import (  # imported here: they build on this module
        CARD_LEVELS,
        NATIONAL_ID_LEVELS,
        CardLast4Comparison,
        NationalIdComparison,
    )

    names = ("exact", "nickname", "initial", "very_similar", "similar", "else")
    return (
        *(
            IdentifierComparison(k, IDENTIFIER_LABELS[k], IDENTIFIER_LEVELS, kind=k)
            for k in ("phone", "email", "handle", "crm")
        ),
        NationalIdComparison("national_id", "national id", NATIONAL_ID_LEVELS),
        IdentifierComparison("account", IDENTIFIER_LABELS["account"], IDENTIFIER_LEVELS, kind="account"),
        CardLast4Comparison("card_last4", "card", CARD_LEVELS),
        FirstNameComparison("first_name", "first name", names, tf_column="first", fuzzy=name_similarity),
        LastNameComparison(
            "last_name", "last name", ("exact", "very_similar", "similar", "initial", "else"), "last",
            fuzzy=name_similarity,
        ),
        DateComparison("dob", "dob", ("exact", "swapped", "one_digit", "near", "apart", "else")),
        PlaceComparison("street", "street", ("exact", "similar", "else"), column="street", extends=True),
        PlaceComparison("city", "city", ("exact", "similar", "else"), "city", column="city"),
        PlaceComparison("postcode", "postcode", ("exact", "one_edit", "else"), "postcode", column="postcode",
                        fuzzy=None, max_edits=1),
        PlaceComparison("state", "state", ("exact", "else"), column="state", fuzzy=None),
        UsernameComparison("username", "handle / email user", ("exact", "name", "similar", "else")),
    )  # fmt: skip


def compare_all(comparisons: tuple[Comparison, ...], ctx: PairContext) -> Levels:
    """The level matrix: one row per pair, one column per comparison. From DISTINCT_MIN_PAIRS pairs on, the
    comparisons that read a few columns alone run once per distinct pair of those values (the same levels)."""
    if len(ctx) == 0:
        return np.zeros((0, len(comparisons)), dtype=np.int8)
    if len(ctx) < DISTINCT_MIN_PAIRS:
        return np.stack([c.compute(ctx) for c in comparisons], axis=1)
    out = np.empty((len(ctx), len(comparisons)), dtype=np.int8)
    by_columns: dict[tuple[str, ...] | None, list[int]] = {}
    for k, comparison in enumerate(comparisons):
        by_columns.setdefault(comparison.reads(), []).append(k)
    for columns, ks in by_columns.items():
        sub, back = (ctx, None) if columns is None else distinct_pairs(ctx, columns)
        for k in ks:
            levels = comparisons[k].compute(sub)
            out[:, k] = levels if back is None else levels[back]
    return out


def distinct_pairs(ctx: PairContext, columns: tuple[str, ...]) -> tuple[PairContext, IntArray]:
    """The pairs of `ctx` with distinct values in `columns` (left, right: a pair keeps its sides), and where
    each pair of `ctx` is among them."""
    codes = ctx.table.codes(columns)
    width = int(codes.max()) + 1 if len(codes) else 1
    back, uniques = pd.factorize(codes[ctx.li] * width + codes[ctx.ri])  # hashed: no sort of the pairs
    first = first_rows(back, len(uniques))
    sub = PairContext(table=ctx.table, li=ctx.li[first], ri=ctx.ri[first], distinct=columns == NAME_COLUMNS)
    return sub, np.asarray(back, dtype=np.int64)
