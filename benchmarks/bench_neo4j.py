"""Neo4j store: the client-side cost of a batch, and (when a server is configured) load throughput.

Without a server, what can be measured honestly is the Python work the Neo4j store adds per record: turning a
`PreparedRecord` into its `UNWIND` row (properties, content hash, HAS rows). The peer is the embedded store's
own per-record work for the same records (`_record_values` plus `_record_hash`). With `NEO4J_URI` set (and
`NEO4J_USER`, `NEO4J_PASSWORD`, `NEO4J_DATABASE`, a database used for nothing else: it is emptied), the same
records are loaded through `upsert_batch` into Neo4j and into a SQLite file, and records per second are reported
for both; otherwise that row says it was skipped.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

from identity_graph.model import ClaimedIdentifier, Identifier, IdentifierKind, Record, RecordKind
from identity_graph.store import PreparedRecord, open_store
from identity_graph.store.neo4j.rows import claim_rows, record_row
from identity_graph.store.sqlite_ingest import _record_hash, _record_values

#: Records turned into parameter rows (client-side cost), full and quick runs.
ROWS = 200_000
QUICK_ROWS = 20_000
#: Records loaded into a live server, and per `upsert_batch` call.
LOAD = 100_000
QUICK_LOAD = 10_000
LOAD_BATCH = 10_000
SEED = 20261123


def _records(n: int) -> list[PreparedRecord]:
    """Synthetic normalized records, one email and one phone each."""
    rng = random.Random(SEED)
    out = []
    for i in range(n):
        email = Identifier(kind=IdentifierKind.EMAIL, value=f"user{i}@example.org")
        phone = Identifier(kind=IdentifierKind.PHONE, value=f"+1415{rng.randrange(10**7):07d}")
        rec = Record(
            source="crm", source_id=str(i), kind=RecordKind.CONTACT, first_name=f"F{i % 997}", last_name=f"L{i}"
        )
        claims = (
            ClaimedIdentifier(identifier=email, field="email", raw=email.value),
            ClaimedIdentifier(identifier=phone, field="phone", raw=phone.value),
        )
        out.append(PreparedRecord(record=rec, identifiers=claims))
    return out


def _rate(n: int, seconds: float) -> float:
    """Items per second."""
    return n / seconds if seconds > 0 else float("inf")


def _client_side(n: int) -> dict[str, object]:
    """Records per second turned into Neo4j UNWIND rows, against the embedded store's per-record work."""
    recs = _records(n)
    t0 = time.perf_counter()
    for p in recs:
        record_row(p)
        claim_rows(p)
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p in recs:
        _record_values(p)
        _record_hash(p)
    peer = time.perf_counter() - t0
    return {
        "bench": "neo4j",
        "metric": f"records/s to UNWIND rows ({n:,})",
        "value": _rate(n, ours),
        "peer": _rate(n, peer),
        "note": "peer: SQLite store's per-record values + hash (no server involved)",
    }


def _load(n: int) -> dict[str, object]:
    """Records per second loaded into a live Neo4j server, against a SQLite file; skipped without NEO4J_URI."""
    uri = os.environ.get("NEO4J_URI")
    metric = f"records/s loaded ({n:,}, batches of {LOAD_BATCH:,})"
    if not uri:
        return {"bench": "neo4j", "metric": metric, "value": None, "peer": None, "note": "skipped: NEO4J_URI not set"}
    from identity_graph.store.neo4j import open_neo4j

    env = os.environ.get
    recs = _records(n)
    store = open_neo4j(uri, env("NEO4J_USER", "neo4j"), env("NEO4J_PASSWORD", ""), env("NEO4J_DATABASE") or None)
    try:
        store.clear()
        t0 = time.perf_counter()
        for start in range(0, n, LOAD_BATCH):
            store.upsert_batch(recs[start : start + LOAD_BATCH])
        ours = time.perf_counter() - t0
    finally:
        store.close()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = open_store(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        for start in range(0, n, LOAD_BATCH):
            sqlite.upsert_batch(recs[start : start + LOAD_BATCH])
        peer = time.perf_counter() - t0
        sqlite.close()
    return {"bench": "neo4j", "metric": metric, "value": _rate(n, ours), "peer": _rate(n, peer), "note": "peer: SQLite"}


def run(quick: bool) -> list[dict[str, object]]:
    """Client-side row building always; server load throughput when NEO4J_URI is set."""
    return [_client_side(QUICK_ROWS if quick else ROWS), _load(QUICK_LOAD if quick else LOAD)]
