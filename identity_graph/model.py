"""The identity graph's data model: records, identifiers, interactions, edges, judgements, persons, profiles.

This module sits at the bottom of the import graph: connectors and matchers depend on it and nothing else
inside the project. Items that come from a source are frozen; the store adds surrogate integer ids.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Frozen(BaseModel):
    """Base for immutable model objects."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Channel(StrEnum):
    """Where an interaction happened."""

    CRM = "crm"
    CALL = "call"
    EMAIL = "email"
    SOCIAL = "social"
    CAMPAIGN = "campaign"


class RecordKind(StrEnum):
    """What kind of identity-bearing item a record is."""

    CONTACT = "contact"  # a CRM contact row
    SOCIAL_ACCOUNT = "social_account"  # an account on a social platform
    CALL_PARTY = "call_party"  # the customer side of one call
    EMAIL_PARTY = "email_party"  # one customer address on one message
    CAMPAIGN_RECIPIENT = "campaign_recipient"  # the recipient of a marketing send


class IdentifierKind(StrEnum):
    """The type of a normalized identifier; `kind:value` is its key."""

    EMAIL = "email"
    PHONE = "phone"
    HANDLE = "handle"  # value is `platform:handle`, e.g. `x:tdefren`
    CRM_ID = "crm"  # a CRM's own id seen in another source, value `system:id`
    ADDRESS = "address"  # a normalized postal address key
    URL = "url"
    # Identifiers a bank or telco holds (`matchers/official_ids.py`); shown masked to every role but admin.
    NATIONAL_ID = "national_id"  # value `scheme:number`: `ssn:123456789`, `nino:AB123456C`
    PASSPORT = "passport"  # value `COUNTRY:NUMBER`, or `NUMBER` when the country is not known
    DRIVERS_LICENCE = "dl"  # value `STATE:NUMBER` (the issuing state), or `NUMBER`
    TAX_ID = "tax_id"  # value `scheme:NUMBER` (`ein:123456789`), or `NUMBER`
    ACCOUNT = "account"  # a customer account number, value `system:NUMBER`
    CARD_LAST4 = "card4"  # the last four digits of a payment card, value `1234`


class Strength(StrEnum):
    """How much a record vouches for an identifier."""

    DECLARED = "declared"  # a field of the record (CRM email, caller number, sender address, account handle)
    MENTIONED = "mentioned"  # found in free text (message body, bio): may belong to someone else


class Direction(StrEnum):
    """Which way an interaction went, seen from our side."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
    INTERNAL = "internal"
    NONE = "none"


class Role(StrEnum):
    """The part a record played in an interaction."""

    CALLER = "caller"
    CALLEE = "callee"
    SENDER = "sender"
    RECIPIENT = "recipient"
    CC = "cc"
    REPLY_TO = "reply_to"
    AUTHOR = "author"
    MENTIONED = "mentioned"
    SUBJECT = "subject"  # the record a CRM change is about


class MatchStatus(StrEnum):
    """The matcher's opinion of a pair, after thresholds."""

    AUTO = "auto"
    REVIEW = "review"
    REJECTED = "rejected"


class Verdict(StrEnum):
    """A steward's decision about a pair of records."""

    SAME = "same"
    DIFFERENT = "different"
    UNSURE = "unsure"


class IdentifierClaim(Frozen):
    """A raw identifier as a source states it; the ingest layer normalizes it into an `Identifier`."""

    kind: IdentifierKind
    raw: NonEmpty
    field: str = Field(min_length=1, description="source field it came from, e.g. MobilePhone or body")
    strength: Strength = Strength.DECLARED


class Identifier(Frozen):
    """A normalized identifier value."""

    kind: IdentifierKind
    value: NonEmpty

    @property
    def key(self) -> str:
        """The identifier's graph key, `kind:value`."""
        return f"{self.kind.value}:{self.value}"


class ClaimedIdentifier(Frozen):
    """A normalized identifier together with the claim it came from."""

    identifier: Identifier
    field: str
    strength: Strength = Strength.DECLARED
    raw: str


class PostalAddress(Frozen):
    """A postal address as the source gave it."""

    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    full: str | None = None

    def is_empty(self) -> bool:
        """True when no part of the address is present."""
        return not any((self.street, self.city, self.state, self.postal_code, self.country, self.full))


class RecordRef(Frozen):
    """A reference to a record by its natural key."""

    source: NonEmpty
    source_id: NonEmpty


class Record(Frozen):
    """One identity-bearing item from one source, keyed by `(source, source_id)`."""

    source: NonEmpty
    source_id: NonEmpty
    kind: RecordKind
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    dob: date | None = None
    address: PostalAddress = PostalAddress()
    company: str | None = None
    identifiers: tuple[IdentifierClaim, ...] = ()
    attributes: dict[str, str] = Field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def ref(self) -> RecordRef:
        """This record's natural key."""
        return RecordRef(source=self.source, source_id=self.source_id)

    def display_name(self) -> str:
        """A readable name from whatever name parts the record has."""
        parts = [p for p in (self.first_name, self.middle_name, self.last_name) if p]
        return " ".join(parts) if parts else (self.full_name or "")


#: A record attribute: the name a message's text gives an email party (the sender's signature, or the greeting to
#: a sole recipient), read from the body by the connector; the resolver uses it when the address's display name
#: names no person (a bare address, a family's mailbox).
BODY_NAME = "body_name"


class Participation(Frozen):
    """A record's part in an interaction."""

    record: RecordRef
    role: Role


class Interaction(Frozen):
    """Something that happened on a channel, keyed by `(source, source_id)`."""

    source: NonEmpty
    source_id: NonEmpty
    channel: Channel
    occurred_at: datetime
    direction: Direction = Direction.NONE
    subject: str | None = None
    summary: str | None = None
    thread_key: str | None = None
    participants: tuple[Participation, ...] = ()
    attributes: dict[str, str] = Field(default_factory=dict)


class Rejected(Frozen):
    """A malformed input item set aside with where it was and why."""

    path: str
    line: int
    reason: str
    raw: str = ""


class Notice(Frozen):
    """Something a connector wants the user to know (an inferred setting, an encoding fallback)."""

    path: str
    message: str


SourceItem = Record | Interaction | Rejected | Notice


class StoredRecord(Record):
    """A record as the store holds it, with its surrogate id and normalized identifiers."""

    id: int
    claimed: tuple[ClaimedIdentifier, ...] = ()
    version: int = 1


class StoredInteraction(Interaction):
    """An interaction as the store holds it."""

    id: int


class Evidence(Frozen):
    """One comparison's contribution to a match score."""

    comparison: str
    level: str
    weight: float
    detail: str


class MatchEdge(Frozen):
    """The matcher's opinion that two records are one person; `left < right`."""

    left: int
    right: int
    score: float = Field(ge=0.0, le=1.0, description="match probability")
    weight: float = Field(description="total match weight, log2 Bayes factor")
    status: MatchStatus
    evidence: tuple[Evidence, ...] = ()
    explanation: str = ""


class Judgement(Frozen):
    """A steward's durable decision about two records; superseded, never overwritten."""

    left: int
    right: int
    verdict: Verdict
    by: NonEmpty
    at: datetime
    reason: str | None = None
    id: int | None = None
    superseded_at: datetime | None = None


class ChangeEvent(Frozen):
    """One entry of the change feed."""

    id: int
    at: datetime
    type: str
    person_id: int | None
    other_person_id: int | None = None
    record_id: int | None = None
    cause: str


class SourceRef(Frozen):
    """Where a profile value came from."""

    record_id: int
    source: str
    source_id: str
    field: str


class ProfileValue(Frozen):
    """A value on a profile with its provenance."""

    kind: str
    value: str
    sources: tuple[SourceRef, ...]
    strength: Strength = Strength.DECLARED
    rule: str = ""
    person_count: int = 1


class TimelineItem(Frozen):
    """One interaction on a person's timeline, with why it is there."""

    interaction_id: int
    source: str
    source_id: str
    channel: Channel
    occurred_at: datetime
    direction: Direction
    subject: str | None
    summary: str | None
    role: Role
    record_id: int
    why: str


class Profile(Frozen):
    """Everything an agent needs to know about one person."""

    person_id: int
    name: ProfileValue | None
    names: tuple[ProfileValue, ...]
    identifiers: tuple[ProfileValue, ...]
    addresses: tuple[ProfileValue, ...]
    dobs: tuple[ProfileValue, ...]
    records: tuple[StoredRecord, ...]
    timeline: tuple[TimelineItem, ...]
    timeline_total: int


M = TypeVar("M", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def built_directly(cls: type[M], values: dict[str, Any]) -> M:
    """A model object from values already of its field types, in field order: what validation (or
    `model_construct`) would make of them, built without either, several times faster. Only for values this
    program made or its store wrote (a resolver's edges, records read back), never for outside input."""
    obj = _new(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", set(values))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj
