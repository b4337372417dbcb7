"""Campaigns from a Salesforce export folder: `Campaign.csv` into the registry, `CampaignMember.csv` as touches.

A Salesforce campaign joins the registered campaign that already carries its Id among its external ids, else the
one of the same name (case and spacing aside), else it is registered under its Salesforce Id. Salesforce's name,
dates, owner and description win; what marketing registered by hand (domains, numbers, guidance) is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any

from connectors.salesforce_campaigns import CAMPAIGN_FILE, SalesforceCampaignRow, read_campaigns
from identity_graph.campaigns.build import as_moment, campaign_fields
from identity_graph.campaigns.load import LoadProblem, LoadResult
from identity_graph.campaigns.model import Campaign, CampaignChannel
from identity_graph.errors import InputError

#: The member file of an export folder.
MEMBER_FILE = "CampaignMember.csv"
#: Salesforce's Campaign Type picklist (lower-case) -> our channel; anything else is MIXED.
TYPE_CHANNELS = {
    "email": CampaignChannel.EMAIL,
    "direct mail": CampaignChannel.POST,
    "telemarketing": CampaignChannel.CALL,
    "social media": CampaignChannel.SOCIAL,
    "social": CampaignChannel.SOCIAL,
    "sms": CampaignChannel.SMS,
    "advertisement": CampaignChannel.WEB,
    "banner ads": CampaignChannel.WEB,
    "webinar": CampaignChannel.WEB,
}


@dataclass
class SalesforceFolder:
    """The files of an export folder: the Campaign file and the CampaignMember file (either may be missing)."""

    campaigns: Path | None
    members: Path | None
    problems: list[LoadProblem] = field(default_factory=list)


def export_files(folder: Path) -> SalesforceFolder:
    """The export's files in a folder; a folder with neither is an InputError."""
    campaigns, members = folder / CAMPAIGN_FILE, folder / MEMBER_FILE
    found = SalesforceFolder(campaigns if campaigns.is_file() else None, members if members.is_file() else None)
    if found.campaigns is None and found.members is None:
        raise InputError(f"{folder}: no {CAMPAIGN_FILE} or {MEMBER_FILE} in this folder")
    return found


def _match(row: SalesforceCampaignRow, registry: Sequence[Campaign]) -> Campaign | None:
    """The registered campaign this Salesforce row is: by its Id among external ids, else by name."""
    for campaign in registry:
        if row.id in campaign.external_ids or campaign.campaign_id == row.id:
            return campaign
    name = " ".join(row.name.lower().split())
    return next((c for c in registry if " ".join(c.name.lower().split()) == name), None)


def campaign_from_row(row: SalesforceCampaignRow, known: Campaign | None, tz: tzinfo = UTC) -> Campaign:
    """A registry campaign from a Salesforce row, laid over the registered one it matches; ValueError if unusable."""
    starts = as_moment(row.start, tz)
    if starts is None:
        raise ValueError("no StartDate")
    data: dict[str, Any] = campaign_fields(known) if known is not None else {"campaign_id": row.id}
    data.update(name=row.name, starts_at=starts, ends_at=as_moment(row.end, tz, end_of_day=True))
    if known is None:
        data["channel"] = TYPE_CHANNELS.get(row.type.strip().lower(), CampaignChannel.MIXED)
        data["registered_from"] = "salesforce"
    if row.owner:
        data["owner"] = row.owner
    if row.description and not data.get("offer_text"):
        data["offer_text"] = row.description
    data["external_ids"] = [*data.get("external_ids", []), row.id]
    return Campaign.model_validate(data)


def campaigns_from_export(path: Path, registry: Sequence[Campaign]) -> LoadResult:
    """The campaigns of a Campaign export, each joined to the registered one it matches; bad rows set aside."""
    result = LoadResult()
    for row in read_campaigns(path):
        if not isinstance(row, SalesforceCampaignRow):
            result.problems.append(LoadProblem(row.path, row.line, row.reason))
            continue
        try:
            result.campaigns.append(campaign_from_row(row, _match(row, [*registry, *result.campaigns])))
        except ValueError as exc:
            result.problems.append(LoadProblem(row.path, row.line, str(exc).splitlines()[0]))
    return result
