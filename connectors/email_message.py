"""One email message -> its customer party records and one EMAIL interaction.

Message-ID (without angle brackets) is the interaction's source id; each customer address on the message is an
EMAIL_PARTY record keyed `<message id>/<address>`. Our own domains and addresses are never customers. For mail
from a customer, identifiers written in the body (quoted replies cut off) become `mentioned` claims of the
sender's party record.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from connectors.evidence import body_claims, greeted_name, signed_name
from connectors.ownside import OwnSide
from connectors.textio import fallback_decode
from identity_graph.model import (
    BODY_NAME,
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

#: Header -> role of the addresses in it, in the order parties are listed.
ADDRESS_HEADERS = (("From", Role.SENDER), ("To", Role.RECIPIENT), ("Cc", Role.CC), ("Reply-To", Role.REPLY_TO))
#: Body text examined for evidence and snippets (the rest of a long message is not needed).
MAX_BODY_CHARS = 50_000
#: Lines that start the quoted part of a reply; everything from there on is someone else's text.
_QUOTE_START = re.compile(
    r"^(On .{0,200} wrote:|-{2,}\s*Original Message\s*-{2,}|From: .+|_{10,})\s*$", re.IGNORECASE | re.MULTILINE
)
_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACE = re.compile(r"\s+")

_parser = BytesParser()
_header_parser = BytesHeaderParser()


def header_text(value: object) -> str:
    """A header value with RFC 2047 encoded words decoded (raw text when they cannot be)."""
    if value is None:
        return ""
    text = str(value)
    try:
        return str(make_header(decode_header(text)))
    except (LookupError, UnicodeError, ValueError, TypeError):
        return text


def addresses(msg: Message, header: str, dropped: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """(display name, lower-cased address) pairs of one header; entries without `@` left out. Only the first
    `From:` header is read (a message has one); a second one is told in `dropped`."""
    values = [str(v) for v in msg.get_all(header, [])]
    if header == "From" and len(values) > 1:
        values = values[:1]
        if dropped is not None:
            dropped.append(("From", "a second From: header (the first is kept)"))
    out = []
    for name, addr in getaddresses(values):
        address = addr.strip().lower()
        if "@" in address and " " not in address:
            out.append((header_text(name).strip().strip('"').strip(), address))
    return out


def message_id(msg: Message) -> str | None:
    """The Message-ID without angle brackets and spaces, or None."""
    raw = msg.get("Message-ID") or msg.get("Message-Id")
    value = str(raw).strip().strip("<>").strip() if raw is not None else ""
    return value or None


def _ids(value: object) -> list[str]:
    """Message ids in a References or In-Reply-To header."""
    return [m.strip() for m in re.findall(r"<([^<>]+)>", str(value or "")) if m.strip()]


def thread_key(msg: Message, own_id: str) -> str:
    """The thread's root: the first of References, else In-Reply-To, else the message itself."""
    refs = _ids(msg.get("References")) or _ids(msg.get("In-Reply-To"))
    return refs[0] if refs else own_id


def message_date(msg: Message, envelope: datetime | None) -> datetime:
    """The Date header in UTC (the mbox envelope date when there is none); raises ValueError."""
    raw = msg.get("Date")
    if raw is None:
        if envelope is None:
            raise ValueError("message has no Date")
        return envelope
    try:
        parsed = parsedate_to_datetime(str(raw))
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError("unparseable Date header") from exc
    if parsed is None:
        raise ValueError("unparseable Date header")
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _part_text(part: Message) -> str:
    """A text part's payload decoded with its charset (cp1252 when that fails)."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    payload = payload[: MAX_BODY_CHARS * 4]
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return fallback_decode(payload)


def body_text(msg: Message) -> str:
    """The message's own words: plain text (or tag-stripped HTML), quoted reply removed."""
    plain = html = ""
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain" and not plain:
            plain = _part_text(part)
        elif ctype == "text/html" and not html:
            html = _TAG.sub(" ", _part_text(part))
    text = (plain or html)[:MAX_BODY_CHARS]
    cut = _QUOTE_START.search(text)
    if cut:
        text = text[: cut.start()]
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def snippet(text: str, limit: int) -> str | None:
    """The first `limit` characters of a text, whitespace collapsed."""
    flat = _SPACE.sub(" ", text).strip()
    if not flat or limit <= 0:
        return None
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def direction_of(parties: list[tuple[str, str, Role]], own: OwnSide) -> Direction:
    """Inbound when a customer sent it, outbound when we did and a customer received it, else internal."""
    senders = [a for _, a, r in parties if r is Role.SENDER]
    customers = [a for _, a, _ in parties if not own.is_own_email(a)]
    if senders and all(own.is_own_email(a) for a in senders):
        return Direction.OUTBOUND if customers else Direction.INTERNAL
    if not customers:
        return Direction.INTERNAL
    return Direction.INBOUND


def header_addresses(data: bytes) -> list[str]:
    """Every address in From, To, Cc and Reply-To (headers only, for own-side inference)."""
    msg = _header_parser.parsebytes(data)
    return [a for header, _ in ADDRESS_HEADERS for _, a in addresses(msg, header)]


def message_items(
    source: str,
    data: bytes,
    own: OwnSide,
    snippet_chars: int,
    envelope: datetime | None = None,
    dropped: list[tuple[str, str]] | None = None,
) -> list[SourceItem]:
    """Party records then the interaction; raises ValueError for a message without Message-ID or date. Headers
    ignored (a second From:) are told in `dropped` as (field, reason)."""
    msg = _parser.parsebytes(data)
    mid = message_id(msg)
    if mid is None:
        raise ValueError("message has no Message-ID")
    occurred = message_date(msg, envelope)
    parties = [(name, addr, role) for header, role in ADDRESS_HEADERS for name, addr in addresses(msg, header, dropped)]
    direction = direction_of(parties, own)
    text = body_text(msg)
    everyone = frozenset(a for _, a, _ in parties)
    records: dict[str, Record] = {}
    participants: list[Participation] = []
    named = _body_names(parties, direction, text, own)
    for name, addr, role in parties:
        if own.is_own_email(addr):
            continue
        if addr not in records:
            claims = [IdentifierClaim(kind=IdentifierKind.EMAIL, raw=addr, field=_field(role))]
            if role is Role.SENDER and direction is Direction.INBOUND:
                claims.extend(body_claims(text, own, skip=everyone))
            records[addr] = Record(
                source=source,
                source_id=f"{mid}/{addr}",
                kind=RecordKind.EMAIL_PARTY,
                full_name=name or None,
                identifiers=tuple(claims),
                attributes={BODY_NAME: named[addr]} if addr in named else {},
            )
        elif name and not records[addr].full_name:
            records[addr] = records[addr].model_copy(update={"full_name": name})
        part = Participation(record=records[addr].ref, role=role)
        if part not in participants:
            participants.append(part)
    attachments = sum(1 for p in msg.walk() if p.get_content_disposition() == "attachment")
    attributes = {"attachments": str(attachments)} if attachments else {}
    interaction = Interaction(
        source=source,
        source_id=mid,
        channel=Channel.EMAIL,
        occurred_at=occurred,
        direction=direction,
        subject=header_text(msg.get("Subject")).strip() or None,
        summary=snippet(text, snippet_chars),
        thread_key=thread_key(msg, mid),
        participants=tuple(participants),
        attributes=attributes,
    )
    return [*records.values(), interaction]


def _body_names(parties: list[tuple[str, str, Role]], direction: Direction, text: str, own: OwnSide) -> dict[str, str]:
    """The names the text gives customer parties: an inbound message's signature names its sender, an outbound
    one's greeting names its recipient when it has only one."""
    if direction is Direction.INBOUND:
        senders = [a for _, a, r in parties if r is Role.SENDER and not own.is_own_email(a)]
        signed = signed_name(text)
        return {senders[0]: signed} if len(senders) == 1 and signed else {}
    if direction is Direction.OUTBOUND:
        recipients = {a for _, a, r in parties if r is Role.RECIPIENT and not own.is_own_email(a)}
        greeted = greeted_name(text)
        return {recipients.pop(): greeted} if len(recipients) == 1 and greeted else {}
    return {}


def _field(role: Role) -> str:
    """The header a role comes from."""
    return {Role.SENDER: "From", Role.RECIPIENT: "To", Role.CC: "Cc", Role.REPLY_TO: "Reply-To"}[role]
