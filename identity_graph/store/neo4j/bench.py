"""The Bolt store beside the embedded one on the same data (`make bench` runs it after the main benchmarks).

`python -m identity_graph.store.neo4j.bench [--quick]` generates a data set, loads it with its manifest into a
SQLite file and into the Neo4j store on ArcadeDB's Bolt server started on loopback (`local_server`), resolves both,
looks customers up by phone and by name in both, and prints one table: load and resolve seconds, lookup
milliseconds (median and p95) and whether both stores found the same persons. Figures for a real Neo4j come from
pointing NEO4J_URI (with NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE) at it; its database is emptied first.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from identity_graph.generate import generate
from identity_graph.ingest_manifest import load_manifest
from identity_graph.lookup import lookup
from identity_graph.model import IdentifierKind
from identity_graph.resolve import resolve_all
from identity_graph.settings import Settings, load_settings
from identity_graph.store import GraphStore, open_store
from identity_graph.store.neo4j import open_neo4j
from identity_graph.store.neo4j.local_server import LocalBoltServer, start_local_server

#: Generated customers for the full run and for `--quick`.
PEOPLE = 2_000
QUICK_PEOPLE = 150
#: The generator's seed (the same data every run).
SEED = 7
#: Lookups timed per kind (phone, name), full run and `--quick`.
LOOKUPS = 200
QUICK_LOOKUPS = 50
#: Percentile reported beside the median.
TAIL = 0.95


def _timed(work: Callable[[], object]) -> float:
    """Seconds `work` takes."""
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


Probes = tuple[list[str], list[str]]


def _probes(store: GraphStore, n: int) -> Probes:
    """Phones and surnames of the first `n` persons' records, as an agent would type them."""
    phones: list[str] = []
    names: list[str] = []
    for batch in store.iter_records(batch_size=n):
        for r in batch:
            phone = next((c.identifier.value for c in r.claimed if c.identifier.kind is IdentifierKind.PHONE), None)
            if phone and len(phones) < n:
                phones.append(phone)
            if r.last_name and len(names) < n:
                names.append(f"{r.first_name or ''} {r.last_name}".strip())
        break
    return phones, names


def _lookup_ms(store: GraphStore, texts: list[str], settings: Settings) -> tuple[float, float, list[list[int]]]:
    """Median and tail milliseconds of looking each text up, and the persons found."""
    times, found = [], []
    for text in texts:
        began = time.perf_counter()
        hits = lookup(store, text, settings)
        times.append((time.perf_counter() - began) * 1000)
        found.append(sorted(h.person_id for h in hits))
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * TAIL))], found


@dataclass
class Figures:
    """One store's figures."""

    store: str
    records: int = 0
    persons: int = 0
    load_s: float = 0.0
    resolve_s: float = 0.0
    lookup_ms: dict[str, tuple[float, float]] = field(default_factory=dict)
    found: dict[str, list[list[int]]] = field(default_factory=dict)


def _run(
    name: str, store: GraphStore, data: Path, settings: Settings, probes: Probes | None, lookups: int = LOOKUPS
) -> tuple[Figures, Probes]:
    """Load, resolve and look up on one store (`lookups` probes a kind taken from it when not given); its
    figures."""
    row = Figures(name)
    row.load_s = _timed(lambda: load_manifest(store, data / "manifest.toml", settings))
    row.resolve_s = _timed(lambda: resolve_all(store, settings))
    counts = store.counts()
    row.records, row.persons = counts["records"], counts["persons"]
    probes = probes or _probes(store, lookups)
    for kind, texts in zip(("phone", "name"), probes, strict=True):
        median, tail, found = _lookup_ms(store, texts, settings)
        row.lookup_ms[kind], row.found[kind] = (median, tail), found
    return row, probes


def _bolt_store(root: Path) -> tuple[str, GraphStore, LocalBoltServer | None]:
    """The Neo4j store to measure: NEO4J_URI's server (emptied) or ArcadeDB's started here."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        env = os.environ.get
        store = open_neo4j(uri, env("NEO4J_USER", "neo4j"), env("NEO4J_PASSWORD", ""), env("NEO4J_DATABASE"))
        store.clear()
        return "bolt (Neo4j)", store, None
    server = start_local_server(root / "arcadedb")
    store = open_neo4j(server.uri, server.user, server.password, server.create_database("bench"))
    return "bolt (ArcadeDB)", store, server


def main(argv: list[str]) -> int:
    """Generate, load, resolve and look up on both stores; print the table."""
    quick = "--quick" in argv
    people, lookups = (QUICK_PEOPLE, QUICK_LOOKUPS) if quick else (PEOPLE, LOOKUPS)
    with tempfile.TemporaryDirectory(prefix="idgraph-bolt-bench-") as tmp:
        root = Path(tmp)
        data = root / "data"
        generate(data, people, SEED)
        settings = load_settings(data / "idgraph.toml", db=root / "bench.db")
        embedded = open_store(root / "bench.db")
        try:
            first, probes = _run("sqlite", embedded, data, settings, None, lookups)
        finally:
            embedded.close()
        label, bolt, server = _bolt_store(root)
        try:
            second, _ = _run(label, bolt, data, settings, probes)
        finally:
            bolt.close()
            if server is not None:
                server.stop()
    _print([first, second], people, lookups)
    return 0


def _print(rows: list[Figures], people: int, lookups: int) -> None:
    """The figures as a plain table."""
    print(f"\nGraph stores on the same data ({people:,} generated customers, seed {SEED}; {lookups} lookups a kind)")
    print(
        f"{'store':<17}{'records':>8}{'persons':>8}{'load s':>8}{'resolve s':>10}"
        f"{'phone ms p50/p95':>18}{'name ms p50/p95':>17}"
    )
    for r in rows:
        phone, name = r.lookup_ms["phone"], r.lookup_ms["name"]
        print(
            f"{r.store:<17}{r.records:>8,}{r.persons:>8,}{r.load_s:>8.1f}{r.resolve_s:>10.1f}"
            f"{f'{phone[0]:.1f} / {phone[1]:.1f}':>18}{f'{name[0]:.1f} / {name[1]:.1f}':>17}"
        )
    same = all(len(r.found["phone"]) == len(rows[0].found["phone"]) for r in rows)
    same = same and all(
        [len(f) for f in r.found[k]] == [len(f) for f in rows[0].found[k]] for r in rows for k in r.found
    )
    print("every store found as many persons for each lookup" if same else "the stores' lookups found different counts")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
