"""The embedded store's queries behind the review queue's ranking: what the ranking depends on, in one cheap
key, and every review-band pair with its records' figures in a few set-wide queries (no per-id lists).

Used by `identity_graph.steward.rank_cache`; other stores rank without these (and without a saved ranking).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from identity_graph.store.sqlite_base import SQLiteBase

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: What a saved ranking of review-band pairs is checked against: the review band's size and id sums, the newest
#: link row, record, interaction and change-feed event, and the match model.
_INPUTS_SQL = (
    "SELECT (SELECT count(*) || '/' || coalesce(sum(left_id), 0) || '/' || coalesce(sum(right_id), 0) "
    "FROM match_edges WHERE status = 'review'), "
    "(SELECT coalesce(max(rowid), 0) FROM match_edges), "
    "(SELECT coalesce(max(id), 0) FROM records), (SELECT coalesce(max(id), 0) FROM interactions), "
    "(SELECT coalesce(max(id), 0) FROM change_events), "
    "(SELECT coalesce(value, '') FROM meta WHERE key = 'match_model.digest')"
)
#: A time stored as ISO text, as seconds since the epoch (a naive time is taken as UTC).
_EPOCH = "CAST(strftime('%s', {}) AS REAL)"


@dataclass(frozen=True)
class ReviewPairs:
    """Every review-band pair (left < right), with how many identifiers both of its records hold."""

    left: IntArray
    right: IntArray
    shared: IntArray


@dataclass(frozen=True)
class UnitRows:
    """Per record id (sorted): person (-1: none), its unit's records and interactions, own interactions, and
    when it was last active (its last interaction or source update, else when it changed here; epoch seconds)."""

    ids: IntArray
    person: IntArray
    unit_records: IntArray
    unit_interactions: IntArray
    own: IntArray
    fresh: FloatArray


@dataclass(frozen=True)
class RankingInputs:
    """Where the store stands, as far as the review queue's ranking is concerned."""

    review_band: str  # `count/sum of left ids/sum of right ids` of the review-band links
    last_link_row: int
    last_record: int
    last_interaction: int
    last_event: int
    model: str


def ranking_inputs(store: SQLiteBase) -> RankingInputs:
    """Where the store stands now (a few index look-ups and one pass over the review band's index)."""
    band, link, record, interaction, event, model = store._conn().execute(_INPUTS_SQL).fetchone()
    return RankingInputs(str(band), int(link), int(record), int(interaction), int(event), str(model))


def records_touched_since(store: SQLiteBase, since: RankingInputs, cap: int) -> set[int] | None:
    """Records on links written, records added and interactions added since `since` (None past `cap`): the
    records whose review-band pairs may have come, gone or changed weight since a ranking was saved."""
    conn = store._conn()
    found: set[int] = set()
    for sql, after in (
        ("SELECT left_id, right_id FROM match_edges WHERE rowid > ? LIMIT ?", since.last_link_row),
        ("SELECT id, id FROM records WHERE id > ? LIMIT ?", since.last_record),
        ("SELECT record_id, record_id FROM participations WHERE interaction_id > ? LIMIT ?", since.last_interaction),
    ):
        for a, b in conn.execute(sql, (after, cap + 1)):
            found.update((int(a), int(b)))
        if len(found) > cap:
            return None
    return found


def review_pairs(store: SQLiteBase) -> ReviewPairs:
    """Every review-band pair with its shared-identifier count, sorted by (left, right)."""
    conn = store._conn()
    pairs = conn.execute(
        "SELECT left_id, right_id FROM match_edges WHERE status = 'review' ORDER BY left_id, right_id"
    ).fetchall()
    left = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
    right = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
    shared = np.zeros(len(pairs), dtype=np.int64)
    counted = conn.execute(
        "SELECT e.left_id, e.right_id, count(DISTINCT a.identifier_id) FROM match_edges e "
        "JOIN record_identifiers a ON a.record_id = e.left_id "
        "JOIN record_identifiers b ON b.record_id = e.right_id AND b.identifier_id = a.identifier_id "
        "WHERE e.status = 'review' GROUP BY e.left_id, e.right_id"
    ).fetchall()
    if counted and len(pairs):
        keys = left * (1 << 32) + right
        found = np.fromiter((a * (1 << 32) + b for a, b, _ in counted), dtype=np.int64, count=len(counted))
        shared[np.searchsorted(keys, found)] = np.fromiter((n for _, _, n in counted), dtype=np.int64)
    return ReviewPairs(left=left, right=right, shared=shared)


def unit_rows(store: SQLiteBase, record_ids: IntArray) -> UnitRows:
    """The ranking's per-record figures of these records, read set-wide through a temporary id table."""
    conn = store._conn()
    ids = np.unique(record_ids)
    _fill_ids(conn, ids)
    rows = conn.execute(
        "SELECT t.id, coalesce(rp.person_id, -1), coalesce(a.n, 0), "
        f"coalesce(max({_EPOCH.format('r.updated_at')}, coalesce({_EPOCH.format('a.last')}, 0)), "
        f"{_EPOCH.format('a.last')}, {_EPOCH.format('r.changed_at')}) "
        "FROM temp.rank_ids t JOIN records r ON r.id = t.id LEFT JOIN record_person rp ON rp.record_id = t.id "
        "LEFT JOIN (SELECT p.record_id, count(DISTINCT p.interaction_id) AS n, max(x.occurred_at) AS last "
        "FROM participations p JOIN interactions x ON x.id = p.interaction_id "
        "WHERE p.record_id IN (SELECT id FROM temp.rank_ids) GROUP BY p.record_id) a ON a.record_id = t.id "
        "ORDER BY t.id"
    ).fetchall()
    persons = conn.execute(
        "SELECT rp.person_id, count(*) FROM record_person rp WHERE rp.person_id IN "
        "(SELECT DISTINCT q.person_id FROM temp.rank_ids t JOIN record_person q ON q.record_id = t.id) "
        "GROUP BY rp.person_id"
    ).fetchall()
    acts = dict(
        conn.execute(
            "SELECT rp.person_id, count(DISTINCT p.interaction_id) FROM record_person rp "
            "JOIN participations p ON p.record_id = rp.record_id WHERE rp.person_id IN "
            "(SELECT DISTINCT q.person_id FROM temp.rank_ids t JOIN record_person q ON q.record_id = t.id) "
            "GROUP BY rp.person_id"
        ).fetchall()
    )
    conn.execute("DELETE FROM temp.rank_ids")
    return _units(rows, dict(persons), acts)


def _fill_ids(conn: sqlite3.Connection, ids: IntArray) -> None:
    """The temporary table of record ids the set-wide queries join against."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS rank_ids (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.rank_ids")
    conn.executemany("INSERT INTO temp.rank_ids(id) VALUES (?)", ((int(i),) for i in ids))


def _units(rows: list[tuple[int, int, int, float | None]], sizes: dict[int, int], acts: dict[int, int]) -> UnitRows:
    """UnitRows from the per-record rows and the per-person record and interaction counts."""
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    person = np.fromiter((r[1] for r in rows), dtype=np.int64, count=n)
    own = np.fromiter((r[2] for r in rows), dtype=np.int64, count=n)
    fresh = np.fromiter((r[3] or 0.0 for r in rows), dtype=np.float64, count=n)
    has = [p >= 0 and p in sizes for p in person.tolist()]
    unit_records = np.fromiter(
        (sizes[p] if h else 1 for p, h in zip(person.tolist(), has, strict=True)), dtype=np.int64, count=n
    )
    unit_interactions = np.fromiter(
        (acts.get(p, 0) if h else o for p, h, o in zip(person.tolist(), has, own.tolist(), strict=True)),
        dtype=np.int64,
        count=n,
    )
    person = np.where(np.asarray(has, dtype=bool), person, -1)
    return UnitRows(ids, person, unit_records, unit_interactions, own, fresh)
