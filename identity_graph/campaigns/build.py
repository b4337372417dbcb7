"""One campaign from what a person wrote (a TOML table, a CSV row, a web form, an API body), normalized.

Every loader and face builds through `build_campaign`, so a domain typed as `News.Bücher.example`, a URL or an
address is kept as its registrable domain in IDNA form, and `(800) 555-0199` as `+18005550199`, whatever the way
in. Problems are gathered per field and raised together as one `InputError` a marketer can act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from pydantic import ValidationError

from identity_graph.campaigns import normalize
from identity_graph.campaigns.model import Campaign
from identity_graph.errors import InputError

#: List fields and how each value is normalized (region-free ones; numbers take the region).
DOMAIN_FIELDS = ("sending_domains", "link_domains")
PHONE_FIELDS = ("phone_numbers", "dnis")
PLAIN_LIST_FIELDS = ("post_urls", "offer_codes", "subjects", "external_ids")
LIST_FIELDS = (
    *DOMAIN_FIELDS,
    "sender_addresses",
    *PHONE_FIELDS,
    "short_links",
    "social_accounts",
    *PLAIN_LIST_FIELDS,
)
TEXT_FIELDS = ("campaign_id", "name", "channel", "owner", "offer_text", "registered_from")
GUIDANCE_FIELDS = ("offer_is", "offer_is_not", "script")
#: Every key a campaign's table may hold (`id` is accepted for `campaign_id`).
KNOWN_KEYS = frozenset({*TEXT_FIELDS, *LIST_FIELDS, "id", "starts_at", "ends_at", "guidance"})
#: What a campaign id may hold, in words.
ID_RULE = "use letters, digits and _ . : - only (up to 80, starting with a letter or digit)"
#: A start that stands in for a missing one while the other fields are checked.
_PLACEHOLDER_START = datetime(2000, 1, 1, tzinfo=UTC)
#: What separates the values of a list field written as one text (a CSV cell, a form's text area).
LIST_SEPARATOR = re.compile(r"[;\n]")

_NORMALIZERS: dict[str, Callable[[str], str]] = {
    "sending_domains": normalize.registrable_domain,
    "link_domains": normalize.registrable_domain,
    "sender_addresses": normalize.sender_address,
    "short_links": normalize.short_link,
    "social_accounts": normalize.social_account,
}


def as_list(value: object) -> list[str]:
    """A list field's values: a list as given, or one text split at `;` and line ends; blanks dropped."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else LIST_SEPARATOR.split(str(value))
    return [str(v).strip() for v in items if str(v).strip()]


def as_moment(value: object, tz: tzinfo, *, end_of_day: bool = False) -> datetime | None:
    """A date or date-time (TOML value or ISO text); a bare date is the start (or end) of that day in `tz`,
    a time without a zone is read in `tz`. None for an empty value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text[:40]!r} is not a date (write 2026-03-01 or 2026-03-01T09:00)") from None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time.max if end_of_day else time.min, tzinfo=tz)
    raise ValueError(f"{value!r} is not a date")


def _normalized(field: str, values: list[str], region: str, problems: list[str]) -> list[str]:
    """One list field's values normalized; each bad value is a problem naming the field."""
    if field in PHONE_FIELDS:
        fix: Callable[[str], str] = lambda v: normalize.e164(v, region)  # noqa: E731
    else:
        fix = _NORMALIZERS.get(field, str.strip)
    out = []
    for value in values:
        try:
            out.append(fix(value))
        except ValueError as exc:
            problems.append(f"{field}: {exc}")
    return out


def _guidance(raw: object, problems: list[str]) -> dict[str, Any]:
    """The guidance table: offer_is, offer_is_not, script and faq (a list of {question, answer})."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append("guidance: must be a table of offer_is, offer_is_not, script and faq")
        return {}
    unknown = set(raw) - {*GUIDANCE_FIELDS, "faq"}
    if unknown:
        problems.append(f"guidance: unknown key(s) {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {k: str(raw[k]).strip() for k in GUIDANCE_FIELDS if raw.get(k) is not None}
    faq = raw.get("faq") or []
    if not isinstance(faq, list) or not all(isinstance(i, Mapping) for i in faq):
        problems.append("guidance.faq: must be a list of {question, answer}")
        return out
    out["faq"] = [{k: str(i.get(k, "")).strip() for k in ("question", "answer")} for i in faq]
    return out


def _readable(exc: ValidationError) -> list[str]:
    """A model's validation errors as `field: message` sentences."""
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "campaign"
        if err["type"] == "string_pattern_mismatch":
            out.append(f"{where}: {ID_RULE}")
        else:
            out.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
    return out


def _other_problems(data: dict[str, Any], problems: list[str]) -> list[str]:
    """The model's complaints about fields not already named in `problems` (an id with a space, a channel)."""
    named = {p.split(":", 1)[0] for p in problems}
    trial = {**data, "starts_at": data.get("starts_at") or _PLACEHOLDER_START}
    trial = {k: v for k, v in trial.items() if k not in named}
    try:
        Campaign.model_validate(trial)
    except ValidationError as exc:
        return [p for p in _readable(exc) if p.split(":", 1)[0] not in named]
    return []


def build_campaign(raw: Mapping[str, Any], region: str, tz: tzinfo) -> Campaign:
    """A normalized campaign from a table of what a person wrote; an `InputError` lists every problem."""
    problems: list[str] = []
    unknown = set(raw) - KNOWN_KEYS
    if unknown:
        problems.append(f"unknown field(s) {', '.join(sorted(unknown))}")
    data: dict[str, Any] = {k: str(raw[k]).strip() for k in TEXT_FIELDS if raw.get(k) is not None}
    if "campaign_id" not in data and raw.get("id") is not None:
        data["campaign_id"] = str(raw["id"]).strip()
    for field in LIST_FIELDS:
        data[field] = _normalized(field, as_list(raw.get(field)), region, problems)
    for field, end in (("starts_at", False), ("ends_at", True)):
        try:
            data[field] = as_moment(raw.get(field), tz, end_of_day=end)
        except ValueError as exc:
            problems.append(f"{field}: {exc}")
    data["guidance"] = _guidance(raw.get("guidance"), problems)
    if data.get("starts_at") is None and not any(p.startswith("starts_at") for p in problems):
        problems.append("starts_at: a campaign needs a start date")
    if problems:
        raise InputError("; ".join(problems + _other_problems(data, problems)))
    try:
        return Campaign.model_validate(data)
    except ValidationError as exc:
        raise InputError("; ".join(_readable(exc))) from None


def campaign_fields(campaign: Campaign) -> dict[str, Any]:
    """A campaign as the plain table `build_campaign` reads (for editing it: the web form, a TOML export)."""
    return campaign.model_dump(mode="json")
