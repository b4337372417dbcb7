"""Fixtures for the steward tests: a real SQLite store in tmp_path and a small record factory."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from identity_graph.model import (
    Channel,
    Direction,
    Evidence,
    IdentifierClaim,
    IdentifierKind,
    Interaction,
    MatchEdge,
    MatchStatus,
    Participation,
    Record,
    RecordKind,
    RecordRef,
    Role,
)
from identity_graph.persons import apply_clustering
from identity_graph.prepare import prepare_record
from identity_graph.store import SQLiteStore, open_store


def contact(
    source_id: str,
    first: str,
    last: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    dob: date | None = None,
    source: str = "crm",
) -> Record:
    """A CRM contact with optional email and phone."""
    claims = []
    if email:
        claims.append(IdentifierClaim(kind=IdentifierKind.EMAIL, raw=email, field="Email"))
    if phone:
        claims.append(IdentifierClaim(kind=IdentifierKind.PHONE, raw=phone, field="Phone"))
    return Record(
        source=source,
        source_id=source_id,
        kind=RecordKind.CONTACT,
        first_name=first,
        last_name=last,
        dob=dob,
        identifiers=tuple(claims),
    )


def call(source_id: str, record: Record, when: datetime) -> Interaction:
    """An inbound call in which `record` was the caller."""
    return Interaction(
        source="pbx",
        source_id=source_id,
        channel=Channel.CALL,
        occurred_at=when,
        direction=Direction.INBOUND,
        participants=(
            Participation(record=RecordRef(source=record.source, source_id=record.source_id), role=Role.CALLER),
        ),
    )


def load(store: SQLiteStore, records: Sequence[Record], interactions: Sequence[Interaction] = ()) -> list[int]:
    """Store records (and interactions); return the records' ids in order."""
    store.upsert_batch([prepare_record(r, "US") for r in records], interactions)
    found = [store.find_record(r.source, r.source_id) for r in records]
    return [f.id for f in found if f is not None]


def edge(left: int, right: int, status: MatchStatus, score: float = 0.8) -> MatchEdge:
    """A match edge with one piece of evidence."""
    a, b = sorted((left, right))
    return MatchEdge(
        left=a,
        right=b,
        score=score,
        weight=3.5,
        status=status,
        evidence=(Evidence(comparison="email", level="exact", weight=6.0, detail="email matches"),),
        explanation="email matches",
    )


def cluster(store: SQLiteStore, clusters: Sequence[Sequence[int]], cause: str = "test") -> None:
    """Assign persons to a closed set of clusters."""
    apply_clustering(store, [list(c) for c in clusters], cause)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A fresh embedded store."""
    s = open_store(tmp_path / "steward.db")
    yield s
    s.close()


#: "Now" for interactions in tests: one to two hours past the wall clock at import, so it stays later than any
#: record a test loads (a fixed date here had turned into the past on the day it was written).
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
