"""Matching's `normalize_date` reads a date of birth as the connectors' parser does wherever both read it."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.birthdates import parse_birth_date
from connectors.dates import DateError
from matchers.dates import normalize_date

#: Every form the connectors read (two-digit years judged against the real today by both).
READ_BY_BOTH = [
    "1970-03-01", "1970-3-1", "2011/05/24", "19700301", "1970-03-01T00:00:00.000+0000", "3/1/1970 0:00",
    "3/1/1970", "03-01-1970", "3/1/70", "10/27/76", "20/8/1991", "24.05.2011", "03.04.1980", "24-May-11",
    "24 May 2011", "24-May-2011", "1st March 1970", "May 24, 2011", "Mar 1 1970", "Sept. 3, 1980",
    "SEPTEMBER 3 1980", "2/29/2000", "2/29/00", "1/1/99", "12/31/26", "03/04/1980", "13/04/1980",
]  # fmt: skip
#: What neither keeps: out of a date of birth's range, or no date at all.
READ_BY_NEITHER = ["1642-03-01", "1/1/1800", "2999-01-01", "31/31/1990", "2/30/1990", "not a date", ""]


def _connector(text: str, dayfirst: bool) -> date | None:
    try:
        return parse_birth_date(text, "dmy" if dayfirst else None)
    except DateError:
        return None


@pytest.mark.parametrize("dayfirst", [False, True])
@pytest.mark.parametrize("text", READ_BY_BOTH)
def test_the_same_date(text: str, dayfirst: bool) -> None:
    expected = _connector(text, dayfirst)
    assert expected is not None
    assert normalize_date(text, dayfirst) == expected


@pytest.mark.parametrize("text", READ_BY_NEITHER)
def test_the_same_refusal(text: str) -> None:
    assert _connector(text, False) is None
    assert normalize_date(text) is None
