"""Pure converters between model objects and the parameter rows and results of the Neo4j store's Cypher.

Nothing here talks to a server: `UNWIND $rows` parameters are built from `PreparedRecord`, `Interaction` and
`MatchEdge` objects, and what the statements return is turned back into model objects. Times are stored as the
same ISO-8601 text the embedded store uses; interactions also carry `occurred_us` (UTC microseconds since the
epoch, naive times taken as UTC) so the timeline orders and filters by instant, not by text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from identity_graph.model import (
    Channel,
    ClaimedIdentifier,
    Direction,
    Evidence,
    Identifier,
    IdentifierKind,
    Interaction,
    Judgement,
    MatchEdge,
    MatchStatus,
    PostalAddress,
    RecordKind,
    Role,
    StoredInteraction,
    StoredRecord,
    Strength,
    TimelineItem,
    Verdict,
)
from identity_graph.store.protocol import PreparedRecord
from identity_graph.store.sqlite_base import to_json
from identity_graph.store.sqlite_ingest import _record_hash, content_hash

_WORD = re.compile(r"\w+", re.UNICODE)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Row = dict[str, Any]


def iso(value: datetime | date | None) -> str | None:
    """ISO-8601 text of a time or date (None stays None)."""
    return None if value is None else value.isoformat()


def parse_time(text: object) -> datetime | None:
    """A stored ISO time back as a datetime (None stays None)."""
    return None if text is None else datetime.fromisoformat(str(text))


def epoch_us(value: datetime) -> int:
    """Microseconds since the Unix epoch, UTC; a naive time is taken as UTC."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    delta = aware - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


# ---------------------------------------------------------------- records
def record_props(prepared: PreparedRecord) -> Row:
    """The node properties of a record (the same fields as the embedded store's `records` columns, plus `name`)."""
    r = prepared.record
    a = r.address
    return {
        "kind": r.kind.value,
        "first_name": r.first_name,
        "middle_name": r.middle_name,
        "last_name": r.last_name,
        "full_name": r.full_name,
        "dob": iso(r.dob),
        "street": a.street,
        "city": a.city,
        "state": a.state,
        "postal_code": a.postal_code,
        "country": a.country,
        "address_full": a.full,
        "company": r.company,
        "attributes": to_json(r.attributes),
        "created_at": iso(r.created_at),
        "updated_at": iso(r.updated_at),
        "name": r.display_name() or None,
    }


def record_row(prepared: PreparedRecord, new_id: int | None = None) -> Row:
    """An `UNWIND` row that creates (with `new_id`) or updates one record."""
    return {
        "id": new_id,
        "source": prepared.record.source,
        "source_id": prepared.record.source_id,
        "props": record_props(prepared),
        "content_hash": _record_hash(prepared),
    }


def claim_rows(prepared: PreparedRecord) -> list[Row]:
    """One `UNWIND` row per normalized identifier of a record (its HAS links)."""
    return [
        {
            "source": prepared.record.source,
            "source_id": prepared.record.source_id,
            "kind": c.identifier.kind.value,
            "value": c.identifier.value,
            "field": c.field,
            "strength": c.strength.value,
            "raw": c.raw,
        }
        for c in prepared.identifiers
    ]


def claims_from_rows(rows: Sequence[Mapping[str, Any] | None]) -> tuple[ClaimedIdentifier, ...]:
    """Claims read back from HAS links, ordered like the embedded store's (field, kind, value)."""
    claims = [
        ClaimedIdentifier(
            identifier=Identifier(kind=IdentifierKind(c["kind"]), value=c["value"]),
            field=c["field"],
            strength=Strength(c["strength"]),
            raw=c["raw"],
        )
        for c in rows
        if c is not None and c.get("field") is not None
    ]
    return tuple(sorted(claims, key=lambda c: (c.field, c.identifier.kind.value, c.identifier.value)))


def record_from_props(props: Mapping[str, Any], claims: Sequence[Mapping[str, Any] | None]) -> StoredRecord:
    """A StoredRecord from a Record node's properties and its HAS links."""
    return StoredRecord.model_construct(
        id=int(props["id"]),
        source=props["source"],
        source_id=props["source_id"],
        kind=RecordKind(props["kind"]),
        first_name=props.get("first_name"),
        middle_name=props.get("middle_name"),
        last_name=props.get("last_name"),
        full_name=props.get("full_name"),
        dob=date.fromisoformat(props["dob"]) if props.get("dob") else None,
        address=PostalAddress(
            street=props.get("street"),
            city=props.get("city"),
            state=props.get("state"),
            postal_code=props.get("postal_code"),
            country=props.get("country"),
            full=props.get("address_full"),
        ),
        company=props.get("company"),
        identifiers=(),
        attributes=json.loads(props.get("attributes") or "{}"),
        created_at=parse_time(props.get("created_at")),
        updated_at=parse_time(props.get("updated_at")),
        claimed=claims_from_rows(claims),
        version=int(props.get("version", 1)),
    )


def record_version_data(stored: StoredRecord) -> str:
    """The JSON a record's previous version keeps (the same keys as the embedded store's `item_versions.data`)."""
    a = stored.address
    return to_json(
        {
            "kind": stored.kind.value,
            "first_name": stored.first_name,
            "middle_name": stored.middle_name,
            "last_name": stored.last_name,
            "full_name": stored.full_name,
            "dob": iso(stored.dob),
            "street": a.street,
            "city": a.city,
            "state": a.state,
            "postal_code": a.postal_code,
            "country": a.country,
            "address_full": a.full,
            "company": stored.company,
            "attributes": stored.attributes,
            "created_at": iso(stored.created_at),
            "updated_at": iso(stored.updated_at),
            "identifiers": [
                {
                    "kind": c.identifier.kind.value,
                    "value": c.identifier.value,
                    "field": c.field,
                    "strength": c.strength.value,
                    "raw": c.raw,
                }
                for c in stored.claimed
            ],
        }
    )


# ---------------------------------------------------------------- interactions
def interaction_hash(interaction: Interaction) -> str:
    """The content hash of an interaction (the embedded store's)."""
    return content_hash(interaction.model_dump(mode="json"))


def interaction_props(interaction: Interaction) -> Row:
    """The node properties of an interaction."""
    return {
        "channel": interaction.channel.value,
        "occurred_at": interaction.occurred_at.isoformat(),
        "occurred_us": epoch_us(interaction.occurred_at),
        "direction": interaction.direction.value,
        "subject": interaction.subject,
        "summary": interaction.summary,
        "thread_key": interaction.thread_key,
        "attributes": to_json(interaction.attributes),
    }


def interaction_row(interaction: Interaction, new_id: int | None = None) -> Row:
    """An `UNWIND` row that creates (with `new_id`) or updates one interaction."""
    return {
        "id": new_id,
        "source": interaction.source,
        "source_id": interaction.source_id,
        "props": interaction_props(interaction),
        "content_hash": interaction_hash(interaction),
    }


def participant_rows(interaction: Interaction) -> list[Row]:
    """One `UNWIND` row per participation (a TOOK_PART link)."""
    return [
        {
            "source": interaction.source,
            "source_id": interaction.source_id,
            "record_source": p.record.source,
            "record_source_id": p.record.source_id,
            "role": p.role.value,
        }
        for p in interaction.participants
    ]


def interaction_version_data(props: Mapping[str, Any]) -> str:
    """The JSON an interaction's previous version keeps (the embedded store's keys)."""
    keys = ("channel", "occurred_at", "direction", "subject", "summary", "thread_key")
    data: dict[str, Any] = {k: props.get(k) for k in keys}
    data["attributes"] = json.loads(props.get("attributes") or "{}")
    return to_json(data)


def interaction_from_props(props: Mapping[str, Any]) -> StoredInteraction:
    """A StoredInteraction from an Interaction node's properties (participants are not filled in)."""
    return StoredInteraction(
        id=int(props["id"]),
        source=props["source"],
        source_id=props["source_id"],
        channel=Channel(props["channel"]),
        occurred_at=datetime.fromisoformat(props["occurred_at"]),
        direction=Direction(props["direction"]),
        subject=props.get("subject"),
        summary=props.get("summary"),
        thread_key=props.get("thread_key"),
        attributes=json.loads(props.get("attributes") or "{}"),
    )


def timeline_item(row: Mapping[str, Any]) -> TimelineItem:
    """One timeline entry from a TIMELINE_PAGE row."""
    return TimelineItem(
        interaction_id=int(row["id"]),
        source=row["source"],
        source_id=row["source_id"],
        channel=Channel(row["channel"]),
        occurred_at=datetime.fromisoformat(row["occurred_at"]),
        direction=Direction(row["direction"]),
        subject=row.get("subject"),
        summary=row.get("summary"),
        role=Role(row["role"]),
        record_id=int(row["record_id"]),
        why="",
    )


def export_person(parties: Sequence[Sequence[Any]]) -> int | None:
    """The person an interaction exports under: that of its first customer party (mentions last, then by record id)."""
    with_person = [(role == Role.MENTIONED.value, int(rid), int(pid)) for role, rid, pid in parties if pid is not None]
    return min(with_person)[2] if with_person else None


# ---------------------------------------------------------------- edges and judgements
def edge_row(edge: MatchEdge) -> Row:
    """An `UNWIND` row for one MATCH edge; evidence travels as a JSON string."""
    return {
        "left": edge.left,
        "right": edge.right,
        "score": edge.score,
        "weight": edge.weight,
        "status": edge.status.value,
        "evidence": to_json([ev.model_dump() for ev in edge.evidence]),
        "explanation": edge.explanation,
    }


def edge_from_row(row: Mapping[str, Any]) -> MatchEdge:
    """A MatchEdge from an EDGES_* result row."""
    return MatchEdge(
        left=int(row["left"]),
        right=int(row["right"]),
        score=float(row["score"]),
        weight=float(row["weight"]),
        status=MatchStatus(row["status"]),
        evidence=tuple(Evidence(**e) for e in json.loads(row["evidence"] or "[]")),
        explanation=row.get("explanation") or "",
    )


def judgement_from_row(row: Mapping[str, Any]) -> Judgement:
    """A Judgement from a JUDGEMENT* result row."""
    return Judgement(
        id=int(row["id"]),
        left=int(row["left"]),
        right=int(row["right"]),
        verdict=Verdict(row["verdict"]),
        by=row["judged_by"],
        at=datetime.fromisoformat(row["at"]),
        reason=row.get("reason"),
        superseded_at=parse_time(row.get("superseded_at")),
    )


# ---------------------------------------------------------------- name search
def fold(text: str) -> str:
    """Lower-case and strip accents (what SQLite's `remove_diacritics` tokenizer does to indexed names)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_words(name: str | None) -> list[str]:
    """The distinct folded words of a name, in order: what a record's `NAMED` links point at."""
    return list(dict.fromkeys(_WORD.findall(fold(name or ""))))


def name_word_rows(source: str, source_id: str, name: str | None) -> list[Row]:
    """`LINK_NAME_WORDS` rows for one record: its natural key and each word of its name."""
    return [{"source": source, "source_id": source_id, "word": w} for w in name_words(name)]


def name_query(text: str) -> tuple[list[str], str] | None:
    """The words a name search requires exactly and the prefix its last word gives (None when there are no words).

    The folded words of `text` only: no syntax from the input reaches a query (they are parameters)."""
    words = _WORD.findall(fold(text))
    if not words:
        return None
    return list(dict.fromkeys(words[:-1])), words[-1]
