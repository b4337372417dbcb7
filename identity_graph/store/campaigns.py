"""The campaign registry's stored form, shared by both stores (`GraphStore.save_campaign` and friends).

A campaign is kept whole as JSON (the model's own dump, so both stores read back exactly what was written) beside
a few lookup columns: its id, name, channel and start and end as fixed-width UTC text, so ordering by start is a
plain text sort on either store. Campaigns hold no customer data (names of campaigns, domains, numbers and
texts marketing publishes), so erasure has nothing to remove from them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from identity_graph.campaigns.model import Campaign

#: The audit actions of registry changes (target `campaign:<id>`).
AUDIT_SAVE = "campaign.save"
AUDIT_DELETE = "campaign.delete"
#: Fixed-width UTC text, so that text order is time order.
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def campaign_target(campaign_id: str) -> str:
    """The audit target naming a campaign."""
    return f"campaign:{campaign_id}"


def sortable_time(at: datetime | None) -> str | None:
    """A time-zone-aware moment as fixed-width UTC text (None stays None)."""
    return None if at is None else at.astimezone(UTC).strftime(_TIME_FORMAT)


def campaign_values(campaign: Campaign) -> dict[str, Any]:
    """A campaign's stored form: lookup columns plus the whole campaign as JSON."""
    return {
        "campaign_id": campaign.campaign_id,
        "name": campaign.name,
        "channel": campaign.channel.value,
        "starts_at": sortable_time(campaign.starts_at),
        "ends_at": sortable_time(campaign.ends_at),
        "data": campaign.model_dump_json(),
    }


def campaign_from_data(data: str) -> Campaign:
    """A campaign from its stored JSON."""
    return Campaign.model_validate_json(data)


def save_detail(existed: bool) -> str:
    """The audit detail of a save: whether it added a campaign or replaced one (fixed words only)."""
    return "replaced" if existed else "added"
