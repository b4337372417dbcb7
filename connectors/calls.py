"""Call logs: Asterisk's CDR `Master.csv` (`asterisk`) and other telephony CSV exports (`calls-csv`).

Each call is one CALL interaction keyed by its unique id, plus one CALL_PARTY record with the same id holding
the customer's number and, when it is a real name, the caller-ID name. Which side is the customer comes from
our own numbers and contexts (configured, or inferred from the pre-scan); a call between our own lines has no
customer party.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from connectors.base import duration_text
from connectors.callerid import customer_name
from connectors.ownside import OwnSide, digits, e164
from identity_graph.model import (
    Channel,
    Direction,
    IdentifierClaim,
    IdentifierKind,
    Interaction,
    Participation,
    Record,
    RecordKind,
    Role,
    SourceItem,
)

#: How dispositions read in summaries.
DISPOSITION_TEXT = {
    "ANSWERED": "answered",
    "NO ANSWER": "no answer",
    "NOANSWER": "no answer",
    "BUSY": "busy",
    "FAILED": "failed",
    "CONGESTION": "congestion",
    "CANCEL": "cancelled",
}
#: Outside-line codes a PBX user dials before the number (`9-1-415...`), stripped when the rest is valid.
ACCESS_CODES = ("9", "0")
#: Words a `direction` column may use.
DIRECTION_WORDS = {
    "inbound": Direction.INBOUND, "in": Direction.INBOUND, "incoming": Direction.INBOUND,
    "outbound": Direction.OUTBOUND, "out": Direction.OUTBOUND, "outgoing": Direction.OUTBOUND,
    "outbound-api": Direction.OUTBOUND, "outbound-dial": Direction.OUTBOUND, "internal": Direction.INTERNAL,
}  # fmt: skip


@dataclass
class CallFacts:
    """One call in a format-neutral shape."""

    call_id: str
    started_at: datetime
    src: str
    dst: str
    caller_name: str = ""
    context: str = ""
    direction: Direction | None = None
    billsec: int | None = None
    disposition: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


def parse_seconds(text: str) -> int | None:
    """Whole seconds from `192` or `192.4`; None when empty. Raises ValueError on text."""
    value = text.strip()
    if not value:
        return None
    seconds = float(value)
    if not 0 <= seconds < 10**9:
        raise ValueError(f"implausible duration {value[:20]!r}")
    return int(seconds)


def parse_direction(text: str) -> Direction | None:
    """A direction word, or None when empty; raises ValueError on an unknown word."""
    value = text.strip().lower()
    if not value:
        return None
    if value not in DIRECTION_WORDS:
        raise ValueError(f"unknown direction {value[:20]!r}")
    return DIRECTION_WORDS[value]


def sides(facts: CallFacts, own: OwnSide) -> tuple[Direction, str | None]:
    """The call's direction and the customer's number (None for an internal call)."""
    src_own, dst_own = own.is_own_phone(facts.src), own.is_own_phone(facts.dst)
    hint = facts.direction
    if hint is Direction.INTERNAL or (src_own and dst_own):
        return Direction.INTERNAL, None
    if hint is Direction.OUTBOUND or (hint is None and (facts.context in own.contexts or src_own)):
        return (Direction.INTERNAL, None) if dst_own else (Direction.OUTBOUND, facts.dst)
    return (Direction.INTERNAL, None) if src_own else (Direction.INBOUND, facts.src)


def without_access_code(dialed: str, region: str) -> str:
    """A dialed number without the PBX's outside-line code (`9` or `0`) when only that makes it valid."""
    text = dialed.strip()
    if e164(text, region) is not None:
        return text
    for code in ACCESS_CODES:
        if text.startswith(code) and e164(text[len(code) :], region) is not None:
            return text[len(code) :]
    return text


def summary(direction: Direction, disposition: str, billsec: int | None) -> str:
    """`inbound call, answered, 3m12s`."""
    parts = [f"{direction.value} call"]
    if disposition:
        parts.append(DISPOSITION_TEXT.get(disposition.upper(), disposition.lower()))
    if billsec:
        parts.append(duration_text(billsec))
    return ", ".join(parts)


def call_items(source: str, facts: CallFacts, own: OwnSide, shared_names: frozenset[str]) -> list[SourceItem]:
    """The customer party record (if any) followed by the call interaction."""
    direction, number = sides(facts, own)
    attributes = {k: v for k, v in facts.attributes.items() if v}
    if facts.disposition:
        attributes["disposition"] = facts.disposition
    if facts.billsec is not None:
        attributes["billsec"] = str(facts.billsec)
    items: list[SourceItem] = []
    participants: tuple[Participation, ...] = ()
    if direction in (Direction.INBOUND, Direction.OUTBOUND) and number is not None:
        inbound = direction is Direction.INBOUND
        number_digits = digits(number)
        name = customer_name(facts.caller_name, number_digits, shared_names) if inbound else None
        claims: tuple[IdentifierClaim, ...] = ()
        field_name = "src" if direction is Direction.INBOUND else "dst"
        if inbound and digits(facts.dst):
            attributes["dnis"] = facts.dst.strip()  # the number the customer dialled: a campaign's own line
        if number_digits:
            dialed = without_access_code(number, own.region) if not inbound else number.strip()
            if dialed != number.strip():
                attributes["dialed"] = number.strip()
            claims = (IdentifierClaim(kind=IdentifierKind.PHONE, raw=dialed, field=field_name),)
        if claims or name:
            party = Record(
                source=source, source_id=facts.call_id, kind=RecordKind.CALL_PARTY, full_name=name, identifiers=claims
            )
            items.append(party)
            role = Role.CALLER if direction is Direction.INBOUND else Role.CALLEE
            participants = (Participation(record=party.ref, role=role),)
    items.append(
        Interaction(
            source=source,
            source_id=facts.call_id,
            channel=Channel.CALL,
            occurred_at=facts.started_at,
            direction=direction,
            summary=summary(direction, facts.disposition, facts.billsec),
            participants=participants,
            attributes=attributes,
        )
    )
    return items


def call_numbers(facts: CallFacts) -> Iterator[str]:
    """Both numbers of a call, for own-side inference."""
    for number in (facts.src, facts.dst):
        if digits(number):
            yield number
