"""The shapes verify answers in, and the registry's lookup tables built from a list of campaigns.

A `Finding` is one thing in the paste checked against the registry (a domain, an address, a number...) with its
outcome, how sure it is (0-100) and a sentence an agent can read out. `verify.py` turns findings into a `Verdict`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from identity_graph.campaigns.model import Campaign, CampaignChannel, CampaignStatus, Guidance
from identity_graph.campaigns.verify_extract import normalize_link


class Outcome(StrEnum):
    """What one checked item turned out to be."""

    OURS = "ours"  # registered for a campaign
    LOOKALIKE = "lookalike"  # imitates something registered
    SPOOF = "spoof"  # claims to be ours and failed the receiving server's sender checks
    SHARED = "shared"  # a shared service (a mail platform, a link shortener): proves nothing alone
    UNKNOWN = "unknown"  # checked, not in the registry


class Finding(BaseModel):
    """One item of the paste checked against the registry."""

    what: str  # "domain", "sender address", "link", "phone number", "dialled number", "subject", ...
    value: str
    outcome: Outcome
    confidence: int  # 0-100
    line: str  # a sentence an agent can read out
    campaign_ids: list[str] = []


class CampaignBrief(BaseModel):
    """The matched campaign as an agent needs it: what it is, whether it is live, and what to say."""

    campaign_id: str
    name: str
    channel: CampaignChannel
    owner: str
    status: CampaignStatus
    starts_at: datetime
    ends_at: datetime | None
    when: str  # "live until 30 June 2026", "ended on 31 March 2026", "starts on 1 July 2026"
    guidance: Guidance


def day(value: datetime) -> str:
    """A date as agents say it: `30 June 2026`."""
    return f"{value.day} {value:%B %Y}"


def when(campaign: Campaign, now: datetime) -> str:
    """Where the campaign is in its life, in words."""
    status = campaign.status(now)
    if status is CampaignStatus.UPCOMING:
        return f"not started yet: it starts on {day(campaign.starts_at)}"
    if status is CampaignStatus.ENDED and campaign.ends_at is not None:
        return f"which ended on {day(campaign.ends_at)}"
    if campaign.ends_at is None:
        return "live, with no end date set"
    return f"live until {day(campaign.ends_at)}"


def brief(campaign: Campaign, now: datetime) -> CampaignBrief:
    """The campaign as the verdict shows it."""
    return CampaignBrief(
        campaign_id=campaign.campaign_id,
        name=campaign.name,
        channel=campaign.channel,
        owner=campaign.owner,
        status=campaign.status(now),
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        when=when(campaign, now),
        guidance=campaign.guidance,
    )


_STATUS_ORDER = {CampaignStatus.LIVE: 0, CampaignStatus.UPCOMING: 1, CampaignStatus.ENDED: 2}


@dataclass
class Registry:
    """Lookup tables over a list of campaigns: each registered value -> the campaigns that registered it."""

    campaigns: dict[str, Campaign]
    now: datetime
    domains: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # domain -> [(campaign id, role)]
    addresses: dict[str, list[str]] = field(default_factory=dict)
    phones: dict[str, list[str]] = field(default_factory=dict)
    dnis: dict[str, list[str]] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)  # short links and post URLs, normalized
    accounts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # handle -> [(campaign id, platform)]
    codes: dict[str, list[str]] = field(default_factory=dict)  # offer code, lower-case

    @classmethod
    def of(cls, campaigns: Iterable[Campaign], now: datetime) -> Registry:
        """The tables of a list of campaigns."""
        registry = cls(campaigns={c.campaign_id: c for c in campaigns}, now=now)
        for c in registry.campaigns.values():
            cid = c.campaign_id
            for domain in c.sending_domains:
                registry.domains.setdefault(domain, []).append((cid, "sending"))
            for domain in c.link_domains:
                registry.domains.setdefault(domain, []).append((cid, "link"))
            for address in c.sender_addresses:
                registry.addresses.setdefault(address, []).append(cid)
            for number in c.phone_numbers:
                registry.phones.setdefault(number, []).append(cid)
            for number in c.dnis:
                registry.dnis.setdefault(number, []).append(cid)
            for url in (*c.short_links, *c.post_urls):
                registry.links.setdefault(normalize_link(url), []).append(cid)
            for account in c.social_accounts:
                platform, _, handle = account.rpartition(":")
                registry.accounts.setdefault(handle.lstrip("@"), []).append((cid, platform))
            for code in c.offer_codes:
                registry.codes.setdefault(code.lower(), []).append(cid)
        return registry

    def ordered(self, campaign_ids: Iterable[str]) -> list[Campaign]:
        """The campaigns of these ids, live first, then upcoming, then ended (newest start first)."""
        found = {cid: self.campaigns[cid] for cid in campaign_ids if cid in self.campaigns}.values()
        return sorted(found, key=lambda c: (_STATUS_ORDER[c.status(self.now)], -c.starts_at.timestamp(), c.name))

    def named(self, campaign_ids: Sequence[str]) -> str:
        """The first campaign's name and state, and how many others share the item."""
        ordered = self.ordered(campaign_ids)
        if not ordered:
            return "no campaign"
        first = ordered[0]
        more = f" (and {len(ordered) - 1} other campaign{'s' if len(ordered) > 2 else ''})" if len(ordered) > 1 else ""
        return f"{first.name}, {when(first, self.now)}{more}"
