"""`POST /api/v1/ingest/...`: the real-time path for records and interactions (admin).

Each item goes through the stewardship layer's real-time resolution (the service holds no matching logic):
stored idempotently by source and source id, then attached, merged or proposed for review at once.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator

from identity_graph.errors import InputError
from identity_graph.limits import (
    MAX_ATTRIBUTE_KEY_CHARS,
    MAX_ATTRIBUTES,
    MAX_IDENTIFIERS,
    MAX_KEY_CHARS,
    MAX_PARTICIPANTS,
    MAX_TIME_YEAR,
    MIN_TIME_YEAR,
    time_in_range,
)
from identity_graph.model import Interaction, Record
from identity_graph.service import audit
from identity_graph.service.contract import COMMON_ERRORS, RequestBody
from identity_graph.service.deps import IngestCaller, SettingsDep, StoreDep
from identity_graph.steward.realtime import add_interaction, add_record

router = APIRouter(prefix="/ingest", tags=["ingest"], responses=COMMON_ERRORS)

#: Most items one ingest request may carry (bigger loads go through `idgraph ingest`).
MAX_ITEMS = 100


def _check_keys(what: str, keys: dict[str, str | None], attributes: dict[str, str]) -> None:
    """Refuse (ValueError, a 422) keys that cutting would change, and too many or too long attribute names."""
    for name, value in keys.items():
        if value is not None and len(value) > MAX_KEY_CHARS:
            raise ValueError(f"{what}: {name} longer than {MAX_KEY_CHARS:,} characters")
    if len(attributes) > MAX_ATTRIBUTES:
        raise ValueError(f"{what}: more than {MAX_ATTRIBUTES} attributes")
    if any(len(k) > MAX_ATTRIBUTE_KEY_CHARS for k in attributes):
        raise ValueError(f"{what}: an attribute name longer than {MAX_ATTRIBUTE_KEY_CHARS} characters")


class RecordsIn(RequestBody):
    """Records to add or update, validated by the model and held to the input policy: long text is cut with a
    counted note (`notes` of the outcome), a date of birth out of range is left out with a note."""

    records: list[Record] = Field(min_length=1, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _keys_in_bounds(self) -> RecordsIn:
        for i, record in enumerate(self.records):
            what = f"records[{i}]"
            _check_keys(what, {"source": record.source, "source_id": record.source_id}, record.attributes)
            if len(record.identifiers) > MAX_IDENTIFIERS:
                raise ValueError(f"{what}: more than {MAX_IDENTIFIERS} identifiers")
            for claim in record.identifiers:
                _check_keys(what, {"identifier": claim.raw, "identifier field": claim.field}, {})
        return self


class InteractionsIn(RequestBody):
    """Interactions to add or update; the records they name must be loaded already. Long text is cut with a
    counted note; a time outside the years an interaction may carry is refused."""

    interactions: list[Interaction] = Field(min_length=1, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _keys_in_bounds(self) -> InteractionsIn:
        for i, item in enumerate(self.interactions):
            what = f"interactions[{i}]"
            keys = {"source": item.source, "source_id": item.source_id, "thread_key": item.thread_key}
            _check_keys(what, keys, item.attributes)
            if not time_in_range(item.occurred_at):
                raise ValueError(f"{what}: occurred_at outside {MIN_TIME_YEAR}..{MAX_TIME_YEAR}")
            if len(item.participants) > MAX_PARTICIPANTS:
                raise ValueError(f"{what}: more than {MAX_PARTICIPANTS} participants")
            for p in item.participants:
                _check_keys(what, {"participant source": p.record.source, "participant": p.record.source_id}, {})
        return self


class RecordOutcome(BaseModel):
    """Where one record landed."""

    source: str
    source_id: str
    record_id: int
    person_id: int | None
    action: str = Field(description="created, attached, merged or unchanged")
    proposals: int = Field(description="review-band links proposed to a steward")
    unusable_identifiers: dict[str, int]
    notes: dict[str, int] = Field(description="input-policy notes, counted: a field cut to its limit, a date left out")


class InteractionOutcomeOut(BaseModel):
    """Where one interaction landed: the person of each participating record."""

    source: str
    source_id: str
    loaded: bool
    persons: dict[int, int | None]
    notes: dict[str, int] = Field(description="input-policy notes, counted: a field cut to its limit")


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
                notes=done.notes,
            )
        )
    audit.record(store, caller, "ingest.records", "", audit.ids_detail(records=[o.record_id for o in out]))
    return out


@router.post("/interactions", response_model=list[InteractionOutcomeOut], summary="Add or update interactions")
def post_interactions(
    body: InteractionsIn, caller: IngestCaller, store: StoreDep, settings: SettingsDep
) -> list[InteractionOutcomeOut]:
    """Store interactions; they join the timelines of their records' persons at once."""
    for interaction in body.interactions:  # all checked first: a request is stored whole or refused (422)
        for p in interaction.participants:
            if store.find_record(p.record.source, p.record.source_id) is None:
                raise InputError(f"interaction {interaction.source_id!r} names a record that is not loaded")
    out = []
    for interaction in body.interactions:
        done = add_interaction(store, interaction, settings)
        out.append(
            InteractionOutcomeOut(
                source=interaction.source,
                source_id=interaction.source_id,
                loaded=bool(done.stats.interactions_loaded),
                persons=done.persons,
                notes=done.notes,
            )
        )
    audit.record(store, caller, "ingest.interactions", "", f"items={len(out)}")
    return out
