"""`/api/v1/campaigns`: the campaign registry. Every role but marketing-less ones reads it; `marketing` and `admin`
edit it. Campaigns hold no customer data; every change is audited with the token (`store.save_campaign`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field

from identity_graph.campaigns.build import build_campaign
from identity_graph.campaigns.clock import campaign_now
from identity_graph.campaigns.model import Campaign
from identity_graph.campaigns.touches import recent_campaigns
from identity_graph.errors import InputError, NotFound
from identity_graph.masking import SOCIAL_CHANNELS, SOCIAL_ROLE, mask_profile
from identity_graph.model import Channel
from identity_graph.profile import build_profile
from identity_graph.service import audit
from identity_graph.service.auth import Caller, Permission
from identity_graph.service.contract import COMMON_ERRORS, IdPath, RequestBody, errors
from identity_graph.service.deps import Need, ReadCaller, SettingsDep, StoreDep
from identity_graph.store.protocol import TimelineQuery

router = APIRouter(tags=["campaigns"], responses=COMMON_ERRORS)

CampaignsCaller = Annotated[Caller, Depends(Need(Permission.CAMPAIGNS))]
EditCaller = Annotated[Caller, Depends(Need(Permission.EDIT_CAMPAIGNS))]
#: A campaign id in a path (the model's pattern: letters, digits and _ . : -).
CampaignIdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$", description="a campaign id")]
#: Most values a list field of a request may hold.
MAX_LIST_ITEMS = 200
#: Longest value of a list field.
MAX_ITEM_CHARS = 2_000

Items = Annotated[
    list[Annotated[str, Field(max_length=MAX_ITEM_CHARS)]],
    Field(max_length=MAX_LIST_ITEMS, description="the values, each typed any way (normalized on save)"),
]


class FaqIn(RequestBody):
    """One question callers ask, and the answer."""

    question: str = Field(max_length=500)
    answer: str = Field(max_length=2000)


class GuidanceIn(RequestBody):
    """What agents should know."""

    offer_is: str = Field("", max_length=2000)
    offer_is_not: str = Field("", max_length=2000)
    script: str = Field("", max_length=4000)
    faq: list[FaqIn] = Field(default_factory=list, max_length=50)


class CampaignIn(RequestBody):
    """A campaign as marketing writes it: domains, URLs or addresses and numbers typed any way (normalized here).
    Dates are ISO (`2026-03-01`, `2026-03-01T09:00:00+01:00`); a date or time without a zone is UTC."""

    campaign_id: str | None = Field(None, max_length=80, description="the id (on PUT, the path's id)")
    name: str = Field(max_length=200)
    channel: str = Field(max_length=20, description="email, sms, social, call, post, web or mixed")
    owner: str = Field("", max_length=200)
    starts_at: str = Field(max_length=40)
    ends_at: str | None = Field(None, max_length=40)
    sending_domains: Items = Field(default_factory=list)
    link_domains: Items = Field(default_factory=list)
    sender_addresses: Items = Field(default_factory=list)
    phone_numbers: Items = Field(default_factory=list)
    dnis: Items = Field(default_factory=list)
    short_links: Items = Field(default_factory=list)
    social_accounts: Items = Field(default_factory=list)
    post_urls: Items = Field(default_factory=list)
    offer_codes: Items = Field(default_factory=list)
    subjects: Items = Field(default_factory=list)
    offer_text: str = Field("", max_length=4000)
    guidance: GuidanceIn | None = None
    external_ids: Items = Field(default_factory=list)


def saved(store: StoreDep, settings: SettingsDep, body: CampaignIn, caller: Caller, campaign_id: str) -> Campaign:
    """Build the campaign from the body (normalized), save it under `campaign_id`, audited with the caller."""
    raw = body.model_dump(exclude_none=True) | {"campaign_id": campaign_id, "registered_from": f"api:{caller.name}"}
    campaign = build_campaign(raw, settings.matching.default_region, UTC)
    store.save_campaign(campaign, caller.actor)
    return campaign


@router.get("/campaigns", response_model=list[Campaign], summary="List the campaign registry")
def list_campaigns(caller: CampaignsCaller, store: StoreDep) -> list[Campaign]:
    """Every registered campaign, by start."""
    return store.campaigns()


@router.get("/campaigns/{campaign_id}", response_model=Campaign, summary="Read one campaign", responses=errors(404))
def get_campaign(campaign_id: CampaignIdPath, caller: CampaignsCaller, store: StoreDep) -> Campaign:
    """One campaign with its guidance."""
    found = store.campaign(campaign_id)
    if found is None:
        raise NotFound(f"no campaign {campaign_id}")
    return found


@router.post("/campaigns", response_model=Campaign, status_code=201, summary="Register a campaign")
def post_campaign(body: CampaignIn, caller: EditCaller, store: StoreDep, settings: SettingsDep) -> Campaign:
    """Register a campaign (or replace the one with its id); the body names its `campaign_id`."""
    if not body.campaign_id:
        raise InputError("campaign_id: give the campaign an id")
    return saved(store, settings, body, caller, body.campaign_id)


@router.put("/campaigns/{campaign_id}", response_model=Campaign, summary="Register or replace a campaign")
def put_campaign(
    campaign_id: CampaignIdPath, body: CampaignIn, caller: EditCaller, store: StoreDep, settings: SettingsDep
) -> Campaign:
    """Register the campaign under this id, replacing what was there."""
    if body.campaign_id and body.campaign_id != campaign_id:
        raise InputError("campaign_id: the body's id differs from the path's")
    return saved(store, settings, body, caller, campaign_id)


@router.delete("/campaigns/{campaign_id}", status_code=204, summary="Remove a campaign", responses=errors(404))
def delete_campaign(campaign_id: CampaignIdPath, caller: EditCaller, store: StoreDep) -> Response:
    """Remove a campaign from the registry (touches already loaded stay on profiles)."""
    if not store.delete_campaign(campaign_id, caller.actor):
        raise NotFound(f"no campaign {campaign_id}")
    return Response(status_code=204)


class RecentCampaign(BaseModel):
    """A campaign that reached the person lately: its touches, the last one, what happened (newest first)."""

    campaign: Campaign
    last: datetime
    touches: int
    events: list[str]


@router.get(
    "/persons/{person_id}/campaigns",
    response_model=list[RecentCampaign],
    tags=["persons"],
    summary="The campaigns that reached a person in the last 30 days, with their guidance",
    responses=errors(404, 410),
)
def get_person_campaigns(
    person_id: IdPath, caller: ReadCaller, store: StoreDep, settings: SettingsDep
) -> list[RecentCampaign]:
    """The profile's campaign strip: registered campaigns of the person's campaign touches and of their calls to a
    campaign's number, most recent first (the social role sees none: it sees no campaign or call items)."""
    profile = mask_profile(build_profile(store, person_id, settings, TimelineQuery(limit=1)), caller)
    audit.record(store, caller, "profile.read", audit.person_target(profile.person_id), "campaigns")
    if caller.role.value == SOCIAL_ROLE and Channel.CAMPAIGN.value not in SOCIAL_CHANNELS:
        return []
    found = recent_campaigns(store, profile.person_id, campaign_now(settings), settings.matching.default_region)
    return [RecentCampaign(campaign=t.campaign, last=t.last, touches=t.count, events=t.events) for t in found]
