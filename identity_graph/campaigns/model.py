"""The campaign registry's model: one campaign, what it sends from and prints, and what agents should say.

A campaign is registered by marketing (a TOML/CSV file, a Salesforce export, the API or the web) and read by
verify ("is this ours?"), the profile (touches) and the lead's briefing. Values are stored normalized:
domains lower-case registrable names in IDNA (punycode) form, phone numbers E.164, addresses lower-case.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

CampaignId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")]
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
#: A host name in IDNA form: labels of letters, digits and hyphens (punycode `xn--` labels included).
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class CampaignChannel(StrEnum):
    """Where a campaign reaches people."""

    EMAIL = "email"
    SMS = "sms"
    SOCIAL = "social"
    CALL = "call"  # outbound calls, or a "call us now" campaign whose answer is a call
    POST = "post"  # letters and leaflets
    WEB = "web"
    MIXED = "mixed"


class CampaignStatus(StrEnum):
    """Where a campaign is in its life at a given moment."""

    UPCOMING = "upcoming"
    LIVE = "live"
    ENDED = "ended"


class FaqItem(BaseModel):
    """One question callers ask about the campaign, and the answer agents give."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str = Field(min_length=1, max_length=500)
    answer: str = Field(min_length=1, max_length=2000)


class Guidance(BaseModel):
    """What agents should know: what the offer is and is not, a script, an FAQ."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    offer_is: str = Field(default="", max_length=2000)
    offer_is_not: str = Field(default="", max_length=2000)
    script: str = Field(default="", max_length=4000)
    faq: tuple[FaqItem, ...] = ()


def _lower_unique(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Strip, lower-case and de-duplicate, keeping the first order; blanks dropped."""
    seen: dict[str, None] = {}
    for value in values:
        text = value.strip().lower()
        if text:
            seen.setdefault(text, None)
    return tuple(seen)


def _unique(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Strip and de-duplicate, keeping the first order; blanks dropped."""
    seen: dict[str, None] = {}
    for value in values:
        text = value.strip()
        if text:
            seen.setdefault(text, None)
    return tuple(seen)


class Campaign(BaseModel):
    """One registered campaign. Loaders normalize domains (IDNA) and phones (E.164) before building it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    campaign_id: CampaignId
    name: str = Field(min_length=1, max_length=200)
    channel: CampaignChannel
    owner: str = Field(default="", max_length=200)
    starts_at: datetime
    ends_at: datetime | None = None
    #: Registrable domains it sends from, the email provider's included (`news.bank.com` -> `bank.com`).
    sending_domains: tuple[str, ...] = ()
    #: Registrable domains its links and landing pages use.
    link_domains: tuple[str, ...] = ()
    sender_addresses: tuple[str, ...] = ()
    #: Numbers printed in it, E.164.
    phone_numbers: tuple[str, ...] = ()
    #: Dialled numbers (DNIS) that route its calls, E.164.
    dnis: tuple[str, ...] = ()
    short_links: tuple[str, ...] = ()
    social_accounts: tuple[str, ...] = ()  # `platform:handle`, as identifiers spell handles (`x:acmebank`)
    post_urls: tuple[str, ...] = ()
    offer_codes: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    offer_text: str = Field(default="", max_length=4000)
    guidance: Guidance = Guidance()
    #: Ids other systems give it: the ESP's campaign id in send logs, Salesforce's Campaign Id.
    external_ids: tuple[str, ...] = ()
    #: Where it was registered from: `file:<name>`, `salesforce`, `api:<token name>`.
    registered_from: str = Field(default="", max_length=200)

    _lower = field_validator(
        "sending_domains", "link_domains", "sender_addresses", "social_accounts", "short_links", mode="before"
    )(lambda v: _lower_unique(v) if isinstance(v, list | tuple) else v)
    _plain = field_validator("subjects", "offer_codes", "post_urls", "external_ids", mode="before")(
        lambda v: _unique(v) if isinstance(v, list | tuple) else v
    )

    @field_validator("sending_domains", "link_domains")
    @classmethod
    def _hosts(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        """Domains must already be IDNA host names."""
        bad = [v for v in values if not HOST.match(v)]
        if bad:
            raise ValueError(f"not a domain name (IDNA form expected): {', '.join(bad[:3])}")
        return values

    @field_validator("phone_numbers", "dnis")
    @classmethod
    def _e164(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        """Numbers must already be E.164."""
        bad = [v for v in values if not E164.match(v)]
        if bad:
            raise ValueError(f"not an E.164 number: {', '.join(bad[:3])}")
        return tuple(dict.fromkeys(values))

    @model_validator(mode="after")
    def _dates(self) -> Campaign:
        """A campaign ends after it starts, and both carry a time zone."""
        if self.starts_at.tzinfo is None or (self.ends_at is not None and self.ends_at.tzinfo is None):
            raise ValueError("campaign start and end need a time zone")
        if self.ends_at is not None and self.ends_at < self.starts_at:
            raise ValueError("the campaign ends before it starts")
        return self

    def status(self, at: datetime) -> CampaignStatus:
        """Upcoming, live or ended at the moment `at` (time-zone aware)."""
        if at < self.starts_at:
            return CampaignStatus.UPCOMING
        if self.ends_at is not None and at > self.ends_at:
            return CampaignStatus.ENDED
        return CampaignStatus.LIVE
