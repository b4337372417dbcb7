"""A steward's decisions about pairs of records: durable judgements, never overwritten, only superseded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from identity_graph.errors import ConfigError, NotFound
from identity_graph.model import Judgement, Verdict
from identity_graph.store.protocol import GraphStore

#: The cause written on change-feed events a steward's action leads to is this prefix plus who acted.
STEWARD_CAUSE_PREFIX = "steward:"


def steward_cause(by: str) -> str:
    """The change-feed cause of a steward's action."""
    return f"{STEWARD_CAUSE_PREFIX}{by}"


def check_records(store: GraphStore, record_ids: Sequence[int]) -> None:
    """Raise NotFound naming the first record id the store does not hold."""
    wanted = sorted(set(record_ids))
    found = {r.id for r in store.get_records(wanted)}
    missing = [r for r in wanted if r not in found]
    if missing:
        raise NotFound(f"no record with id {missing[0]}")


def record_judgement(
    store: GraphStore,
    left: int,
    right: int,
    verdict: Verdict,
    by: str,
    *,
    reason: str | None = None,
    at: datetime | None = None,
) -> Judgement:
    """Store one decision (the pair's earlier active one becomes superseded) and close guard reports on it."""
    return record_judgements(store, [(left, right, verdict)], by, reason=reason, at=at)[0]


def record_judgements(
    store: GraphStore,
    decisions: Sequence[tuple[int, int, Verdict]],
    by: str,
    *,
    reason: str | None = None,
    at: datetime | None = None,
) -> list[Judgement]:
    """Store decisions in one transaction (each supersedes its pair's active one); close guard reports on them."""
    if any(left == right for left, right, _ in decisions):
        raise ConfigError("a decision needs two different records")
    if not by.strip():
        raise ConfigError("a decision needs the steward's name (--by)")
    check_records(store, [r for left, right, _ in decisions for r in (left, right)])
    moment = at or datetime.now(UTC)
    pairs = {(min(a, b), max(a, b)) for a, b, _ in decisions}
    with store.transaction():
        stored = [
            store.add_judgement(
                Judgement(
                    left=min(a, b),
                    right=max(a, b),
                    verdict=verdict,
                    by=by.strip(),
                    at=moment,
                    reason=reason or None,
                )
            )
            for a, b, verdict in decisions
        ]
        closed = [
            g.id for g in store.guard_reports(open_only=True) if len(g.record_ids) >= 2 and _ends(g.record_ids) in pairs
        ]
        if closed:
            store.resolve_guard_reports(closed)
    return stored


def _ends(chain: Sequence[int]) -> tuple[int, int]:
    """The two ends of a guarded chain as (smaller, larger)."""
    return (min(chain[0], chain[-1]), max(chain[0], chain[-1]))


def pair_history(store: GraphStore, left: int, right: int) -> list[Judgement]:
    """Every decision ever made about a pair, oldest first, superseded ones included."""
    pair = (min(left, right), max(left, right))
    return [j for j in store.judgements([pair[0]], active_only=False) if (j.left, j.right) == pair]
