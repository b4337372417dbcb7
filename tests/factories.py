"""Readable builders for records, interactions and small stores used across the tests."""

from __future__ import annotations

from datetime import UTC, datetime

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
    Strength,
)
from identity_graph.prepare import prepare_record
from identity_graph.store.protocol import PreparedRecord

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def record(
    source_id: str,
    first: str | None = None,
    last: str | None = None,
    *,
    source: str = "crm",
    kind: RecordKind = RecordKind.CONTACT,
    phone: str | None = None,
    email: str | None = None,
    handle: str | None = None,
    mentioned_phone: str | None = None,
    city: str | None = None,
    updated_at: datetime | None = None,
    full_name: str | None = None,
) -> Record:
    """A record with the usual identifiers as raw claims."""
    claims = []
    if phone:
        claims.append(IdentifierClaim(kind=IdentifierKind.PHONE, raw=phone, field="phone"))
    if email:
        claims.append(IdentifierClaim(kind=IdentifierKind.EMAIL, raw=email, field="email"))
    if handle:
        claims.append(IdentifierClaim(kind=IdentifierKind.HANDLE, raw=handle, field="handle"))
    if mentioned_phone:
        claims.append(
            IdentifierClaim(kind=IdentifierKind.PHONE, raw=mentioned_phone, field="body", strength=Strength.MENTIONED)
        )
    return Record(
        source=source,
        source_id=source_id,
        kind=kind,
        first_name=first,
        last_name=last,
        full_name=full_name,
        address=PostalAddress(city=city),
        identifiers=tuple(claims),
        updated_at=updated_at,
    )


def prepared(rec: Record) -> PreparedRecord:
    """A record with its claims normalized (US default region)."""
    return prepare_record(rec, "US")


def interaction(
    source_id: str,
    party: Record,
    *,
    channel: Channel = Channel.CALL,
    at: datetime = T0,
    role: Role = Role.CALLER,
    subject: str | None = None,
    source: str | None = None,
) -> Interaction:
    """An interaction in which one record took part."""
    return Interaction(
        source=source or party.source,
        source_id=source_id,
        channel=channel,
        occurred_at=at,
        direction=Direction.INBOUND,
        subject=subject,
        participants=(Participation(record=RecordRef(source=party.source, source_id=party.source_id), role=role),),
    )
