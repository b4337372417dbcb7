"""Interactions in a time window with the persons who took part: what the lead's briefing and spike watch read.

`GraphStore.interactions_between(start, end, channels)` walks the interactions of a window in time order on the
time index (SQLite `ix_interactions_time`, Neo4j `interaction_time`), a page at a time, each with the ids of the
persons whose records took part in it (mentions left out), so a campaign's recipients can be told apart from
everyone else without a read per interaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from identity_graph.model import StoredInteraction

#: Interactions read per page of a window.
WINDOW_PAGE = 5_000


@dataclass(frozen=True, slots=True)
class WindowItem:
    """One interaction of a window (participants not filled in) and the persons of its non-mention parties."""

    interaction: StoredInteraction
    person_ids: tuple[int, ...]
