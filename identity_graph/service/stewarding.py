"""The steward actions the API and the web pages share: view a pair as two persons, preview a decision or a split,
decide, split, undo (each audited, each at once)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from identity_graph.errors import ConflictError, NotFound
from identity_graph.masking import mask_key, mask_pair_view, sees_whole
from identity_graph.model import Judgement, StoredRecord, Verdict
from identity_graph.service import audit
from identity_graph.service.auth import Caller
from identity_graph.settings import Settings
from identity_graph.steward.actions import (
    UNDO_AUDIT_ACTIONS,
    action_for,
    check_undoable,
    decide_pair,
    preview_undo,
    split_action,
    undo_action,
)
from identity_graph.steward.compare import FieldRow, field_rows
from identity_graph.steward.decisions import pair_history, steward_cause
from identity_graph.steward.effect import ScopeTooLarge, take_effect
from identity_graph.steward.persons_view import PairEvidence, PersonSide, pair_evidence, person_side
from identity_graph.steward.preview import Effect, preview_decision, preview_split
from identity_graph.steward.queue import ReviewItem, item_for_pair
from identity_graph.steward.queue_page import with_names
from identity_graph.steward.split import SplitResult, complete_groups
from identity_graph.store.protocol import GraphStore
from identity_graph.store.steward_types import StewardAction

#: The verdicts whose effect the pair's page previews (an `unsure` changes no person).
PREVIEWED = (Verdict.SAME, Verdict.DIFFERENT)


class Move(BaseModel):
    """One record changing person (a person id below zero is a new person, numbered when saved)."""

    record_id: int
    from_person: int | None
    to_person: int


class Preview(BaseModel):
    """What an action will do (or did), in sentences and as moves; `also` lists what goes beyond the pair."""

    action: str  # "same", "different", "unsure", "split", "undo"
    changed: bool
    sentences: list[str]
    also: list[str]
    moves: list[Move]


class PairView(BaseModel):
    """One pair for review: the ranked item, both records and both persons, evidence, previews and history."""

    item: ReviewItem
    left: StoredRecord
    right: StoredRecord
    fields: list[FieldRow]
    history: list[Judgement]
    persons: list[PersonSide] = []
    evidence: PairEvidence | None = None
    previews: dict[str, Preview] = {}
    undone: list[int] = []  # ids of earlier decisions whose action was undone
    preview_note: str = ""  # why there are no previews (the persons' linked scope is too large to preview)


class DecisionOut(Judgement):
    """A saved decision (the judgement's fields), the action that undoes it, and what it did."""

    action_id: int
    effect: Preview


class UndoOut(BaseModel):
    """An undone action and what moved back."""

    action_id: int
    kind: str
    withdrawn: list[int]
    reinstated: list[int]
    effect: Preview


def steward_name(caller: Caller) -> str:
    """The name a decision is stored under: the token's name and id (staff, never a customer)."""
    return f"{caller.name}#{caller.token_id}"


def pair_target(left: int, right: int) -> str:
    """The audit target naming a pair of records."""
    return f"records:{min(left, right)},{max(left, right)}"


def to_preview(effect: Effect, action: str, records: Sequence[int] = (), persons: Sequence[int] = ()) -> Preview:
    """An Effect as the API and the pages show it."""
    return Preview(
        action=action,
        changed=effect.changed,
        sentences=effect.lines(),
        also=effect.also(records, persons),
        moves=[Move(record_id=r, from_person=effect.before.get(r), to_person=effect.after[r]) for r in effect.moved],
    )


def _masked_side(side: PersonSide, caller: Caller) -> PersonSide:
    """A person side with official identifiers masked for callers who do not see them whole."""
    return (
        side if sees_whole(caller) else side.model_copy(update={"identifiers": [mask_key(k) for k in side.identifiers]})
    )


def decision_preview(store: GraphStore, settings: Settings, left: int, right: int, verdict: Verdict) -> Preview:
    """What deciding a pair would do, nothing saved."""
    persons = store.assignments([left, right])
    effect = preview_decision(store, settings, left, right, verdict)
    return to_preview(effect, verdict.value, [left, right], list(persons.values()))


def pair_view(store: GraphStore, settings: Settings, caller: Caller, left: int, right: int) -> PairView:
    """Everything a steward needs to decide one pair: both persons, evidence, each verdict's effect (audited)."""
    item = item_for_pair(store, settings.steward, left, right)
    records = {r.id: r for r in store.get_records([item.left, item.right])}
    if item.left not in records or item.right not in records:
        raise NotFound(f"no records {left} and {right}")
    a, b = records[item.left], records[item.right]
    audit.record(store, caller, "pair.read", pair_target(a.id, b.id))
    previews: dict[str, Preview] = {}
    note = ""
    try:
        previews = {v.value: decision_preview(store, settings, a.id, b.id, v) for v in PREVIEWED}
    except ScopeTooLarge as exc:
        note = str(exc)
    history = pair_history(store, item.left, item.right)
    actions = {j.id: store.steward_action_of_judgement(j.id) for j in history if j.id and j.superseded_at}
    view = PairView(
        item=with_names(store, [item])[0],
        left=a,
        right=b,
        fields=field_rows(a, b),
        history=history,
        undone=sorted(i for i, a in actions.items() if i is not None and a is not None and a.undone_at is not None),
        persons=[_masked_side(person_side(store, r), caller) for r in (a.id, b.id)],
        evidence=pair_evidence(
            store, settings, a.id, b.id, item.evidence, item.explanation, str if sees_whole(caller) else mask_key
        ),
        previews=previews,
        preview_note=note,
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
) -> DecisionOut:
    """Store a decision and make it take effect now (re-resolving under every judgement), as an undoable action."""
    by = steward_name(caller)
    persons = store.assignments([left, right])
    done = decide_pair(store, settings, left, right, verdict, by, reason=reason or None)
    j = done.judgement
    detail = f"verdict={j.verdict.value} id={j.id} action={done.action_id} moved={len(done.effect.moved)}"
    audit.record(store, caller, "decision", pair_target(j.left, j.right), detail)
    effect = to_preview(done.effect, verdict.value, [left, right], list(persons.values()))
    return DecisionOut(**j.model_dump(), action_id=done.action_id, effect=effect)


def split_preview(store: GraphStore, person_id: int, groups: Sequence[Sequence[int]]) -> Preview:
    """What splitting a person into these groups would do, nothing saved."""
    members = store.person_record_ids([person_id]).get(person_id)
    if not members:
        raise NotFound(f"no person {person_id} with records")
    return to_preview(preview_split(store, complete_groups(members, groups)), "split")


def split(
    store: GraphStore,
    settings: Settings,
    caller: Caller,
    person_id: int,
    groups: Sequence[Sequence[int]],
    reason: str | None = None,
    *,
    unmerge: int | None = None,
) -> tuple[SplitResult, int]:
    """Split a person (or unmerge one record) as an undoable action; audited with the action's id."""
    result, action_id = split_action(
        store, settings, person_id, groups, steward_name(caller), reason=reason, unmerge=unmerge
    )
    if unmerge is None:
        detail = audit.ids_detail(persons=result.persons, action=action_id)
        audit.record(store, caller, "person.split", audit.person_target(person_id), detail)
    else:
        detail = f"record={unmerge} action={action_id}"
        audit.record(store, caller, "record.unmerge", audit.person_target(result.old_person), detail)
    return result, action_id


def find_action(store: GraphStore, action_id: int) -> StewardAction:
    """An action by id (NotFound otherwise)."""
    return action_for(store, action_id=action_id)


def undo_preview(store: GraphStore, action: StewardAction) -> Preview:
    """What undoing an action would do (ConflictError when it cannot be undone exactly)."""
    return to_preview(preview_undo(store, action), "undo")


def can_undo(store: GraphStore, action: StewardAction) -> bool:
    """Whether an action can still be undone exactly."""
    try:
        check_undoable(store, action)
    except ConflictError:
        return False
    return True


def undo(store: GraphStore, settings: Settings, caller: Caller, judgement_id: int) -> Judgement:
    """Undo the action that stored a decision; a decision older than the undo log is withdrawn and re-resolved."""
    found = store.steward_action_of_judgement(judgement_id)
    if found is not None:
        undo_by_action(store, caller, found)
        scope = sorted(found.after) or sorted(found.before)
        match = [j for j in store.judgements(scope, active_only=False) if j.id == judgement_id]
        if not match:
            raise NotFound(f"no decision {judgement_id}")
        return match[0]
    j = store.withdraw_judgement(judgement_id)
    take_effect(store, [j.left, j.right], settings, steward_cause(steward_name(caller)))
    audit.record(store, caller, "decision.undo", pair_target(j.left, j.right), f"id={judgement_id}")
    return j


def undo_by_action(store: GraphStore, caller: Caller, action: StewardAction) -> UndoOut:
    """Undo one action exactly (memberships, persons' ids, decisions); audited."""
    done = undo_action(store, action, steward_name(caller))
    detail = f"action={action.id} withdrawn={len(done.withdrawn)} moved={len(done.effect.moved)}"
    audit.record(store, caller, UNDO_AUDIT_ACTIONS.get(action.kind, "undo"), f"action:{action.id}", detail)
    return UndoOut(
        action_id=action.id or 0,
        kind=action.kind,
        withdrawn=done.withdrawn,
        reinstated=done.reinstated,
        effect=to_preview(done.effect, "undo"),
    )
