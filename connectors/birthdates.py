"""Dates of birth as exports write them: ISO, `YYYYMMDD`, `3/1/70`, `20/8/1991`, `24.05.2011`, `24-May-11`,
`May 24, 2011`... A value that fits no form, or is out of range for a date of birth, raises `DateError`
(the contact loads without it); nothing is guessed beyond the rules below.

- Numbers separated by `/` or `-` are month first (US, as CRM exports default to), by `.` day first; a
  mapping's `date_order` ("mdy" or "dmy") decides for the whole file. A reading the order rules out (a
  month over 12) yields to the other one: `20/8/1991` is 20 August even in a month-first file.
- A two-digit year is in this century unless that would put the birth after today (`3/1/70` is 1970,
  `24-May-11` is 2011): a date of birth is never in the future.
- A time after the date (`1970-03-01T00:00:00Z`, `3/1/1970 0:00`) is ignored.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache

from connectors.dates import DateError

#: Earliest year of birth kept. Jeanne Calment, the oldest person on record, was born in 1875, so a customer
#: born before 1880 is a typo, a placeholder (1/1/1800) or a historical figure, not a person to match;
#: matchers.dates.MIN_YEAR has the same bound, so what loads is what matching can use.
MIN_BIRTH_YEAR = 1880
#: The ways a mapping may declare the order of day and month (`date_order` option).
DATE_ORDERS = frozenset({"mdy", "dmy"})
#: Longest text tried (a longer cell is not a date).
MAX_DATE_CHARS = 64
#: Distinct date texts whose reading is remembered: birth dates recur (a century is 36,525 days), and a
#: reading is a pure function of the text, the format or order, and today.
DATE_CACHE_SIZE = 65_536

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_SEP = r"[\s\-/.,]*"
_GAP = r"[\s\-/.,]+"  # between two numbers (`May 2011` is not 20 May 2011)
_ORD = r"(?:st|nd|rd|th)?"
#: A trailing time of day (and zone), dropped before the date is read.
_TIME = re.compile(
    r"^(?P<date>.*?\w)[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[ap]\.?m\.?)?(?:\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2}))?$",
    re.ASCII | re.IGNORECASE,
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII)
_YEAR_FIRST = re.compile(r"^(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})$", re.ASCII)
_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})$", re.ASCII)
_DAY_MONTH_YEAR = re.compile(rf"^(\d{{1,2}}){_ORD}{_SEP}([a-z]{{3,9}})\.?{_SEP}(\d{{2}}|\d{{4}})$", re.ASCII | re.I)
_MONTH_DAY_YEAR = re.compile(rf"^([a-z]{{3,9}})\.?{_SEP}(\d{{1,2}}){_ORD}{_GAP}(\d{{2}}|\d{{4}})$", re.ASCII | re.I)
_YEAR_MONTH_DAY = re.compile(rf"^(\d{{4}}){_SEP}([a-z]{{3,9}})\.?{_SEP}(\d{{1,2}})$", re.ASCII | re.I)


def today_utc() -> date:
    """Today's date in UTC (the bound of a date of birth)."""
    return datetime.now(UTC).date()


def order_of_format(fmt: str | None) -> str | None:
    """The day/month order a strptime format implies (`%d.%m.%Y` is "dmy"), None when it says nothing."""
    if not fmt:
        return None
    day = fmt.find("%d")
    month = max(fmt.find("%m"), fmt.find("%b"), fmt.find("%B"))
    if day < 0 or month < 0:
        return None
    return "dmy" if day < month else "mdy"


def parse_birth_date(text: str, order: str | None = None, fmt: str | None = None, today: date | None = None) -> date:
    """A date of birth from any form in the module docstring; raises DateError (reason without the value).

    `order` is "mdy" or "dmy" (None: month first, dotted dates day first); `fmt`, a mapping's strptime format,
    is tried first and implies the order when none is given.
    """
    value = text.strip()
    if not value:
        raise DateError("empty date", "empty")
    if len(value) > MAX_DATE_CHARS:
        raise DateError("unparseable date", "unparseable")
    bound = today or today_utc()
    found = _with_format(value, fmt) if fmt else None
    if found is None:
        found = _read(value, order or order_of_format(fmt), bound)
    if found is None:
        raise DateError(f"unparseable date {value[:40]!r}", "unparseable")
    if found.year < MIN_BIRTH_YEAR:
        raise DateError(f"year {found.year} is before {MIN_BIRTH_YEAR}", f"before {MIN_BIRTH_YEAR}")
    if found > bound:
        raise DateError(f"date of birth {found.isoformat()} is in the future", "in the future")
    return found


@lru_cache(maxsize=DATE_CACHE_SIZE)
def _with_format(value: str, fmt: str) -> date | None:
    """The value read with a mapping's format; None when it does not fit (or has a two-digit year, which
    strptime would put in 2050 for `50`: those are read by the pivot rule instead)."""
    if "%y" in fmt:
        return None
    try:
        return datetime.strptime(value, fmt).date()
    except ValueError:
        return None


@lru_cache(maxsize=DATE_CACHE_SIZE)
def _read(value: str, order: str | None, today: date) -> date | None:
    """The date a value writes, by the module's rules; None when it writes none."""
    timed = _TIME.match(value)
    if timed is not None:
        value = timed.group("date").rstrip(" ,")
    if m := _COMPACT.match(value):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _YEAR_FIRST.match(value):
        return _date(int(m[1]), int(m[3]), int(m[4]))
    if m := _NUMERIC.match(value):
        first, second = int(m[1]), int(m[3])
        day_first = (order or ("dmy" if m[2] == "." else "mdy")) == "dmy"
        if (second if day_first else first) > 12:  # the order's reading has no such month: the other one
            day_first = not day_first
        day, month = (first, second) if day_first else (second, first)
        return _with_year(m[4], month, day, today)
    if m := _DAY_MONTH_YEAR.match(value):
        return _named(m[2], int(m[1]), m[3], today)
    if m := _MONTH_DAY_YEAR.match(value):
        return _named(m[1], int(m[2]), m[3], today)
    if m := _YEAR_MONTH_DAY.match(value):
        return _named(m[2], int(m[3]), m[1], today)
    return None


def _named(month_name: str, day: int, year: str, today: date) -> date | None:
    """A date with its month written as a name (`May`, `Sept`, `september`)."""
    month = _MONTHS.get(month_name.lower())
    return None if month is None else _with_year(year, month, day, today)


def _with_year(year: str, month: int, day: int, today: date) -> date | None:
    """A date from a written year: four digits as they are, two pivoted so the date is not after today."""
    if len(year) == 4:
        return _date(int(year), month, day)
    recent = _date(2000 + int(year), month, day)
    return recent if recent is not None and recent <= today else _date(1900 + int(year), month, day)


def _date(year: int, month: int, day: int) -> date | None:
    """A calendar date, None when there is no such day (31/31, 30 February)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None
