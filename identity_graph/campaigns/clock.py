"""The moment campaign answers count from: `[campaigns] as_of` when set (a demo on past data), else now."""

from __future__ import annotations

from datetime import UTC, datetime

from identity_graph.settings import Settings


def campaign_now(settings: Settings) -> datetime:
    """`settings.campaigns.as_of` (UTC when it has no zone) when set, else the current time in UTC."""
    at = settings.campaigns.as_of
    if at is None:
        return datetime.now(UTC)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
