"""Compact `YYYYMMDD` dates are read without strptime: the same answers, table and random sample."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from matchers.dates import MIN_YEAR, normalize_date


def _strptime_answer(text: str) -> date | None:
    """What `normalize_date` answered when it used strptime for 8 digits."""
    try:
        value = datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None
    return value if value.year >= MIN_YEAR and value <= datetime.now(UTC).date() else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19800304", date(1980, 3, 4)),
        ("20000229", date(2000, 2, 29)),  # leap year
        ("19000229", None),  # not a leap year
        ("19801304", None),  # month 13
        ("19800010", None),  # month 0
        ("19800100", None),  # day 0
        ("19800431", None),  # 31 April
        ("18791231", None),  # before MIN_YEAR
        ("21010101", None),  # in the future: no one's date of birth
        (" 19800304 ", date(1980, 3, 4)),
        ("١٩٨٠٠٣٠٤", None),  # eight Arabic-Indic digits: strptime refuses them, so do we
    ],
)
def test_compact_dates(text: str, expected: date | None) -> None:
    assert normalize_date(text) == expected


def test_compact_dates_agree_with_strptime() -> None:
    rng = random.Random(8)
    samples = [f"{rng.randint(1850, 2130):04d}{rng.randint(0, 19):02d}{rng.randint(0, 39):02d}" for _ in range(20_000)]
    assert [normalize_date(s) for s in samples] == [_strptime_answer(s) for s in samples]
