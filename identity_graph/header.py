"""The profile header an agent reads first on a call: name, phones in the home region's format, emails, handles,
the last contact on each channel and the latest open matter.

**Open matter.** The sources carry no case or ticket status, so "open" is read from the conversation itself:
the newest *inbound* call, email or social post (the customer reached out) with no *outbound* reply after it in
the same conversation. A conversation is the interaction's thread (`thread_key`: the mail thread, the post's
conversation, a campaign) or, for items without a thread (most calls), its channel: a callback after a missed
call answers it. Only the newest `OPEN_SCAN` interactions are read.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from pydantic import BaseModel

from identity_graph.display import format_phone
from identity_graph.model import Channel, Direction, Profile, Strength
from identity_graph.store.protocol import GraphStore, TimelineQuery

#: Timeline items read (newest first) looking for the latest open matter.
OPEN_SCAN = 200
#: Channels where a customer reaches out and expects an answer.
CONVERSATION_CHANNELS = (Channel.CALL, Channel.EMAIL, Channel.SOCIAL)
#: Values of each kind shown in the header at most.
HEADER_VALUES = 3


class LastContact(BaseModel):
    """When the person was last in touch on one channel."""

    channel: Channel
    at: datetime


class OpenMatter(BaseModel):
    """The newest inbound interaction nobody answered yet."""

    interaction_id: int
    channel: Channel
    at: datetime
    text: str


class ProfileHeader(BaseModel):
    """What the agent sees first: who, how to reach them, when last in touch, what is open."""

    person_id: int
    name: str
    phones: list[str]
    emails: list[str]
    handles: list[str]
    last_contact: list[LastContact]
    open_matter: OpenMatter | None
    records: int


def _values(profile: Profile, kind: str) -> list[str]:
    """A kind's identifiers the person's records declare (mentions may be someone else's), most sources first."""
    found = [v for v in profile.identifiers if v.kind == kind and v.strength is Strength.DECLARED]
    found.sort(key=lambda v: -len(v.sources))
    return [v.value for v in found[:HEADER_VALUES]]


def last_contacts(store: GraphStore, person_id: int, channels: Collection[Channel]) -> list[LastContact]:
    """The newest interaction's time on each channel the person has one, newest first."""
    out = []
    for channel in channels:
        items, _ = store.timeline(person_id, TimelineQuery(limit=1, channels=[channel]))
        if items:
            out.append(LastContact(channel=channel, at=items[0].occurred_at))
    return sorted(out, key=lambda c: c.at, reverse=True)


def open_matter(store: GraphStore, person_id: int, channels: Collection[Channel]) -> OpenMatter | None:
    """The newest inbound call, email or post with no later outbound reply in its conversation (module doc)."""
    wanted = [c for c in CONVERSATION_CHANNELS if c in channels]
    if not wanted:
        return None
    items, _ = store.timeline(person_id, TimelineQuery(limit=OPEN_SCAN, channels=wanted))
    answered: set[str] = set()
    for item in items:  # newest first
        if item.direction not in (Direction.INBOUND, Direction.OUTBOUND):
            continue
        full = store.get_interaction(item.interaction_id)
        thread = full.thread_key if full is not None and full.thread_key else ""
        key = f"thread:{thread}" if thread else f"channel:{item.channel.value}"
        if item.direction is Direction.OUTBOUND:
            answered.add(key)
        elif key not in answered:
            text = item.subject or item.summary or ""
            return OpenMatter(interaction_id=item.interaction_id, channel=item.channel, at=item.occurred_at, text=text)
    return None


def profile_header(
    store: GraphStore, profile: Profile, home_region: str | None, channels: Collection[Channel] = tuple(Channel)
) -> ProfileHeader:
    """The header of a profile as its reader may see it (pass the masked profile and the channels they see)."""
    return ProfileHeader(
        person_id=profile.person_id,
        name=profile.name.value if profile.name else "",
        phones=[format_phone(v, home_region) for v in _values(profile, "phone")],
        emails=_values(profile, "email"),
        handles=_values(profile, "handle"),
        last_contact=last_contacts(store, profile.person_id, channels),
        open_matter=open_matter(store, profile.person_id, channels),
        records=len(profile.records),
    )
