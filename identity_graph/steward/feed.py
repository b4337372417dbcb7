"""Reading the change feed: `--since` as an event id, a time, or a span back from now."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from identity_graph.errors import ConfigError

_SPAN = re.compile(r"^(\d+)\s*([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


@dataclass(frozen=True)
class Since:
    """Where to start reading the feed: after an event id and/or from a time."""

    event_id: int = 0
    time: datetime | None = None


def parse_since(text: str | None, now: datetime | None = None) -> Since:
    """`42` or `#42` (after event 42), `2026-11-23T08:00` or `2026-11-23` (a UTC time), `15m`/`2h`/`3d`/`1w`."""
    if text is None or not text.strip():
        return Since()
    raw = text.strip().lower()
    if raw.lstrip("#").isdigit():
        return Since(event_id=int(raw.lstrip("#")))
    span = _SPAN.match(raw)
    if span:
        seconds = int(span.group(1)) * _UNIT_SECONDS[span.group(2)]
        return Since(time=(now or datetime.now(UTC)) - timedelta(seconds=seconds))
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ConfigError(
            f"--since {text!r} is neither an event id, a time (2026-11-23T08:00) nor a span (15m, 2h, 3d)"
        ) from exc
    return Since(time=moment if moment.tzinfo else moment.replace(tzinfo=UTC))
