"""Interactions of a time window on the Neo4j store (`GraphStore.interactions_between`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from identity_graph.model import Channel
from identity_graph.store import window
from identity_graph.store.neo4j import cypher
from identity_graph.store.neo4j.base import Neo4jBase
from identity_graph.store.neo4j.rows import epoch_us, interaction_from_props
from identity_graph.store.window import WindowItem


class Neo4jWindowMixin(Neo4jBase):
    """Reads a time window of interactions in pages, oldest first."""

    def interactions_between(
        self, start: datetime, end: datetime, channels: Sequence[Channel] = ()
    ) -> Iterator[WindowItem]:
        """Interactions with `start <= occurred_at < end` (of these channels when given), oldest first, each with
        the persons of its non-mention parties."""
        start_us, end_us = epoch_us(start), epoch_us(end)
        after_us, after_id = start_us, -1
        wanted = [c.value for c in channels]
        while True:
            rows = self._query(
                cypher.WINDOW_PAGE_QUERY, start_us=start_us, end_us=end_us, after_us=after_us, after_id=after_id,
                channels=wanted, page_size=window.WINDOW_PAGE,
            )  # fmt: skip
            for r in rows:
                persons = tuple(sorted(int(p) for p in r["persons"] if p is not None))
                yield WindowItem(interaction_from_props(r["interaction"]), persons)
            if len(rows) < window.WINDOW_PAGE:
                return
            after_us, after_id = int(rows[-1]["occurred_us"]), int(rows[-1]["interaction"]["id"])
