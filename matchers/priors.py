"""What each comparison level is worth before any data is seen: domain priors that EM refines, never overturns.

Two things come from domain knowledge rather than from the data at hand:

- **Priors** (`LEVEL_PRIORS`): a sensible m (share among one person's record pairs) and u (share among two
  people's candidate pairs) per level. EM starts from the data, and each M-step adds `PRIOR_PAIRS` pseudo-pairs
  drawn from these priors to the counts (a Dirichlet prior), so a file of 150 records reads mostly as the
  priors say, and a million records as the data says.
- **Bounds** (`WEIGHT_BOUNDS`): the range of log2(m/u) a level may take whatever EM estimates. A household's
  shared phone or mailbox never weighs like a person's own, and a conflicting first name or date of birth
  never weighs in favour of a match. These are safety rules: no data set switches them off.

Where a level has no entry, EM's estimate stands (with a neutral prior).
"""

from __future__ import annotations

from collections.abc import Sequence

#: Pseudo-pairs the priors are worth in each EM step, as many on the side of matches (m) as on the side of
#: non-matches (u). Against febrl's thousands of matches they move little; on a 159-record file (a few hundred
#: pairs) they keep a level seen twice from deciding its own weight.
PRIOR_PAIRS = 40.0

#: Identifier levels: a person's own identifier is strong evidence, a household's weak, a crowd's none.
_IDENTIFIER = {
    "personal": (0.60, 0.002),
    "household_named": (0.05, 0.005),
    "household": (0.04, 0.02),
    "mentioned": (0.03, 0.01),
    "near": (0.02, 0.01),
    "different": (0.26, 0.953),
}

#: (m, u) per comparison and level, in the order of `matchers.comparisons.default_comparisons`.
LEVEL_PRIORS: dict[str, dict[str, tuple[float, float]]] = {
    "phone": _IDENTIFIER,
    "email": _IDENTIFIER,
    "handle": _IDENTIFIER,
    "crm": {**_IDENTIFIER, "personal": (0.70, 0.0005), "different": (0.16, 0.9585)},
    "first_name": {
        "exact": (0.85, 0.05),
        "nickname": (0.04, 0.005),
        "initial": (0.02, 0.01),
        "very_similar": (0.04, 0.01),
        "similar": (0.02, 0.02),
        "else": (0.03, 0.905),
    },
    "last_name": {
        "exact": (0.87, 0.30),
        "very_similar": (0.05, 0.02),
        "similar": (0.02, 0.03),
        "initial": (0.01, 0.01),
        "else": (0.05, 0.64),
    },
    "dob": {
        "exact": (0.88, 0.01),
        "swapped": (0.01, 0.001),
        "one_digit": (0.04, 0.01),
        "near": (0.03, 0.03),
        "apart": (0.02, 0.30),
        "else": (0.02, 0.649),
    },
    "street": {"exact": (0.70, 0.02), "similar": (0.10, 0.01), "else": (0.20, 0.97)},
    "city": {"exact": (0.85, 0.20), "similar": (0.05, 0.02), "else": (0.10, 0.78)},
    "postcode": {"exact": (0.80, 0.10), "one_edit": (0.05, 0.05), "else": (0.15, 0.85)},
    "state": {"exact": (0.95, 0.60), "else": (0.05, 0.40)},
    "username": {"exact": (0.30, 0.002), "name": (0.30, 0.02), "similar": (0.10, 0.05), "else": (0.30, 0.928)},
    # a bank's or telco's ids (`matchers/official_comparisons.py`): one person's by nature, a typo is rare
    "national_id": {"exact": (0.95, 0.0005), "near": (0.03, 0.0005), "different": (0.02, 0.999)},
    "account": _IDENTIFIER,
    "card_last4": {"exact": (0.30, 0.0005), "else": (0.70, 0.9995)},
}

#: Levels a household shares: however EM weighs them, never more than this many bits each (a home phone, a
#: family mailbox or handle). Two people in one home share them; the first name tells members apart.
HOUSEHOLD_MAX_BITS = 4.0
#: A conflicting first name or date of birth never counts for a match (at most this many bits).
CONFLICT_MAX_BITS = -2.0
#: A comparison that disagrees never counts for a match: the worst level weighs at most 0 bits.
DISAGREE_MAX_BITS = 0.0
#: A card's last four digits in common only support a link (1 in 10,000 strangers share them): at most this many
#: bits, never enough alone; a different card, or a card on one side only, is no conflict: at least this many.
CARD_MAX_BITS = 4.0
CARD_ELSE_MIN_BITS = -0.5

#: (lowest, highest) bits per comparison and level; None: no bound on that side.
WEIGHT_BOUNDS: dict[str, dict[str, tuple[float | None, float | None]]] = {
    **{
        kind: {
            "household": (None, HOUSEHOLD_MAX_BITS),
            "household_named": (None, None),
            "different": (None, DISAGREE_MAX_BITS),
        }
        for kind in ("phone", "email", "handle", "crm", "account")
    },
    "national_id": {"different": (None, CONFLICT_MAX_BITS)},
    "card_last4": {"exact": (None, CARD_MAX_BITS), "else": (CARD_ELSE_MIN_BITS, DISAGREE_MAX_BITS)},
    "first_name": {"else": (None, CONFLICT_MAX_BITS)},
    "last_name": {"else": (None, DISAGREE_MAX_BITS)},
    "dob": {"apart": (None, DISAGREE_MAX_BITS), "else": (None, CONFLICT_MAX_BITS)},
    "street": {"else": (None, DISAGREE_MAX_BITS)},
    "city": {"else": (None, DISAGREE_MAX_BITS)},
    "postcode": {"else": (None, DISAGREE_MAX_BITS)},
    "state": {"else": (None, DISAGREE_MAX_BITS)},
    "username": {"else": (None, DISAGREE_MAX_BITS)},
}

#: The comparisons that describe where someone lives: four views of one fact a household shares.
ADDRESS_COMPARISONS = ("street", "city", "postcode", "state")
#: Together they never add more than this many bits: enough to anchor a link that names and a date of birth
#: make, never enough to link two people whose own evidence says they differ (a street, city, postcode and
#: state summed to +35 bits and linked a couple with different first names).
ADDRESS_MAX_BITS = 10.0


def prior_shares(comparison: str, levels: Sequence[str]) -> tuple[list[float], list[float]]:
    """The prior m and u of a comparison's levels (uniform where the comparison or level has no prior)."""
    table = LEVEL_PRIORS.get(comparison, {})
    flat = 1.0 / max(len(levels), 1)
    m = [table.get(level, (flat, flat))[0] for level in levels]
    u = [table.get(level, (flat, flat))[1] for level in levels]
    return _normalized(m), _normalized(u)


def _normalized(values: list[float]) -> list[float]:
    """Values scaled to sum to 1."""
    total = sum(values) or 1.0
    return [v / total for v in values]


def weight_bounds(comparison: str, levels: Sequence[str]) -> list[tuple[float | None, float | None]]:
    """The (lowest, highest) bits of each level of a comparison."""
    table = WEIGHT_BOUNDS.get(comparison, {})
    return [table.get(level, (None, None)) for level in levels]
