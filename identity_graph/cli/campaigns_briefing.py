"""`idgraph campaigns briefing`: the lead's briefing at the terminal (campaigns live or starting soon, volume sent,
and the waves the spike watch flagged), or as JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape

from identity_graph.cli.app import audit, console, state
from identity_graph.errors import InputError


def _moment(text: str | None) -> datetime | None:
    """`--at` as a UTC moment (a time without a zone is UTC); None for now."""
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"--at {text!r} is not a date and time; write it like 2025-06-30T17:00") from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def briefing(
    ctx: typer.Context,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="The moment to brief for, like 2025-06-30T17:00 (UTC unless a zone is given); default: now."
        ),
    ] = None,
    days: Annotated[
        int, typer.Option("--days", min=0, max=90, help="Include campaigns starting within this many days.")
    ] = 7,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole briefing (with hourly counts) as JSON.")
    ] = False,
) -> None:
    """The lead's briefing: campaigns live now or starting within --days, volume sent so far, and the waves of
    related contacts the spike watch flagged (docs/campaigns.md)."""
    from identity_graph.campaigns.briefing import build_briefing
    from identity_graph.campaigns.clock import campaign_now
    from identity_graph.cli.demo_campaigns import briefing_lines

    st = state(ctx)
    moment = _moment(at) or campaign_now(st.settings)
    region = st.settings.matching.default_region
    if as_json:
        found = build_briefing(st.store(), moment, region, days)
        audit(ctx, "briefing.read", "", f"campaigns={len(found.items)} waves={len(found.waves)}")
        console.print_json(found.model_dump_json())
        return
    lines = briefing_lines(st.store(), st.settings, moment, days)
    audit(ctx, "briefing.read", "", f"campaigns={len(lines) - 1}")
    for line in lines:
        console.print(escape(line), highlight=False, soft_wrap=True)
