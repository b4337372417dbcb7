"""Normalizing and comparing the identifiers a bank or telco holds (national ids, passports, licences, tax ids,
account numbers, a card's last four digits)."""

from __future__ import annotations

import numpy as np
import pytest

from identity_graph.model import IdentifierKind
from matchers.comparisons import NULL, SHARE_PERSONAL, Comparison, PairContext, default_comparisons
from matchers.features import FeatureRow, FeatureTable
from matchers.normalize import normalize_identifier
from matchers.official_ids import mask_official

K = IdentifierKind


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (K.NATIONAL_ID, "ssn:123-45-6789", "ssn:123456789"),
        (K.NATIONAL_ID, "SSN: 123 45 6789", "ssn:123456789"),
        (K.NATIONAL_ID, "ssn:000-12-3456", None),  # area 000
        (K.NATIONAL_ID, "ssn:666-12-3456", None),  # area 666
        (K.NATIONAL_ID, "ssn:912-12-3456", None),  # area 9xx
        (K.NATIONAL_ID, "ssn:123-00-4567", None),  # group 00
        (K.NATIONAL_ID, "ssn:123-45-0000", None),  # serial 0000
        (K.NATIONAL_ID, "ssn:12345678", None),  # 8 digits
        (K.NATIONAL_ID, "ssn:12345678A", None),
        (K.NATIONAL_ID, "nino:ab 12 34 56 c", "nino:AB123456C"),
        (K.NATIONAL_ID, "AB123456C", "nino:AB123456C"),  # a NINO's shape says its scheme
        (K.NATIONAL_ID, "nino:QQ123456C", None),  # HMRC's specimen prefix is never allocated
        (K.NATIONAL_ID, "nino:GB123456A", None),
        (K.NATIONAL_ID, "nino:AB123456E", None),  # suffix A-D
        (K.NATIONAL_ID, "nino:AB12345C", None),
        (K.NATIONAL_ID, "bsn:1234.56.782", "bsn:123456782"),
        (K.NATIONAL_ID, "98765", "id:98765"),  # no scheme: compared only with others without one
        (K.NATIONAL_ID, "ssn:", None),
        (K.PASSPORT, "us:X123 4567", "US:X1234567"),
        (K.PASSPORT, "X1234567", "X1234567"),
        (K.PASSPORT, "USA1:X1234567", None),
        (K.PASSPORT, "US:12", None),
        (K.DRIVERS_LICENCE, "ca:d123-4567", "CA:D1234567"),
        (K.DRIVERS_LICENCE, "D1234567", "D1234567"),
        (K.DRIVERS_LICENCE, "CA:D12#4567", None),
        (K.TAX_ID, "ein:12-3456789", "ein:123456789"),
        (K.TAX_ID, "12-3456789", "123456789"),
        (K.TAX_ID, "ssn:666-12-3456", None),
        (K.ACCOUNT, "Bank:00-1234 56", "bank:00123456"),
        (K.ACCOUNT, "00123456", None),  # the system is required
        (K.ACCOUNT, "bank:1", None),
        (K.CARD_LAST4, "4242", "4242"),
        (K.CARD_LAST4, "**** **** **** 4242", "4242"),
        (K.CARD_LAST4, "4111 1111 1111 4242", "4242"),  # never more than the last four
        (K.CARD_LAST4, "424", None),
        (K.CARD_LAST4, "none", None),
    ],
)
def test_normalize(kind: IdentifierKind, raw: str, expected: str | None) -> None:
    """Each kind's canonical form; a value of an impossible shape is None (the loader counts and drops it)."""
    assert normalize_identifier(kind, raw) == expected


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("national_id", "ssn:123456789", "ssn:•••-••-6789"),
        ("national_id", "nino:AB123456C", "nino:•••••456C"),
        ("passport", "US:X1234567", "US:••••4567"),
        ("dl", "D1234567", "••••4567"),
        ("account", "bank:00123456", "bank:••••3456"),
        ("tax_id", "ein:123", "ein:•••"),
        ("card4", "4242", "4242"),
        ("phone", "+14155550134", "+14155550134"),
    ],
)
def test_mask(kind: str, value: str, shown: str) -> None:
    """Masked: the scheme and the last four characters only."""
    assert mask_official(kind, value) == shown


def _ctx(pairs: list[tuple[dict[str, str], dict[str, str]]]) -> PairContext:
    """Pairs of rows with these columns, and what they share as postings would say (equal values)."""
    rows = [FeatureRow(record_id=i, **cols) for i, cols in enumerate(c for pair in pairs for c in pair)]
    table = FeatureTable.from_rows(rows)
    li = np.arange(0, len(rows), 2, dtype=np.int64)
    ri = li + 1
    shared = {}
    for kind in ("national_id", "passport", "dl", "tax_id"):
        a, b = table.col(kind)[li], table.col(kind)[ri]
        shared[kind] = np.where((a != "") & (a == b), SHARE_PERSONAL, 0).astype(np.int8)
    return PairContext(table=table, li=li, ri=ri, shared=shared)


def _comparison(name: str) -> Comparison:
    """The product's comparison of this name."""
    return next(c for c in default_comparisons(0.88) if c.name == name)


def test_national_id_levels() -> None:
    """Equal -> exact, one typo -> near, another of the same scheme -> different, other schemes -> unknown."""
    ssn = {"national_id": "ssn:123456789"}
    pairs = [
        (ssn, ssn),
        (ssn, {"national_id": "ssn:123456798"}),  # two digits swapped
        (ssn, {"national_id": "ssn:987654321"}),
        (ssn, {"national_id": "nino:AB123456C"}),  # another scheme: no evidence
        ({"passport": "US:X1234567"}, {"passport": "GB:X7654321"}),  # other countries: no evidence
        ({"passport": "US:X1234567"}, {"passport": "US:X7654321"}),
        ({"dl": "CA:D1234567"}, {"dl": "NY:D1234567"}),  # the same number from two states: no evidence
        ({"national_id": "ssn:123456789", "dl": "CA:D7654321"}, {"national_id": "ssn:123456789", "dl": "CA:D1"}),
        (ssn, {}),
    ]
    comp = _comparison("national_id")
    levels = [comp.levels[x] if x != NULL else None for x in comp.compute(_ctx(pairs)).tolist()]
    assert levels == ["exact", "near", "different", None, None, "different", None, "exact", None]


def test_national_id_explanations_are_masked() -> None:
    """The evidence sentence never holds a whole number."""
    comp = _comparison("national_id")
    ctx = _ctx([({"national_id": "ssn:123456789"}, {"national_id": "ssn:123456798"})])
    left, right = comp.values(ctx)
    text = comp.describe(int(comp.compute(ctx)[0]), str(left[0]), str(right[0]))
    assert text == "SSN •••-••-6789 / SSN •••-••-6798 differ by one typo"
    assert "12345" not in text


def test_card_last4_supports_and_never_conflicts() -> None:
    """A card in common -> exact; a different card or one on one side only -> else; none at all -> unknown."""
    pairs = [
        ({"card4": "1111|4242"}, {"card4": "4242"}),
        ({"card4": "4242"}, {"card4": "9999"}),
        ({"card4": "4242"}, {}),
        ({}, {}),
    ]
    comp = _comparison("card_last4")
    assert comp.compute(_ctx(pairs)).tolist() == [0, 1, 1, NULL]
    assert comp.describe(0, "4242", "4242") == "a card ending 4242 on both"
