"""The audit log: every profile read and every change, with who, what and when. Ids only, never personal data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from identity_graph.errors import InputError
from identity_graph.service.auth import Caller
from identity_graph.store.protocol import GraphStore
from identity_graph.store.steward_types import AuditQuery


def person_target(person_id: int) -> str:
    """The audit target naming a person."""
    return f"person:{person_id}"


def ids_detail(**fields: int | str | Iterable[int] | None) -> str:
    """A detail string of `key=value` pairs made of numbers and fixed words (never free text from users)."""
    parts = []
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, int | str):
            parts.append(f"{key}={value}")
        else:
            parts.append(f"{key}={','.join(str(int(v)) for v in value)}")
    return " ".join(parts)


def record(store: GraphStore, caller: Caller | str, action: str, target: str = "", detail: str = "") -> None:
    """Write one audit entry for a caller (or a system actor such as `cli`)."""
    actor = caller.actor if isinstance(caller, Caller) else caller
    store.add_audit(actor=actor, action=action, target=target, detail=detail)


#: The prefix of a token's actor id in the audit log (`token:3`); the command line's is `cli:<login>`.
TOKEN_ACTOR = "token:"
CLI_ACTOR = "cli"


def actor_names(store: GraphStore) -> dict[str, str]:
    """Every token's actor id -> its name (names are read when shown; the log keeps the stable id)."""
    return {f"{TOKEN_ACTOR}{t.id}": t.name for t in store.list_tokens()}


def display_actor(actor: str, names: Mapping[str, str]) -> str:
    """An actor as people read it: 'sam (token 3)', 'alice at the command line', or the id itself."""
    if actor in names:
        return f"{names[actor]} (token {actor.removeprefix(TOKEN_ACTOR)})"
    if actor == CLI_ACTOR:
        return "the command line"
    if actor.startswith(f"{CLI_ACTOR}:"):
        return f"{actor.removeprefix(CLI_ACTOR + ':')} at the command line"
    return actor


def actors_named(store: GraphStore, text: str) -> tuple[str, ...]:
    """The actor ids a filter names: an actor id as stored, a token id ('3'), or a token's name (every token
    of that name); the text itself when nothing matches (so the filter finds nothing rather than everything)."""
    wanted = text.strip()
    if not wanted:
        return ()
    if wanted.isdigit():
        return (f"{TOKEN_ACTOR}{wanted}",)
    if wanted.startswith((TOKEN_ACTOR, f"{CLI_ACTOR}:")) or wanted == CLI_ACTOR:
        return (wanted,)
    by_name = tuple(f"{TOKEN_ACTOR}{t.id}" for t in store.list_tokens() if t.name.casefold() == wanted.casefold())
    return by_name or (f"{CLI_ACTOR}:{wanted}",)


def parse_day(text: str | None, *, end: bool = False) -> datetime | None:
    """A day (2026-12-07) or a time (2026-12-07T08:00) as a UTC moment; a day's end is the next midnight."""
    if text is None or not text.strip():
        return None
    raw = text.strip()
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{raw!r} is not a date such as 2026-12-07 or a time such as 2026-12-07T08:00") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if end and len(raw) <= len("2026-12-07"):
        moment += timedelta(days=1)
    return moment


def audit_query(
    store: GraphStore,
    *,
    limit: int,
    before_id: int | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    target: str | None = None,
) -> AuditQuery:
    """The audit query a page or API request asks for (actor by id or token name; days as dates)."""
    return AuditQuery(
        limit=limit,
        before_id=before_id,
        actors=actors_named(store, actor or ""),
        action=(action or "").strip() or None,
        since=parse_day(since),
        until=parse_day(until, end=True),
        target=(target or "").strip() or None,
    )
