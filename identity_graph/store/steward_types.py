"""Plain data of the steward's undo and the audit log's search: a steward's action with the memberships it changed,
and the filters of an audit query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: The kinds of steward action the store keeps (each can be undone once).
ACTION_KINDS = ("decision", "split", "unmerge")
#: Actions whose decisions are implied by a split, not made one pair at a time.
IMPLIED_KINDS = ("split", "unmerge")


@dataclass(frozen=True)
class StewardAction:
    """One steward action: the decisions it stored, those it superseded, and every membership before and after.

    `before` and `after` map each record of the closed scope the action re-clustered to its person (ids only).
    """

    kind: str
    actor: str
    at: datetime
    judgement_ids: tuple[int, ...]
    superseded_ids: tuple[int, ...] = ()
    before: dict[int, int] = field(default_factory=dict)
    after: dict[int, int] = field(default_factory=dict)
    id: int | None = None
    undone_at: datetime | None = None
    undone_by: str | None = None


@dataclass(frozen=True)
class AuditQuery:
    """Filters and paging of the audit log: newest first, before an entry id, by actor, action prefix and time."""

    limit: int = 100
    before_id: int | None = None
    actors: tuple[str, ...] = ()  # any of these actors (`token:3`, `cli:alice`); all when empty
    action: str | None = None  # an exact action or a prefix ending in "." (`decision.` matches decision.undo)
    since: datetime | None = None
    until: datetime | None = None
    target: str | None = None  # one target, such as person:12
