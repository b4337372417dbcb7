"""The audit log: every profile read and every change, with who, what and when. Ids only, never personal data."""

from __future__ import annotations

from collections.abc import Iterable

from identity_graph.service.auth import Caller
from identity_graph.store.protocol import GraphStore


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
