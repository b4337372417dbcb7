"""Social accounts and posts: building SOCIAL_ACCOUNT records and SOCIAL interactions (shared by formats)."""

from __future__ import annotations

import re
from collections import OrderedDict
from datetime import datetime

from connectors.base import cut, handle_raw
from connectors.evidence import find_emails, find_handles, find_phones, mentioned_claims
from connectors.ownside import OwnSide
from identity_graph.model import (
    Channel,
    Direction,
    IdentifierClaim,
    IdentifierKind,
    Interaction,
    Participation,
    PostalAddress,
    Record,
    RecordKind,
    RecordRef,
    Role,
)

#: Accounts remembered per load so an unchanged account is not emitted again on every page (bounded).
ACCOUNT_CACHE_SIZE = 50_000
#: Characters of a post kept as its summary.
POST_SUMMARY_CHARS = 280
#: Country names accepted after a comma in a free-text location (`Lyon, France`).
COUNTRY_WORDS = frozenset(
    {
        "usa",
        "us",
        "united states",
        "uk",
        "united kingdom",
        "canada",
        "france",
        "germany",
        "spain",
        "italy",
        "australia",
        "ireland",
        "india",
        "mexico",
        "brazil",
        "netherlands",
        "sweden",
        "japan",
    }
)
_CITY_STATE = re.compile(r"^\s*([A-Za-zÀ-ÿ .'\-]{2,40}),\s*([A-Z]{2})\s*$")
_CITY_COUNTRY = re.compile(r"^\s*([A-Za-zÀ-ÿ .'\-]{2,40}),\s*([A-Za-z .]{2,30})\s*$")


#: Anything but letters, spaces and the punctuation of place names (emoji, pins, slashes) is dropped first.
_NOT_PLACE = re.compile(r"[^A-Za-zÀ-ÿ .,'\-]+")
_STATE_CODE = re.compile(r"^[A-Z]{2}$")
_SEPARATORS = re.compile(r"[/|;•·&]| and | or ")
#: A bare place name: one to three words of letters (`Oakland`, `San Luis Obispo`).
_BARE_PLACE = re.compile(r"^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ.'\-]*(?: [A-Za-zÀ-ÿ][A-Za-zÀ-ÿ.'\-]*){0,2}$")
#: A bare place name needs at least this many letters (`NY` is a state, `LA` too short to tell).
MIN_BARE_PLACE = 3


def location_address(location: str | None) -> PostalAddress:
    """A city (and state or country) when a free-text location names one: `City, ST`, `City, Country`, a bare
    state code (`CA`), or a bare place of one to three words taken as the city (`Hartford 🌎` -> Hartford);
    emoji and symbols are dropped first. Else empty."""
    if not location:
        return PostalAddress()
    text = " ".join(_NOT_PLACE.sub(" ", location).split()).strip(" ,.")
    m = _CITY_STATE.match(text)
    if m:
        return PostalAddress(city=m.group(1).strip(), state=m.group(2))
    m = _CITY_COUNTRY.match(text)
    if m and m.group(2).strip().lower() in COUNTRY_WORDS:
        return PostalAddress(city=m.group(1).strip(), country=m.group(2).strip())
    if _STATE_CODE.match(text):
        return PostalAddress(state=text)
    several = _SEPARATORS.search(location) is not None  # `NYC / Brooklyn`: two places, neither sure
    if not several and len(text) >= MIN_BARE_PLACE and _BARE_PLACE.match(text) and text.lower() not in COUNTRY_WORDS:
        return PostalAddress(city=text)
    return PostalAddress()


def account_record(
    source: str,
    account_id: str,
    *,
    platform: str,
    handle: str | None,
    name: str | None,
    bio: str | None,
    location: str | None,
    url: str | None,
    own: OwnSide,
    declared: tuple[IdentifierClaim, ...] = (),
    attributes: dict[str, str] | None = None,
) -> Record:
    """A SOCIAL_ACCOUNT record: the handle declared, the url as URL, identifiers in the bio mentioned."""
    claims: list[IdentifierClaim] = []
    if handle:
        claims.append(IdentifierClaim(kind=IdentifierKind.HANDLE, raw=handle_raw(handle, platform), field="username"))
    claims.extend(declared)
    if url:
        claims.append(IdentifierClaim(kind=IdentifierKind.URL, raw=url, field="url"))
    skip = frozenset({handle.lower().lstrip("@")} if handle else ())
    claims.extend(mentioned_claims(bio or "", "description", own, platform=platform, skip=skip))
    attrs = dict(attributes or {})
    if bio:
        attrs["description"] = cut(bio)
    if location:
        attrs["location"] = cut(location)
    return Record(
        source=source,
        source_id=account_id,
        kind=RecordKind.SOCIAL_ACCOUNT,
        full_name=name or None,
        address=location_address(location),
        identifiers=tuple(claims),
        attributes=attrs,
    )


def post_interaction(
    source: str,
    post_id: str,
    occurred_at: datetime,
    text: str,
    *,
    author: RecordRef | None,
    ours: bool,
    region: str,
    thread: str | None = None,
    attributes: dict[str, str] | None = None,
) -> Interaction:
    """A SOCIAL interaction; handles, emails and phones in the text kept as attributes (not author claims)."""
    attrs = dict(attributes or {})
    for key, found in (
        ("mentioned_handles", find_handles(text)),
        ("mentioned_emails", find_emails(text)),
        ("mentioned_phones", find_phones(text, region)),
    ):
        if found and key not in attrs:
            attrs[key] = cut(",".join(found))
    summary = " ".join(text.split())
    participants = (Participation(record=author, role=Role.AUTHOR),) if author is not None else ()
    return Interaction(
        source=source,
        source_id=post_id,
        channel=Channel.SOCIAL,
        occurred_at=occurred_at,
        direction=Direction.OUTBOUND if ours else Direction.INBOUND,
        summary=cut(summary, POST_SUMMARY_CHARS) if summary else None,
        thread_key=thread,
        participants=participants,
        attributes=attrs,
    )


class SeenAccounts:
    """Accounts emitted in this load with the content they had (an LRU, bounded)."""

    def __init__(self) -> None:
        self._seen: OrderedDict[str, Record] = OrderedDict()

    def is_new(self, record: Record) -> bool:
        """True (and remembered) when the account was not emitted yet or has changed since."""
        known = self._seen.get(record.source_id)
        if known is not None:
            self._seen.move_to_end(record.source_id)
            if known == record:
                return False
        self._seen[record.source_id] = record
        if len(self._seen) > ACCOUNT_CACHE_SIZE:
            self._seen.popitem(last=False)
        return True

    def __contains__(self, account_id: object) -> bool:
        return account_id in self._seen
