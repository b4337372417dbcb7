"""Opening the review queue at 1M records: the first page, cold (ranked now) and warm (ranked once, reused).

A synthetic store is written straight into SQLite (no matching: rows as resolve would leave them): RECORDS
records in persons of one to three (chained by auto links), REVIEW_EDGES review-band links between records of
different persons, interactions on most records, two identifiers per record and a few open chain-guard
reports. Timed: `queue_page` (the first 50 items, as the web queue and `idgraph review` open it) right after
the store is built (cold: the ranking is computed and saved), again (warm: the saved ranking is read), and after
one steward decision (the decided pair leaves; the persons it touches are ranked again).
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from identity_graph.model import MatchEdge, MatchStatus, Verdict
from identity_graph.settings import Settings, StewardSettings
from identity_graph.steward.decisions import record_judgement
from identity_graph.steward.effect import take_effect
from identity_graph.steward.queue_page import queue_page
from identity_graph.store import SQLiteStore, open_store

#: Records and review-band links, full and quick run (the issue's figures: 1M records, 210k review links).
RECORDS, QUICK_RECORDS = 1_000_000, 100_000
REVIEW_EDGES, QUICK_REVIEW_EDGES = 210_000, 21_000
#: Open chain-guard reports, and the share of records with interactions.
GUARD_REPORTS = 200
ACTIVE_SHARE = 0.7
#: Rows written per executemany.
BATCH = 100_000
SEED = 16


def _rows_in_batches(conn: sqlite3.Connection, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
    """Insert rows BATCH at a time."""
    for start in range(0, len(rows), BATCH):
        conn.executemany(sql, rows[start : start + BATCH])


def build(path: Path, records: int, review_edges: int) -> SQLiteStore:
    """Write the synthetic store; returns it open."""
    rng = random.Random(SEED)
    store = open_store(path)
    now = datetime.now(UTC)
    stamp = now.isoformat()
    conn = store._conn()
    person_of: list[int] = []
    pid = 0
    while len(person_of) < records:
        pid += 1
        person_of.extend([pid] * rng.choice((1, 1, 2, 3)))
    person_of = person_of[:records]
    with store.transaction():
        _rows_in_batches(
            conn,
            "INSERT INTO records(id, source, source_id, kind, first_name, last_name, content_hash, first_seen, "
            "changed_at, dirty) VALUES (?, ?, ?, 'contact', 'Pat', ?, '', ?, ?, 0)",
            [(r, ("crm", "calls", "mail")[r % 3], f"s{r}", f"N{r}", stamp, stamp) for r in range(1, records + 1)],
        )
        _rows_in_batches(
            conn,
            "INSERT INTO persons(id, created_at, updated_at) VALUES (?, ?, ?)",
            [(p, stamp, stamp) for p in range(1, pid + 1)],
        )
        _rows_in_batches(
            conn,
            "INSERT INTO record_person(record_id, person_id) VALUES (?, ?)",
            [(r + 1, p) for r, p in enumerate(person_of)],
        )
        _rows_in_batches(
            conn,
            "INSERT INTO identifiers(id, kind, value) VALUES (?, ?, ?)",
            [(i, "phone" if i % 2 else "email", f"v{i}") for i in range(1, records + 1)],
        )
        _rows_in_batches(
            conn,
            "INSERT INTO record_identifiers(record_id, identifier_id, field, strength, raw) "
            "VALUES (?, ?, 'f', 'declared', '')",
            [(r, r) for r in range(1, records + 1)] + [(r, (r * 7) % records + 1) for r in range(1, records + 1)],
        )
        active = [r for r in range(1, records + 1) if rng.random() < ACTIVE_SHARE]
        _rows_in_batches(
            conn,
            "INSERT INTO interactions(id, source, source_id, channel, occurred_at, direction, content_hash, "
            "first_seen, changed_at) VALUES (?, 'calls', ?, 'call', ?, 'inbound', '', ?, ?)",
            [
                (i, f"i{i}", (now - timedelta(days=rng.randint(0, 900))).isoformat(), stamp, stamp)
                for i in range(1, len(active) + 1)
            ],
        )
        _rows_in_batches(
            conn,
            "INSERT INTO participations(interaction_id, record_id, role) VALUES (?, ?, 'caller')",
            [(i + 1, r) for i, r in enumerate(active)],
        )
        review: set[tuple[int, int]] = set()
        while len(review) < review_edges:  # review-band links join records of different persons
            a, b = rng.randint(1, records), rng.randint(1, records)
            if person_of[a - 1] != person_of[b - 1]:
                review.add((min(a, b), max(a, b)))
        # auto links chain the records of each person (as clustering left them)
        auto = [(r, r + 1) for r in range(1, records) if person_of[r - 1] == person_of[r]]
        rows = [(a, b, 0.5, 1.0, "review", stamp) for a, b in sorted(review)]
        rows += [(a, b, 0.99, 1.0, "auto", stamp) for a, b in auto]
        _rows_in_batches(
            conn,
            "INSERT INTO match_edges(left_id, right_id, score, weight, status, evidence, explanation, updated_at) "
            "VALUES (?, ?, ?, ?, ?, '[]', 'name Pat matches', ?)",
            rows,
        )
    store.add_guard_reports(
        [((c := rng.randint(1, records - 3), c + 1, c + 2, c + 3), "chain") for _ in range(GUARD_REPORTS)]
    )
    return store


def _add_linked_record(store: SQLiteStore, records: int) -> None:
    """What a real-time add leaves: one new record (and its person) with a review-band link to an old one."""
    stamp = datetime.now(UTC).isoformat()
    new = records + 1
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO records(id, source, source_id, kind, first_name, last_name, content_hash, first_seen, "
            "changed_at, dirty) VALUES (?, 'calls', ?, 'call_party', 'Pat', 'New', '', ?, ?, 0)",
            (new, f"s{new}", stamp, stamp),
        )
    person = store.create_persons(1)[0]
    store.set_persons([(new, person)])
    store.replace_edges([MatchEdge(left=7, right=new, score=0.5, weight=1.0, status=MatchStatus.REVIEW)], [new])


def _timed_page(store: SQLiteStore, weights: StewardSettings) -> tuple[float, int]:
    """Seconds to open the queue's first page, and the queue's total."""
    start = time.perf_counter()
    page = queue_page(store, weights)
    return time.perf_counter() - start, page.total


def run(quick: bool) -> list[dict[str, object]]:
    """Open the queue's first page cold, warm and after a decision."""
    records = QUICK_RECORDS if quick else RECORDS
    review = QUICK_REVIEW_EDGES if quick else REVIEW_EDGES
    weights = StewardSettings()
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as tmp:
        t0 = time.perf_counter()
        store = build(Path(tmp) / "queue.db", records, review)
        built = time.perf_counter() - t0
        cold, total = _timed_page(store, weights)
        warm, _ = _timed_page(store, weights)
        top = queue_page(store, weights, limit=1).items[0]
        record_judgement(store, *top.pair, Verdict.SAME, "bench")  # a merge: its persons are ranked again
        take_effect(store, list(top.pair), Settings(), "steward")
        after, after_total = _timed_page(store, weights)
        _add_linked_record(store, records)
        added, _ = _timed_page(store, weights)
        store.close()
    label = f"{records // 1000}k records, {review // 1000}k review links"
    note = f"first page of 50; store written in {built:.0f}s; {total:,} items"
    return [
        {"bench": "queue", "metric": f"queue open cold s @ {label}", "value": cold, "peer": "", "note": note},
        {"bench": "queue", "metric": f"queue open warm s @ {label}", "value": warm, "peer": "",
         "note": "the saved ranking reused"},
        {"bench": "queue", "metric": f"queue open after a decision s @ {label}", "value": after, "peer": "",
         "note": f"{after_total:,} items left"},
        {"bench": "queue", "metric": f"queue open after a real-time add s @ {label}", "value": added, "peer": "",
         "note": "a new record with a review-band link"},
    ]  # fmt: skip


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
