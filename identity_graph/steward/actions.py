"""A steward's decisions and splits as undoable actions: each keeps every membership of its closed scope before and
after, and an undo puts back exactly the persons there were (their own ids, retired ones revived).

An undo withdraws the action's decisions (kept, marked superseded: they no longer count anywhere), makes active
again the decisions the action had superseded, and moves every record of the scope back to its person before. It
refuses when the scope changed since (a later action, a load or a resolve moved its records): undo those first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from identity_graph.errors import ConflictError, NotFound
from identity_graph.model import Judgement, Verdict
from identity_graph.settings import Settings
from identity_graph.steward.decisions import record_judgement, steward_cause
from identity_graph.steward.effect import Outcome, closed_scope, take_effect
from identity_graph.steward.preview import Effect, effect_of
from identity_graph.steward.split import SplitResult, split_person, unmerge_record
from identity_graph.store.protocol import GraphStore, NewEvent
from identity_graph.store.steward_types import StewardAction

#: The audit log's action for undoing each kind of steward action.
UNDO_AUDIT_ACTIONS = {"decision": "decision.undo", "split": "person.split.undo", "unmerge": "record.unmerge.undo"}


@dataclass
class Decided:
    """A saved decision: the judgement, its undoable action, what it did."""

    judgement: Judgement
    action_id: int
    outcome: Outcome
    effect: Effect


@dataclass
class Undone:
    """An undone action: which one, the decisions withdrawn and reinstated, and what moved back."""

    action: StewardAction
    withdrawn: list[int]
    reinstated: list[int]
    effect: Effect


def _superseded(store: GraphStore, pairs: Sequence[tuple[int, int]]) -> list[int]:
    """Ids of the active decisions on these pairs (a new decision on the pair supersedes them)."""
    wanted = {(min(a, b), max(a, b)) for a, b in pairs}
    ids = sorted({r for p in wanted for r in p})
    return sorted(j.id for j in store.judgements(ids, active_only=True) if (j.left, j.right) in wanted and j.id)


def decide_pair(
    store: GraphStore,
    settings: Settings,
    left: int,
    right: int,
    verdict: Verdict,
    by: str,
    *,
    reason: str | None = None,
) -> Decided:
    """Store a decision, make it take effect now, and keep it as an undoable action (one transaction)."""
    with store.transaction():
        scope = closed_scope(store, [left, right])
        before = store.assignments(scope)
        superseded = _superseded(store, [(left, right)])
        j = record_judgement(store, left, right, verdict, by, reason=reason)
        outcome = take_effect(store, [j.left, j.right], settings, steward_cause(by), scope=scope)
        after = store.assignments(scope)
        action_id = store.add_steward_action(
            StewardAction(
                kind="decision",
                actor=by,
                at=j.at,
                judgement_ids=(j.id or 0,),
                superseded_ids=tuple(superseded),
                before=before,
                after=after,
            )
        )
    return Decided(j, action_id, outcome, effect_of(store, before, after))


def split_action(
    store: GraphStore,
    settings: Settings,
    person_id: int,
    groups: Sequence[Sequence[int]],
    by: str,
    *,
    reason: str | None = None,
    unmerge: int | None = None,
) -> tuple[SplitResult, int]:
    """Split a person (or unmerge one record when `unmerge` names it) as an undoable action; returns the result
    and the action's id."""
    with store.transaction():
        if unmerge is not None:
            person = store.assignments([unmerge]).get(unmerge)
            members = store.person_record_ids([person]).get(person, []) if person is not None else []
        else:
            members = store.person_record_ids([person_id]).get(person_id, [])
        before = store.assignments(members)
        if unmerge is not None:
            result = unmerge_record(store, unmerge, by, settings.steward, reason=reason)
        else:
            result = split_person(store, person_id, groups, by, settings.steward, reason=reason)
        scope = [r for g in result.groups for r in g]
        action_id = store.add_steward_action(
            StewardAction(
                kind="unmerge" if unmerge is not None else "split",
                actor=by,
                at=datetime.now(UTC),
                judgement_ids=tuple(result.judgement_ids),
                superseded_ids=tuple(result.superseded_ids),
                before=before,
                after=store.assignments(scope),
            )
        )
    return result, action_id


def _active_ids(store: GraphStore, action: StewardAction) -> list[int]:
    """The action's decisions that are still active."""
    wanted = set(action.judgement_ids)
    return sorted(j.id for j in store.judgements(sorted(action.after), active_only=True) if j.id in wanted and j.id)


def action_for(store: GraphStore, *, action_id: int | None = None, judgement_id: int | None = None) -> StewardAction:
    """An action by its id or by one of its decisions' ids; NotFound when there is none."""
    found = (
        store.steward_action(action_id)
        if action_id is not None
        else store.steward_action_of_judgement(judgement_id or 0)
    )
    if found is None:
        what = f"action {action_id}" if action_id is not None else f"an undoable action for decision {judgement_id}"
        raise NotFound(f"there is no {what}")
    return found


def check_undoable(store: GraphStore, action: StewardAction) -> None:
    """Raise ConflictError when the action was undone or its persons changed since (an undo would not be exact)."""
    if action.undone_at is not None:
        raise ConflictError(f"action {action.id} was already undone by {action.undone_by}")
    scope = sorted(action.after)
    now = store.assignments(scope)
    members = store.person_record_ids(sorted(set(now.values())))
    grown = {r for recs in members.values() for r in recs} - set(scope)
    if now != action.after or grown:
        raise ConflictError(
            f"the persons action {action.id} touched have changed since (later decisions, loads or resolves moved "
            "their records); undo the later changes first"
        )


def preview_undo(store: GraphStore, action: StewardAction) -> Effect:
    """What undoing this action would do (nothing is saved)."""
    check_undoable(store, action)
    revived = sorted(set(action.before.values()) - set(action.after.values()))
    return effect_of(store, action.after, action.before, revived)


def undo_action(store: GraphStore, action: StewardAction, by: str) -> Undone:
    """Put back exactly the memberships before the action, with the persons' own ids; withdraw its decisions."""
    with store.transaction():
        check_undoable(store, action)
        withdrawn = _active_ids(store, action)
        for jid in withdrawn:
            store.withdraw_judgement(jid)
        reinstated = sorted(action.superseded_ids)
        if reinstated:
            store.reinstate_judgements(reinstated)
        effect = _restore(store, action, steward_cause(by))
        if not store.mark_action_undone(action.id or 0, by):
            raise ConflictError(f"action {action.id} was already undone")
    return Undone(action, withdrawn, reinstated, effect)


def _restore(store: GraphStore, action: StewardAction, cause: str) -> Effect:
    """Move the scope's records back to their persons before, reviving and retiring persons as needed."""
    old_persons, new_persons = set(action.before.values()), set(action.after.values())
    revived = sorted(old_persons - new_persons)
    effect = effect_of(store, action.after, action.before, revived)
    moves = sorted((r, p) for r, p in action.before.items() if action.after.get(r) != p)
    events: list[NewEvent] = []
    if revived:
        store.revive_persons(revived)
    for person in revived:
        sources = sorted({action.after[r] for r, p in action.before.items() if p == person and r in action.after})
        events += [NewEvent("person.restored", person, cause, other_person_id=s) for s in sources]
    retire: list[tuple[int, int | None]] = []
    # a record that had no person before keeps the one the action gave it (the store cannot unassign), so that
    # person stays live
    kept = {p for r, p in action.after.items() if r not in action.before}
    for person in sorted(new_persons - old_persons - kept):
        heirs = sorted({action.before[r] for r, p in action.after.items() if p == person and r in action.before})
        into = heirs[0] if len(heirs) == 1 else None
        retire.append((person, into))
        if into is not None:
            events.append(NewEvent("person.merged", into, cause, other_person_id=person))
    for record_id, person in moves:
        events.append(NewEvent("record.detached", action.after[record_id], cause, None, record_id))
        events.append(NewEvent("record.attached", person, cause, None, record_id))
    store.set_persons(moves)
    store.retire_persons(retire)
    store.add_events(events)
    return effect
