"""The campaign registry's pages: the list, one campaign with its guidance, and the form marketing fills.

Every role that reads campaigns sees the list and the guidance; `marketing` and `admin` register, change and
remove campaigns. The form is built into a campaign the same way the files and the API are
(`campaigns.build.build_campaign`), so a problem shows as sentences beside the form with what was typed kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from identity_graph.campaigns.build import LIST_FIELDS, build_campaign
from identity_graph.campaigns.clock import campaign_now
from identity_graph.campaigns.model import Campaign, CampaignChannel
from identity_graph.errors import InputError, NotFound
from identity_graph.service.auth import Caller, Permission
from identity_graph.service.deps import SettingsDep, StoreDep
from identity_graph.web.deps import FormDep, WebNeed
from identity_graph.web.render import render

router = APIRouter(include_in_schema=False)

CampaignsUser = Annotated[Caller, Depends(WebNeed(Permission.CAMPAIGNS))]
EditUser = Annotated[Caller, Depends(WebNeed(Permission.EDIT_CAMPAIGNS))]
CampaignIdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")]
#: FAQ rows the form offers (filled ones plus this many empty).
FAQ_SPARE_ROWS = 2
#: Longest text a form field keeps (the model's own limits are checked when the campaign is built).
MAX_FORM_CHARS = 20_000
#: Text fields of the form besides the lists and the FAQ.
TEXT_INPUTS = ("campaign_id", "name", "channel", "owner", "starts_at", "ends_at", "offer_text")
GUIDANCE_INPUTS = ("offer_is", "offer_is_not", "script")
NO_STORE = {"Cache-Control": "no-store"}
#: The form's words for the fields a problem names (the registry's keys are for files and the API).
FIELD_WORDS = {
    "campaign_id": "Id", "name": "Name", "channel": "Channel", "owner": "Owner", "starts_at": "Starts",
    "ends_at": "Ends", "sending_domains": "Domains it sends from", "link_domains": "Domains its links go to",
    "sender_addresses": "Sender addresses", "phone_numbers": "Phone numbers printed in it",
    "dnis": "Dialled numbers (DNIS)", "short_links": "Short links", "social_accounts": "Social accounts",
    "post_urls": "Post URLs", "offer_codes": "Offer codes", "subjects": "Subject lines",
    "external_ids": "Ids in other systems", "offer_text": "The offer as worded", "guidance": "Guidance for agents",
}  # fmt: skip


def worded(problem: str) -> str:
    """A build problem (`phone_numbers: 'x' is not a phone number`) with the field named as the form names it."""
    key, sep, rest = problem.partition(": ")
    words = FIELD_WORDS.get(key.split(".", 1)[0]) if sep else None
    return f"{words}: {rest}" if words else problem


def _text(form: FormData, name: str) -> str:
    """A form field's text ('' when absent), without NUL bytes, cut to the form's limit."""
    value = form.get(name)
    return value.replace("\x00", "").strip()[:MAX_FORM_CHARS] if isinstance(value, str) else ""


def form_values(form: FormData) -> dict[str, Any]:
    """What the form holds, as the table `build_campaign` reads (list fields one value per line)."""
    raw: dict[str, Any] = {k: _text(form, k) for k in (*TEXT_INPUTS, *LIST_FIELDS) if _text(form, k)}
    questions, answers = form.getlist("faq_question"), form.getlist("faq_answer")
    faq = [
        {"question": str(q).strip(), "answer": str(a).strip()}
        for q, a in zip(questions, answers, strict=False)
        if str(q).strip() or str(a).strip()
    ]
    raw["guidance"] = {k: _text(form, k) for k in GUIDANCE_INPUTS} | {"faq": faq}
    return raw


def edit_values(campaign: Campaign | None) -> dict[str, Any]:
    """A campaign as the form shows it: lists one value per line, dates as `YYYY-MM-DDTHH:MM` in UTC."""
    if campaign is None:
        return {"guidance": {"faq": []}}
    data = campaign.model_dump(mode="json")
    for key in LIST_FIELDS:
        data[key] = "\n".join(data[key])
    for key in ("starts_at", "ends_at"):
        moment: datetime | None = getattr(campaign, key)
        data[key] = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") if moment else ""
    return data


def _form(request: Request, values: dict[str, Any], problems: list[str], status: int = 200, *, new: bool) -> Response:
    """The edit form with its values and any problems."""
    faq = list(values.get("guidance", {}).get("faq", [])) + [{"question": "", "answer": ""}] * FAQ_SPARE_ROWS
    return render(
        request,
        "campaign_edit.html",
        status,
        values=values,
        faq=faq,
        problems=problems,
        channels=[c.value for c in CampaignChannel],
        new=new,
    )


def _found(store: StoreDep, campaign_id: str) -> Campaign:
    """The campaign, or NotFound (a 404 page)."""
    campaign = store.campaign(campaign_id)
    if campaign is None:
        raise NotFound(f"no campaign {campaign_id}")
    return campaign


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns_page(request: Request, caller: CampaignsUser, store: StoreDep, settings: SettingsDep) -> Response:
    """Every registered campaign, by start, with whether it is live (on the campaign clock)."""
    return render(request, "campaigns.html", campaigns=store.campaigns(), now=campaign_now(settings))


@router.get("/campaigns/new", response_class=HTMLResponse)
def new_campaign_page(request: Request, caller: EditUser) -> Response:
    """An empty form to register a campaign."""
    return _form(request, edit_values(None), [], new=True)


@router.post("/campaigns", response_class=HTMLResponse)
def save_campaign_page(
    request: Request, form: FormDep, caller: EditUser, store: StoreDep, settings: SettingsDep
) -> Response:
    """Register (or replace) the campaign the form describes; problems send the form back, values kept."""
    raw = form_values(form)
    new = _text(form, "new") == "1"
    try:
        region = settings.matching.default_region
        campaign = build_campaign(raw | {"registered_from": f"web:{caller.name}"}, region, UTC)
    except InputError as exc:
        return _form(request, raw, [worded(p) for p in str(exc).split("; ")], 422, new=new)
    if new and store.campaign(campaign.campaign_id) is not None:
        problem = f"Id: {campaign.campaign_id} is taken; choose another id or edit that campaign"
        return _form(request, raw, [problem], 409, new=new)
    store.save_campaign(campaign, caller.actor)
    return RedirectResponse(f"/campaigns/{campaign.campaign_id}", status_code=303, headers=NO_STORE)


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
def campaign_page(
    request: Request, campaign_id: CampaignIdPath, caller: CampaignsUser, store: StoreDep, settings: SettingsDep
) -> Response:
    """One campaign: what it sends from and prints (numbers as people write them), and the guidance for agents."""
    campaign = _found(store, campaign_id)
    status = campaign.status(campaign_now(settings)).value
    return render(request, "campaign.html", campaign=campaign, status=status, region=settings.matching.default_region)


@router.get("/campaigns/{campaign_id}/edit", response_class=HTMLResponse)
def edit_campaign_page(request: Request, campaign_id: CampaignIdPath, caller: EditUser, store: StoreDep) -> Response:
    """The form filled with a campaign, to change it."""
    return _form(request, edit_values(_found(store, campaign_id)), [], new=False)


@router.post("/campaigns/{campaign_id}/delete")
def delete_campaign_page(campaign_id: CampaignIdPath, form: FormDep, caller: EditUser, store: StoreDep) -> Response:
    """Remove a campaign (audited); back to the list."""
    if not store.delete_campaign(campaign_id, caller.actor):
        raise NotFound(f"no campaign {campaign_id}")
    return RedirectResponse("/campaigns", status_code=303, headers=NO_STORE)
