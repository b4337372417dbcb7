"""Turning request parameters into the queries the core takes (shared by the API and the web pages)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from identity_graph.errors import InputError
from identity_graph.limits import MAX_SINCE_CHARS, MAX_TIME_YEAR, MIN_TIME_YEAR, time_in_range
from identity_graph.model import Channel
from identity_graph.settings import Settings
from identity_graph.store.protocol import TimelineQuery

#: The largest timeline page a client may ask for.
MAX_PAGE = 1000


def parse_day(text: str | None, *, end: bool = False) -> datetime | None:
    """A `YYYY-MM-DD` (or full ISO time) as an aware UTC time; a bare end day means the end of that day."""
    if not text:
        return None
    try:
        if len(text) == len("2024-01-31"):
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.max if end else time.min)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"not a date: {text[:MAX_SINCE_CHARS]!r} (use YYYY-MM-DD)") from None
    if not time_in_range(moment):
        raise InputError(f"a date from {MIN_TIME_YEAR} to {MAX_TIME_YEAR}, please (got year {moment.year})")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_channels(values: Sequence[str]) -> list[Channel]:
    """Channels from their names (empty means every channel)."""
    out = []
    for value in values:
        if not value:
            continue
        try:
            out.append(Channel(value))
        except ValueError:
            valid = ", ".join(c.value for c in Channel)
            raise InputError(f"unknown channel {value!r}; use {valid}") from None
    return out


def timeline_query(
    settings: Settings,
    channels: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    page: int = 1,
    limit: int | None = None,
) -> TimelineQuery:
    """A timeline query from request parameters; pages count from 1."""
    size = min(max(1, limit or settings.profile.timeline_page_size), MAX_PAGE)
    return TimelineQuery(
        limit=size,
        offset=(max(1, page) - 1) * size,
        channels=tuple(parse_channels(channels)),
        since=parse_day(since),
        until=parse_day(until, end=True),
    )
