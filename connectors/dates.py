"""Strict date and time parsing for connectors: ISO 8601 first, then a mapping's format, then a few
common export formats. An unparseable value raises DateError, never guesses: an event without its time is
quarantined, a record loads without the field (dates of birth have their own forms: connectors.birthdates)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from identity_graph.errors import ConfigError

#: Formats tried after ISO 8601, in order (US month-first, as CRM exports default to; use `date_format`
#: in a mapping's options for day-first files).
COMMON_DATETIME_FORMATS = (
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)
COMMON_DATE_FORMATS = ("%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")
#: The same, day first (a contacts mapping's `date_order = "dmy"`).
DAY_FIRST_FORMATS = tuple(f.replace("%m/%d", "%d/%m") for f in COMMON_DATETIME_FORMATS + COMMON_DATE_FORMATS)
#: Dates outside these years are treated as typos or placeholders (1/1/0001, 9999-12-31).
MIN_YEAR, MAX_YEAR = 1880, 2200
#: Unix timestamps (seconds) are accepted between these bounds (1990 .. 2100).
MIN_EPOCH, MAX_EPOCH = 631_152_000, 4_102_444_800


class DateError(ValueError):
    """A value that is not a usable date; `reason` says why without quoting it ("unparseable", "before 1880")."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def zone(name: str | None) -> tzinfo:
    """The time zone named in a mapping's options (UTC when unset)."""
    if not name or name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"unknown time zone {name!r}") from exc


def parse_datetime(text: str, fmt: str | None = None, tz: tzinfo = UTC, dayfirst: bool = False) -> datetime:
    """A timezone-aware UTC datetime; naive values are taken to be in `tz`. Raises DateError (a ValueError)."""
    value = text.strip()
    if not value:
        raise DateError("empty date", "empty")
    if fmt:
        try:
            parsed: datetime | None = datetime.strptime(value, fmt)
        except ValueError as exc:
            raise DateError(str(exc), "not in the mapping's date_format") from exc
    else:
        parsed = _iso_or_common(value, dayfirst)
    if parsed is None:
        raise DateError(f"unparseable date {value[:40]!r}", "unparseable")
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise DateError(f"implausible year {parsed.year}", f"year outside {MIN_YEAR}-{MAX_YEAR}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def _iso_or_common(value: str, dayfirst: bool = False) -> datetime | None:
    """ISO 8601, then the common formats (day first if asked), then a Unix timestamp; None when none fits."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    for candidate in DAY_FIRST_FORMATS if dayfirst else COMMON_DATETIME_FORMATS + COMMON_DATE_FORMATS:
        try:
            return datetime.strptime(value, candidate)
        except ValueError:
            continue
    if value.isdigit() and MIN_EPOCH <= int(value) <= MAX_EPOCH:
        return datetime.fromtimestamp(int(value), UTC)
    return None


def optional_datetime(text: str | None, fmt: str | None = None, tz: tzinfo = UTC) -> datetime | None:
    """Like parse_datetime, but an empty value is None."""
    if text is None or not text.strip():
        return None
    return parse_datetime(text, fmt, tz)
