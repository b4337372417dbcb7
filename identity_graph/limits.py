"""One input policy for every entry point (files, the API, the web pages, the CLI): the limits in one place.

- **Ids and pages**: a store id is a SQLite integer, so no id above `MAX_ID` (2^63 - 1) exists; the API, the web
  pages and the CLI answer one with 422 (a usage error at the terminal) instead of overflowing.
- **Long text** (a subject, a body snippet, a display name, a bio, a name...) is cut to its field's limit on the
  shared path every load and real-time add takes (`prepare.py`), with a counted note that never quotes the value:
  a record or an interaction is never refused as a whole for one overlong field.
- **Keys** (source, source id, thread key, an identifier as written) cannot be cut without changing what they
  name: over `MAX_KEY_CHARS` the API refuses the item (422), a load counts the identifier as unusable.
- **Dates of birth** outside what file loading accepts (`connectors.birthdates`: 1880 to today) are dropped with a
  counted note, as a load drops them; record times outside `MIN_TIME_YEAR`..`MAX_TIME_YEAR` likewise; an
  interaction (whose time is required) at such a time is refused.
- **Text the API is sent** with a lone surrogate (`"\\ud800"`, no character at all) or a NUL byte is refused (422).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from connectors.birthdates import MIN_BIRTH_YEAR, today_utc
from identity_graph.errors import ConfigError, InputError
from identity_graph.steward.feed import Since, parse_since

#: The largest id the store can hold (SQLite's INTEGER is a signed 64-bit number).
MAX_ID = 2**63 - 1
#: The highest page number a paged read accepts (page x page size stays far from overflowing an offset).
MAX_PAGE_NUMBER = 1_000_000
#: Longest change-feed `since` (an event id, an ISO time or a span such as 2h).
MAX_SINCE_CHARS = 64

#: Longest natural key (source, source id, thread key, identifier as written, field name) the API accepts.
MAX_KEY_CHARS = 1000
#: Longest value of each text field kept; longer values are cut with a counted note.
RECORD_TEXT_LIMITS: dict[str, int] = {
    "first_name": 200,
    "middle_name": 200,
    "last_name": 200,
    "full_name": 500,  # a display name (X, a mail From) lands here
    "company": 500,
}
ADDRESS_TEXT_LIMITS: dict[str, int] = {
    "street": 500,
    "city": 200,
    "state": 200,
    "postal_code": 50,
    "country": 200,
    "full": 1000,
}
INTERACTION_TEXT_LIMITS: dict[str, int] = {
    "subject": 2000,  # a mail subject, a call's note title
    "summary": 4000,  # a body snippet (connectors keep `ingest.snippet_chars`, 240 by default)
}
#: Longest attribute value (a bio, a body name, a campaign's name) and attribute name.
MAX_ATTRIBUTE_CHARS = 4000
MAX_ATTRIBUTE_KEY_CHARS = 200
#: Most attributes one item may carry (the API refuses more).
MAX_ATTRIBUTES = 100
#: Most identifier claims one record may carry (the API refuses more).
MAX_IDENTIFIERS = 200
#: Most participants one interaction may carry (the API refuses more).
MAX_PARTICIPANTS = 1000

#: Years a record's or an interaction's time may fall in.
MIN_TIME_YEAR = 1900
MAX_TIME_YEAR = 2199


def truncation_note(field: str, limit: int) -> str:
    """The counted note for a cut field (names the field and the limit, never the value)."""
    return f"{field} longer than {limit:,} characters cut to {limit:,}"


def dob_note() -> str:
    """The counted note for a date of birth dropped as out of range."""
    return f"date of birth before {MIN_BIRTH_YEAR} or in the future left out"


def time_note(field: str) -> str:
    """The counted note for a record time dropped as out of range."""
    return f"{field} outside {MIN_TIME_YEAR}..{MAX_TIME_YEAR} left out"


def dob_in_range(value: date, today: date | None = None) -> bool:
    """True when a date of birth is one file loading would keep (1880 to today)."""
    return value.year >= MIN_BIRTH_YEAR and value <= (today or today_utc())


def time_in_range(value: datetime) -> bool:
    """True when a time falls in the years a record or interaction may carry."""
    return MIN_TIME_YEAR <= value.year <= MAX_TIME_YEAR


def cut(value: str | None, limit: int) -> str | None:
    """The value cut to `limit` characters (None stays None)."""
    if value is None or len(value) <= limit:
        return value
    return value[:limit]


def bad_character(text: str) -> str | None:
    """What makes a text unacceptable as input ('a NUL byte', 'a lone surrogate'), None when it is fine."""
    if "\x00" in text:
        return "a NUL byte"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "a lone surrogate (not a character)"
    return None


def refuse_bad_text(data: Any, where: str = "body") -> Any:
    """Raise ValueError when any string in decoded JSON (keys too) holds a NUL byte or a lone surrogate."""
    stack: list[tuple[Any, str]] = [(data, where)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            problem = bad_character(item)
            if problem:
                raise ValueError(f"{at} holds {problem}")
        elif isinstance(item, Mapping):
            for key, value in item.items():
                stack.append((key, at))
                stack.append((value, f"{at}.{key}" if isinstance(key, str) and key.isidentifier() else at))
        elif isinstance(item, list | tuple):
            stack.extend((v, f"{at}[{i}]") for i, v in enumerate(item))
    return data


def checked_since(text: str | None) -> Since:
    """Where the change feed starts (`parse_since`), or InputError for a value no feed position or time can be
    (`9999999w`, an event id past `MAX_ID`, a year before `MIN_TIME_YEAR`)."""
    try:
        start = parse_since(text)
    except (ConfigError, OverflowError, ValueError):
        raise InputError("since: an event id, a time (2026-11-23T08:00) or a span (15m, 2h, 3d, 1w)") from None
    if start.event_id > MAX_ID or (start.time is not None and start.time.year < MIN_TIME_YEAR):
        raise InputError("since: out of range")
    return start
