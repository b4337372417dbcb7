"""`POST /api/v1/ingest/...`: the real-time path for one record or interaction (admin)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from identity_graph.model import Interaction, Record
from identity_graph.prepare import PrepareReport, prepare_record
from identity_graph.service import audit
from identity_graph.service.deps import IngestCaller, SettingsDep, StoreDep
from identity_graph.service.realtime import resolve_new

router = APIRouter(prefix="/ingest", tags=["ingest"])

#: Most items one ingest request may carry (bigger loads go through `idgraph ingest`).
MAX_ITEMS = 1000


class RecordsIn(BaseModel):
    """Records to add or update, validated by the model."""

    records: list[Record] = Field(min_length=1, max_length=MAX_ITEMS)


class InteractionsIn(BaseModel):
    """Interactions to add or update; the records they name must be loaded already."""

    interactions: list[Interaction] = Field(min_length=1, max_length=MAX_ITEMS)


class IngestOut(BaseModel):
    """What the request changed, and where each record now belongs."""

    loaded: int
    updated: int
    unchanged: int
    erased_skipped: int
    unusable_identifiers: dict[str, int]
    persons: dict[str, int | None] = Field(description="`source:source_id` -> person id after resolving")


@router.post("/records", response_model=IngestOut, summary="Add or update records and resolve them now")
def post_records(body: RecordsIn, caller: IngestCaller, store: StoreDep, settings: SettingsDep) -> IngestOut:
    """Normalize, store (idempotent by source and source id) and resolve against the whole store."""
    report = PrepareReport()
    prepared = [prepare_record(r, settings.matching.default_region, report) for r in body.records]
    stats = store.upsert_batch(prepared, respect_tombstones=settings.privacy.tombstones)
    found = [store.find_record(r.source, r.source_id) for r in body.records]
    ids = [r.id for r in found if r is not None]
    resolve_new(store, settings, ids)
    owners = store.assignments(ids)
    persons = {f"{r.source}:{r.source_id}": owners.get(r.id) for r in found if r is not None}
    audit.record(store, caller, "ingest.records", "", audit.ids_detail(records=ids))
    return IngestOut(
        loaded=stats.loaded,
        updated=stats.updated,
        unchanged=stats.unchanged,
        erased_skipped=stats.erased_skipped,
        unusable_identifiers=report.unusable,
        persons=persons,
    )


@router.post("/interactions", response_model=IngestOut, summary="Add or update interactions")
def post_interactions(body: InteractionsIn, caller: IngestCaller, store: StoreDep, settings: SettingsDep) -> IngestOut:
    """Store interactions; they join the timelines of the persons their records belong to at once."""
    stats = store.upsert_batch([], body.interactions, respect_tombstones=settings.privacy.tombstones)
    audit.record(store, caller, "ingest.interactions", "", f"items={len(body.interactions)}")
    return IngestOut(
        loaded=stats.loaded,
        updated=stats.updated,
        unchanged=stats.unchanged,
        erased_skipped=stats.erased_skipped,
        unusable_identifiers={},
        persons={},
    )
