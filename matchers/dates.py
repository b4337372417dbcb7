"""Dates of birth: parsing many written formats, and recognizing a day/month swap."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from dateutil import parser as dateparser

#: Years outside this range are taken as typing errors, not birth dates.
MIN_YEAR, MAX_YEAR = 1880, 2100
_COMPACT = re.compile(r"^\d{8}$")


@lru_cache(maxsize=100_000)
def normalize_date(raw: str, dayfirst: bool = False) -> date | None:
    """A date from `1980-03-04`, `19800304`, `03/04/1980`, `4 March 1980`, `Mar 4, 80`...; None if unreadable.

    Ambiguous `03/04/1980` is month first unless `dayfirst` (set it for sources that write day first).
    """
    text = raw.strip()
    if not text:
        return None
    compact = _COMPACT.match(text) is not None
    try:
        if compact and text.isascii():  # what strptime(text, "%Y%m%d") reads from 8 digits, without its regex
            value = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        elif compact:
            value = datetime.strptime(text, "%Y%m%d").date()
        else:
            value = dateparser.parse(text, dayfirst=dayfirst, default=datetime(1900, 1, 1)).date()
    except (ValueError, OverflowError):
        return None
    return value if MIN_YEAR <= value.year <= MAX_YEAR else None


@lru_cache(maxsize=100_000)
def date_key(value: date | None) -> str:
    """`YYYYMMDD`, or empty for no date (the form comparisons work on)."""
    return value.strftime("%Y%m%d") if value else ""


def is_day_month_swap(a: str, b: str) -> bool:
    """True when two `YYYYMMDD` keys differ only by day and month trading places (`19800304` / `19800403`)."""
    if len(a) != 8 or len(b) != 8 or a == b:
        return False
    return a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]
