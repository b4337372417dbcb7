"""Interactions of a time window on the Neo4j store (`GraphStore.interactions_between`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Final

from identity_graph.model import Channel
from identity_graph.store import window
from identity_graph.store.neo4j.base import Neo4jBase
from identity_graph.store.neo4j.rows import epoch_us, interaction_from_props
from identity_graph.store.window import WindowItem

#: One page of a window in time order (keyset on occurred_us then id), with the persons of non-mention parties.
WINDOW_PAGE_QUERY: Final = (
    "MATCH (x:Interaction) WHERE x.occurred_us >= $start_us AND x.occurred_us < $end_us "
    "AND (x.occurred_us > $after_us OR (x.occurred_us = $after_us AND x.id > $after_id)) "
    "AND (size($channels) = 0 OR x.channel IN $channels) "
    "WITH x ORDER BY x.occurred_us, x.id LIMIT $page_size "
    "OPTIONAL MATCH (r:Record)-[t:TOOK_PART]->(x) WHERE t.role <> 'mentioned' "
    "OPTIONAL MATCH (r)-[:`IN`]->(p:Person) "
    "WITH x, collect(DISTINCT p.id) AS persons "
    "RETURN properties(x) AS interaction, x.occurred_us AS occurred_us, persons ORDER BY x.occurred_us, x.id"
)


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
                WINDOW_PAGE_QUERY, start_us=start_us, end_us=end_us, after_us=after_us, after_id=after_id,
                channels=wanted, page_size=window.WINDOW_PAGE,
            )  # fmt: skip
            for r in rows:
                persons = tuple(sorted(int(p) for p in r["persons"] if p is not None))
                yield WindowItem(interaction_from_props(r["interaction"]), persons)
            if len(rows) < window.WINDOW_PAGE:
                return
            after_us, after_id = int(rows[-1]["occurred_us"]), int(rows[-1]["interaction"]["id"])
