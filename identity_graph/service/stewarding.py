"""The steward actions the API and the web pages share: view a pair, decide, undo (each audited, each at once)."""

from __future__ import annotations

from pydantic import BaseModel

from identity_graph.errors import NotFound
from identity_graph.masking import mask_pair_view
from identity_graph.model import Judgement, StoredRecord, Verdict
from identity_graph.service import audit
from identity_graph.service.auth import Caller
from identity_graph.settings import Settings
from identity_graph.steward.compare import FieldRow, field_rows
from identity_graph.steward.decisions import pair_history, record_judgement, steward_cause
from identity_graph.steward.effect import take_effect
from identity_graph.steward.queue import ReviewItem, item_for_pair
from identity_graph.store.protocol import GraphStore


class PairView(BaseModel):
    """One pair for review: the ranked item, both records, and their fields side by side."""

    item: ReviewItem
    left: StoredRecord
    right: StoredRecord
    fields: list[FieldRow]
    history: list[Judgement]


def steward_name(caller: Caller) -> str:
    """The name a decision is stored under: the token's name and id (staff, never a customer)."""
    return f"{caller.name}#{caller.token_id}"


def pair_target(left: int, right: int) -> str:
    """The audit target naming a pair of records."""
    return f"records:{min(left, right)},{max(left, right)}"


def pair_view(store: GraphStore, settings: Settings, caller: Caller, left: int, right: int) -> PairView:
    """Everything a steward needs to decide one pair (the read is audited)."""
    item = item_for_pair(store, settings.steward, left, right)
    records = {r.id: r for r in store.get_records([item.left, item.right])}
    if item.left not in records or item.right not in records:
        raise NotFound(f"no records {left} and {right}")
    a, b = records[item.left], records[item.right]
    audit.record(store, caller, "pair.read", pair_target(a.id, b.id))
    view = PairView(
        item=item, left=a, right=b, fields=field_rows(a, b), history=pair_history(store, item.left, item.right)
    )
    return mask_pair_view(view, caller)


def decide(
    store: GraphStore,
    settings: Settings,
    caller: Caller,
    left: int,
    right: int,
    verdict: Verdict,
    reason: str | None = None,
) -> Judgement:
    """Store a decision and make it take effect now (re-resolving the two records under every judgement)."""
    by = steward_name(caller)
    j = record_judgement(store, left, right, verdict, by, reason=reason or None)
    take_effect(store, [j.left, j.right], settings, steward_cause(by))
    audit.record(store, caller, "decision", pair_target(j.left, j.right), f"verdict={j.verdict.value} id={j.id}")
    return j


def undo(store: GraphStore, settings: Settings, caller: Caller, judgement_id: int) -> Judgement:
    """Withdraw a decision (kept, marked superseded), re-resolve its pair, and send it back to the queue."""
    j = store.withdraw_judgement(judgement_id)
    take_effect(store, [j.left, j.right], settings, steward_cause(steward_name(caller)))
    audit.record(store, caller, "decision.undo", pair_target(j.left, j.right), f"id={judgement_id}")
    return j
