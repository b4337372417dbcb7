"""Interactions of a time window on the embedded store (`GraphStore.interactions_between`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from identity_graph.model import Channel, Role
from identity_graph.store import window
from identity_graph.store.sqlite_base import SQLiteBase
from identity_graph.store.sqlite_read import interaction_of
from identity_graph.store.window import WindowItem

_COLUMNS = (
    "x.id, x.source, x.source_id, x.channel, x.occurred_at, x.direction, x.subject, x.summary, x.thread_key, "
    "x.attributes, (SELECT group_concat(DISTINCT rp.person_id) FROM participations p "
    "JOIN record_person rp ON rp.record_id = p.record_id "
    f"WHERE p.interaction_id = x.id AND p.role != '{Role.MENTIONED.value}') AS persons"
)


def _item(r: sqlite3.Row) -> WindowItem:
    """A WindowItem from one row of the window query."""
    interaction = interaction_of(r)
    persons = tuple(sorted({int(p) for p in str(r["persons"]).split(",")})) if r["persons"] else ()
    return WindowItem(interaction, persons)


class SQLiteWindowMixin(SQLiteBase):
    """Reads a time window of interactions in pages, oldest first."""

    def interactions_between(
        self, start: datetime, end: datetime, channels: Sequence[Channel] = ()
    ) -> Iterator[WindowItem]:
        """Interactions with `start <= occurred_at < end` (of these channels when given), oldest first, each with
        the persons of its non-mention parties."""
        where = ["x.occurred_at < ?"]
        params: list[object] = [end.astimezone(UTC).isoformat()]
        if channels:
            where.append(f"x.channel IN ({','.join('?' * len(channels))})")
            params.extend(c.value for c in channels)
        after: tuple[str, int] = (start.astimezone(UTC).isoformat(), 0)
        first = True
        while True:
            keyset = "x.occurred_at >= ?" if first else "(x.occurred_at > ? OR (x.occurred_at = ? AND x.id > ?))"
            keys: list[object] = [after[0]] if first else [after[0], after[0], after[1]]
            rows = self.query(
                f"SELECT {_COLUMNS} FROM interactions x WHERE {keyset} AND {' AND '.join(where)} "
                "ORDER BY x.occurred_at, x.id LIMIT ?",
                [*keys, *params, window.WINDOW_PAGE],
            )
            for r in rows:
                yield _item(r)
            if len(rows) < window.WINDOW_PAGE:
                return
            after, first = (str(rows[-1]["occurred_at"]), int(rows[-1]["id"])), False
