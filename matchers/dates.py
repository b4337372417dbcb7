"""Dates of birth: parsing many written formats, and recognizing a day/month swap.

`normalize_date` reads what the connectors' date-of-birth parser (connectors.birthdates) reads the same way:
dotted dates day first, a year-first date always year-month-day, a two-digit year never put after today, and
nothing before MIN_YEAR or in the future. It reads more besides (`May 1980` as 1 May), for matching only.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from dateutil import parser as dateparser

if TYPE_CHECKING:
    # numpy and pandas are imported by the array functions below, not here: a CLI lookup normalizes one date
    # through this module and should not pay their import time (tests/cli/test_import_time.py).
    import numpy as np
    import numpy.typing as npt

#: Earlier years are taken as typing errors, not birth dates (the oldest person on record was born in 1875);
#: connectors.birthdates.MIN_BIRTH_YEAR is the same bound. A date of birth after today is never one either.
MIN_YEAR = 1880
_COMPACT = re.compile(r"^\d{8}$")
_DOTTED = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}$")
_YEAR_FIRST = re.compile(r"^\d{4}\D")


def normalize_date(raw: str, dayfirst: bool = False) -> date | None:
    """A date from `1980-03-04`, `19800304`, `03/04/1980`, `4 March 1980`, `Mar 4, 80`...; None if unreadable.

    Ambiguous `03/04/1980` is month first unless `dayfirst` (set it for sources that write day first);
    dotted `03.04.1980` is day first.
    """
    return _normalize(raw, dayfirst, datetime.now(UTC).date())


@lru_cache(maxsize=100_000)
def _normalize(raw: str, dayfirst: bool, today: date) -> date | None:
    """normalize_date's answer on a given day (today is part of the key: it bounds births and two-digit years)."""
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
            first = (dayfirst or _DOTTED.match(text) is not None) and _YEAR_FIRST.match(text) is None
            value = dateparser.parse(text, dayfirst=first, default=datetime(1900, 1, 1)).date()
            if value > today and str(value.year) not in text:  # a two-digit year: last century, not the next
                value = value.replace(year=value.year - 100)
    except (ValueError, OverflowError):
        return None
    return value if value.year >= MIN_YEAR and value <= today else None


@lru_cache(maxsize=100_000)
def date_key(value: date | None) -> str:
    """`YYYYMMDD`, or empty for no date (the form comparisons work on)."""
    return value.strftime("%Y%m%d") if value else ""


def is_day_month_swap(a: str, b: str) -> bool:
    """True when two `YYYYMMDD` keys differ only by day and month trading places (`19800304` / `19800403`)."""
    if len(a) != 8 or len(b) != 8 or a == b:
        return False
    return a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]


def day_month_swaps(a: npt.NDArray[np.object_], b: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    """Element-wise `is_day_month_swap` in array operations (`YYYYMMDD` keys; any other length is no swap)."""
    import numpy as np

    lengths = [np.fromiter(map(len, side), dtype=np.int64, count=len(side)) for side in (a, b)]
    ok = (lengths[0] == 8) & (lengths[1] == 8)
    left = np.asarray(a, dtype="U8").view(np.uint32).reshape(-1, 8)
    right = np.asarray(b, dtype="U8").view(np.uint32).reshape(-1, 8)
    same_year = (left[:, :4] == right[:, :4]).all(axis=1)
    crossed = (left[:, 4:6] == right[:, 6:8]).all(axis=1) & (left[:, 6:8] == right[:, 4:6]).all(axis=1)
    differ = (left != right).any(axis=1)
    out: npt.NDArray[np.bool_] = ok & same_year & crossed & differ
    return out


#: Two dates of birth this many days apart or fewer may be one person's mistyped (a month or a year off).
NEAR_BIRTH_DAYS = 366
#: ... and so may two that differ in at most this many digits (`19771013` / `19761015`).
NEAR_BIRTH_DIGITS = 2


def _days_apart(a: str, b: str) -> int | None:
    """Days between two `YYYYMMDD` keys, None when either is no real date."""
    try:
        first = date(int(a[:4]), int(a[4:6]), int(a[6:8]))
        second = date(int(b[:4]), int(b[4:6]), int(b[6:8]))
    except ValueError:
        return None
    return abs((first - second).days)


#: Two dates of birth at least this many years apart are two people: a parent and child of one name are a
#: generation apart (a parent younger than 12 at the birth does not happen), while a birth mistyped or copied
#: from a spouse lands closer (Splink's fake_1000 garbles dates by up to 11 years, never more).
GENERATION_YEARS = 12


def is_generation_apart(a: str, b: str) -> bool:
    """True when two `YYYYMMDD` keys are at least GENERATION_YEARS apart (or either is no real date)."""
    days = _days_apart(a, b)
    return days is None or days >= GENERATION_YEARS * 365.25


#: Up to this many keys (a real-time add's pairs), plain `YYYYMMDD` keys are converted without pandas (0.35 ms
#: a call there, 0.004 ms here).
FEW_DATES = 64
_EPOCH = date(1970, 1, 1).toordinal()


def _plain_day(key: str) -> float | None:
    """A `YYYYMMDD` key as `birth_days` gives it (NaN for '' or no real date); None when pandas must judge it
    (not 8 digits, or a year outside pandas' dates)."""
    if key == "":
        return float("nan")
    if len(key) != 8 or not key.isascii() or not key.isdigit():
        return None
    year, month, day = int(key[:4]), int(key[4:6]), int(key[6:])
    if not PANDAS_YEARS[0] <= year <= PANDAS_YEARS[1]:
        return None
    try:
        return float(date(year, month, day).toordinal() - _EPOCH)
    except ValueError:
        return float("nan")


#: Years pandas' nanosecond timestamps hold whole (1677-09-21 .. 2262-04-11): others are left to pandas.
PANDAS_YEARS = (1678, 2261)


def birth_days(keys: npt.NDArray[np.object_]) -> npt.NDArray[np.float64]:
    """Each `YYYYMMDD` key as a day number (NaN for '' or no real date), converted once per distinct value."""
    import numpy as np
    import pandas as pd

    if len(keys) <= FEW_DATES:
        few = [_plain_day(str(k)) for k in keys]
        if all(d is not None for d in few):
            return np.array(few, dtype=np.float64)
    codes, uniques = pd.factorize(np.asarray(keys, dtype=object))
    days = pd.to_datetime(pd.Series(uniques, dtype=object), format="%Y%m%d", errors="coerce")
    numbers = np.asarray((days - pd.Timestamp(0)).dt.days.to_numpy(dtype=np.float64, na_value=np.nan))
    if not len(uniques):
        return np.full(len(keys), np.nan)
    out: npt.NDArray[np.float64] = numbers[codes].astype(np.float64)
    return out


def digits_apart(a: npt.NDArray[np.object_], b: npt.NDArray[np.object_]) -> npt.NDArray[np.int64]:
    """Element-wise, how many of the 8 characters of two `YYYYMMDD` keys differ (9 when either is no 8-char key)."""
    import numpy as np

    left = np.asarray(a, dtype="U8")
    right = np.asarray(b, dtype="U8")
    ok = (np.char.str_len(left) == 8) & (np.char.str_len(right) == 8)
    diff = (left.view(np.uint32).reshape(-1, 8) != right.view(np.uint32).reshape(-1, 8)).sum(axis=1)
    out: npt.NDArray[np.int64] = np.where(ok, diff, 9).astype(np.int64)
    return out


def near_and_generation(
    a: npt.NDArray[np.object_], b: npt.NDArray[np.object_]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Element-wise, in array operations: whether two keys are near enough to be one birth mistyped (within
    NEAR_BIRTH_DAYS, or at most NEAR_BIRTH_DIGITS digits apart: never a father and son), and whether they are a
    generation apart (`is_generation_apart`)."""
    import numpy as np

    days = np.abs(birth_days(a) - birth_days(b))
    real = ~np.isnan(days)
    near = (digits_apart(a, b) <= NEAR_BIRTH_DIGITS) | (real & (days <= NEAR_BIRTH_DAYS))
    generation = ~real | (days >= GENERATION_YEARS * 365.25)
    return near, generation
