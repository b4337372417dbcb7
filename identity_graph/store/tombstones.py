"""What every store does with items of erased persons when a source is loaded again (pure helpers)."""

from __future__ import annotations

from collections.abc import Sequence

from identity_graph.model import Interaction

Key = tuple[str, str]


def participant_keys(interactions: Sequence[Interaction]) -> list[Key]:
    """The natural keys of every record the interactions refer to, sorted and unique."""
    return sorted({(p.record.source, p.record.source_id) for i in interactions for p in i.participants})


def without_erased_parties(interactions: Sequence[Interaction], erased: set[Key]) -> tuple[list[Interaction], int]:
    """Drop participations of erased records (the rest of each interaction loads); returns them and how many went."""
    if not erased:
        return list(interactions), 0
    out: list[Interaction] = []
    dropped = 0
    for i in interactions:
        kept = tuple(p for p in i.participants if (p.record.source, p.record.source_id) not in erased)
        dropped += len(i.participants) - len(kept)
        out.append(i if len(kept) == len(i.participants) else i.model_copy(update={"participants": kept}))
    return out, dropped
