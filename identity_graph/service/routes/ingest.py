"""`POST /api/v1/ingest/...`: the real-time path for records and interactions (admin).

Each item goes through the stewardship layer's real-time resolution (the service holds no matching logic):
stored idempotently by source and source id, then attached, merged or proposed for review at once.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from identity_graph.model import Interaction, Record
from identity_graph.service import audit
from identity_graph.service.deps import IngestCaller, SettingsDep, StoreDep
from identity_graph.steward.realtime import add_interaction, add_record

router = APIRouter(prefix="/ingest", tags=["ingest"])

#: Most items one ingest request may carry (bigger loads go through `idgraph ingest`).
MAX_ITEMS = 100


class RecordsIn(BaseModel):
    """Records to add or update, validated by the model."""

    records: list[Record] = Field(min_length=1, max_length=MAX_ITEMS)


class InteractionsIn(BaseModel):
    """Interactions to add or update; the records they name must be loaded already."""

    interactions: list[Interaction] = Field(min_length=1, max_length=MAX_ITEMS)


class RecordOutcome(BaseModel):
    """Where one record landed."""

    source: str
    source_id: str
    record_id: int
    person_id: int | None
    action: str = Field(description="created, attached, merged or unchanged")
    proposals: int = Field(description="review-band links proposed to a steward")
    unusable_identifiers: dict[str, int]


class InteractionOutcomeOut(BaseModel):
    """Where one interaction landed: the person of each participating record."""

    source: str
    source_id: str
    loaded: bool
    persons: dict[int, int | None]


@router.post("/records", response_model=list[RecordOutcome], summary="Add or update records and resolve them now")
def post_records(body: RecordsIn, caller: IngestCaller, store: StoreDep, settings: SettingsDep) -> list[RecordOutcome]:
    """Normalize, store and resolve each record against the whole store."""
    out = []
    for record in body.records:
        done = add_record(store, record, settings, cause=f"api:{caller.actor}")
        out.append(
            RecordOutcome(
                source=record.source,
                source_id=record.source_id,
                record_id=done.record_id,
                person_id=done.person_id,
                action=done.action,
                proposals=len(done.proposals),
                unusable_identifiers=done.unusable_identifiers,
            )
        )
    audit.record(store, caller, "ingest.records", "", audit.ids_detail(records=[o.record_id for o in out]))
    return out


@router.post("/interactions", response_model=list[InteractionOutcomeOut], summary="Add or update interactions")
def post_interactions(
    body: InteractionsIn, caller: IngestCaller, store: StoreDep, settings: SettingsDep
) -> list[InteractionOutcomeOut]:
    """Store interactions; they join the timelines of their records' persons at once."""
    out = []
    for interaction in body.interactions:
        done = add_interaction(store, interaction, settings)
        out.append(
            InteractionOutcomeOut(
                source=interaction.source,
                source_id=interaction.source_id,
                loaded=bool(done.stats.interactions_loaded),
                persons=done.persons,
            )
        )
    audit.record(store, caller, "ingest.interactions", "", f"items={len(out)}")
    return out
