"""The demo's campaign steps: register the data set's campaign registry, and a line about the lead's briefing.

A data set's manifest.toml may name its registry (`campaigns = "campaigns/campaigns.toml"`) and the moment its
data ends (`as_of = 2025-06-30T17:00:00Z`); the demo registers the one and shows the briefing as of the other.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from identity_graph.campaigns.briefing import BRIEFING_HORIZON_DAYS, build_briefing
from identity_graph.campaigns.load import load_file, register
from identity_graph.errors import ConfigError
from identity_graph.settings import Settings
from identity_graph.store.protocol import GraphStore

#: The audit actor of campaigns the demo registers.
DEMO_ACTOR = "cli:demo"


@dataclass(frozen=True)
class DemoCampaigns:
    """What the manifest says about campaigns: the registry file and the moment the data ends (either may lack)."""

    registry: Path | None
    as_of: datetime | None


def read_demo_campaigns(manifest: Path) -> DemoCampaigns:
    """The `campaigns` and `as_of` keys of a manifest (a bad value is a readable ConfigError)."""
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read manifest {manifest}: {exc}") from exc
    name, as_of = data.get("campaigns"), data.get("as_of")
    if name is not None and not isinstance(name, str):
        raise ConfigError(f"{manifest}: campaigns must name a registry file")
    if as_of is not None and not (isinstance(as_of, datetime) and as_of.tzinfo is not None):
        raise ConfigError(f"{manifest}: as_of must be a date and time with a zone, like 2025-06-30T17:00:00Z")
    registry = manifest.parent / name if name else None
    return DemoCampaigns(registry, as_of.astimezone(UTC) if isinstance(as_of, datetime) else None)


def register_registry(store: GraphStore, registry: Path, settings: Settings) -> list[str]:
    """Register every campaign of the file; returns the lines to print (counts, then each problem)."""
    result = load_file(registry, settings.matching.default_region)
    counts = register(store, result.campaigns, DEMO_ACTOR)
    lines = [f"campaign registry: {counts.added} added, {counts.replaced} replaced, {counts.unchanged} unchanged"]
    lines += [f"  set aside: {problem}" for problem in result.problems]
    return lines


def briefing_lines(
    store: GraphStore, settings: Settings, at: datetime | None, horizon_days: int = BRIEFING_HORIZON_DAYS
) -> list[str]:
    """A sentence per live or upcoming campaign of the briefing, as of `at` (default now)."""
    moment = at or datetime.now(UTC)
    briefing = build_briefing(store, moment, settings.matching.default_region, horizon_days)
    lines = [f"Briefing as of {moment:%Y-%m-%d %H:%M} UTC: {len(briefing.items)} campaigns live or starting soon"]
    for item in briefing.items:
        c = item.campaign
        if item.spikes is not None and item.spikes.waves:
            wave = item.spikes.waves[-1]
            lines.append(
                f"  {c.name}: a wave of contacts started {wave.started_at:%a %H:%M} UTC, "
                f"{wave.peak} in its busiest hour (usually {item.spikes.usual_rate:.0f} an hour)"
            )
        elif item.status.value == "live":
            lines.append(f"  {c.name}: live, {item.sent:,} sent to {item.recipients:,} people")
        else:
            lines.append(f"  {c.name}: starts {c.starts_at:%a %d %b %H:%M} UTC")
    return lines


def briefing_url(base: str, at: datetime | None) -> str:
    """The briefing page's address, as of `at` when the data set gives its end."""
    return f"{base}briefing" + (f"?at={at:%Y-%m-%dT%H:%M}" if at is not None else "")
