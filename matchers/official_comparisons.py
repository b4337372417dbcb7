"""Comparisons of the identifiers a bank or telco holds (`official_ids.py`).

`national_id` compares national ids, passports, driver's licences and tax ids, each only within its scheme (an
SSN with an SSN, a passport with one of the same country, a licence with one of the same state): `exact` when
the two records share one, `near` when two of a scheme are one typo or transposition apart, `different` when
two of a scheme differ more (two people, or a renewed passport); unknown when no scheme is on both sides.

`card_last4` compares the last four digits of cards: `exact` when the records have a card ending in the same
digits, `else` otherwise (a different card, or a card on one side only: people have several cards, so a
different one is no conflict, and 1 in 10,000 strangers share the digits, so an equal one only supports).
Explanations show these values masked (`SSN •••-••-6789`): a stored edge never holds one whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA

from matchers.comparisons import (
    NULL,
    SHARE_CROWD,
    SHARE_HOUSEHOLD,
    SHARE_PERSONAL,
    Comparison,
    Levels,
    PairContext,
    similarity,
)
from matchers.features import StrArray
from matchers.official_ids import PERSONAL_ID_KINDS, mask_official, number_of, scheme_of

#: The levels of `national_id`, best first.
NATIONAL_ID_LEVELS = ("exact", "near", "different")
#: The levels of `card_last4`, best first.
CARD_LEVELS = ("exact", "else")
#: Separator of a record's cards in the `card4` column.
CARD_SEPARATOR = "|"
#: How each kind is named in an explanation.
KIND_LABELS = {"national_id": "", "passport": "passport", "dl": "driver's licence", "tax_id": "tax id"}
_RANK_NONE = len(NATIONAL_ID_LEVELS)


def official_label(kind: str, value: str) -> str:
    """A value as an explanation shows it, masked: `SSN •••-••-6789`, `passport (US) •••••4567`."""
    masked = number_of(mask_official(kind, value))
    scheme = scheme_of(value)
    if kind == "national_id":
        return f"{scheme.upper()} {masked}"
    where = f" ({scheme})" if scheme else ""
    return f"{KIND_LABELS[kind]}{where} {masked}"


def _schemes(values: StrArray) -> StrArray:
    """The scheme of every value."""
    return np.array([scheme_of(str(v)) for v in values], dtype=object)


@dataclass(frozen=True)
class NationalIdComparison(Comparison):
    """National ids, passports, driver's licences and tax ids, within their schemes: exact, near, different."""

    kinds: tuple[str, ...] = PERSONAL_ID_KINDS

    def _best(self, ctx: PairContext) -> tuple[npt.NDArray[np.int64], StrArray, StrArray]:
        """Per pair: the best level's rank (len(levels) when none), and the two values that gave it."""
        n = len(ctx)
        rank = np.full(n, _RANK_NONE, dtype=np.int64)
        left = np.full(n, "", dtype=object)
        right = np.full(n, "", dtype=object)
        for kind in self.kinds:
            a_all, b_all = ctx.left(kind), ctx.right(kind)
            share = ctx.shared.get(kind, np.zeros(n, dtype=np.int8))
            shared = (share == SHARE_PERSONAL) | (share == SHARE_HOUSEHOLD)  # any of the kind's values, declared
            rows = np.flatnonzero(((a_all != "") & (b_all != "")) | shared)
            if rows.size == 0:
                continue
            a, b = a_all[rows], b_all[rows]
            same = (a != "") & (b != "") & (_schemes(a) == _schemes(b))
            equal = same & (a == b)
            near = same & ~equal & (similarity(a, b, OSA.distance) <= 1)
            kind_rank = np.where(equal | shared[rows], 0, np.where(near, 1, np.where(same, 2, _RANK_NONE)))
            kind_rank[share[rows] == SHARE_CROWD] = _RANK_NONE  # one value of a crowd's: says nothing
            better = kind_rank < rank[rows]
            at = rows[better]
            rank[at] = kind_rank[better]
            left[at] = [official_label(kind, str(v)) for v in a[better]]
            right[at] = [official_label(kind, str(v)) for v in b[better]]
        return rank, left, right

    def compute(self, ctx: PairContext) -> Levels:
        """Levels: the best agreement over the kinds (NULL when no scheme is on both sides)."""
        rank, _, _ = self._best(ctx)
        out = rank.astype(np.int8)
        out[rank == _RANK_NONE] = NULL
        return out

    def values(self, ctx: PairContext) -> tuple[StrArray, StrArray]:
        """The two values that decided the level, masked (`SSN •••-••-6789`)."""
        _, left, right = self._best(ctx)
        return left, right

    def describe(self, level: int, left: str, right: str) -> str:
        """`SSN •••-••-6789 matches`, `... differ by one typo`, `different ... (a / b)`."""
        name = self.levels[level]
        if name == "exact":
            return f"{left or right} matches"
        if name == "near":
            return f"{left} / {right} differ by one typo"
        return f"different {self.label}s ({left} / {right})"


def _cards(values: StrArray) -> list[set[str]]:
    """Every value's set of cards."""
    return [set(str(v).split(CARD_SEPARATOR)) if v else set() for v in values]


@dataclass(frozen=True)
class CardLast4Comparison(Comparison):
    """The last four digits of the records' cards: exact (a card in common) or else (NULL when neither has one)."""

    column: str = "card4"

    def values(self, ctx: PairContext) -> tuple[StrArray, StrArray]:
        """The last four digits the two records have in common ('' when none), on both sides."""
        a, b = ctx.left(self.column), ctx.right(self.column)
        common = np.full(len(ctx), "", dtype=object)
        rows = np.flatnonzero((a != "") & (b != ""))
        for i, x, y in zip(rows.tolist(), _cards(a[rows]), _cards(b[rows]), strict=True):
            common[i] = min(x & y, default="")
        return common, common

    def compute(self, ctx: PairContext) -> Levels:
        """Levels of the card comparison."""
        a, b = ctx.left(self.column), ctx.right(self.column)
        known = (a != "") | (b != "")
        common, _ = self.values(ctx)
        out = np.where(common != "", 0, 1).astype(np.int8)
        out[~known] = NULL
        return out

    def describe(self, level: int, left: str, right: str) -> str:
        """`a card ending 4242 on both` / `no card in common`."""
        return f"a card ending {left} on both" if self.levels[level] == "exact" else "no card in common"
