"""HTTP lookups per second and latency: 2 client processes against uvicorn on 127.0.0.1.

A synthetic store (one CRM contact with a phone and an email per person, already clustered) is served by
`identity_graph.service.create_app` under uvicorn in a subprocess (one worker, as `idgraph serve` runs it).
Two client processes send `GET /api/v1/lookup?q=<phone typed with spaces>` over keep-alive connections with an
agent token; each lookup is audited (one small write), as in production. Bounded by a request count and a
time limit. Reported: lookups per second over both clients, and p50 / p99 latency.
"""

from __future__ import annotations

import http.client
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterable
from multiprocessing.synchronize import Barrier
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from identity_graph.model import ClaimedIdentifier, Identifier, IdentifierKind, Record, RecordKind
from identity_graph.persons import apply_clustering
from identity_graph.service.auth import Role, create_token
from identity_graph.store import PreparedRecord, open_store

#: Persons in the store, full and quick run.
PERSONS, QUICK_PERSONS = 200_000, 5_000
#: Lookups per client process, full and quick run, and the time limit of the measured phase (seconds).
REQUESTS, QUICK_REQUESTS = 3000, 500
TIME_LIMIT_S = 60.0
#: Client processes (the issue asks for 2).
CLIENTS = 2
#: Seconds from every client process being up (its imports done) to all of them beginning at once: time to
#: connect.
CLIENT_START_S = 0.5
#: Records loaded per batch while building the store.
LOAD_BATCH = 50_000
#: Added to the person number to make a valid US subscriber number (exchanges must not start with 0 or 1).
PHONE_BASE = 2_000_000
#: Seconds to wait for the server to answer its health check.
START_TIMEOUT_S = 30.0

_SERVER = """
import sys, uvicorn
from pathlib import Path
from identity_graph.service import create_app
from identity_graph.settings import Settings
app = create_app(Settings(db=Path(sys.argv[1]), service={"reads_per_minute": 0}))  # measures the service, unthrottled
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="error", access_log=False)
"""


def _phone(person: int) -> str:
    """The person's phone in E.164."""
    return f"+1415{PHONE_BASE + person:07d}"


def _spaced(person: int) -> str:
    """The person's phone as an agent types it: `415 000 0123`."""
    digits = f"415{PHONE_BASE + person:07d}"
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def build(path: Path, persons: int) -> str:
    """Load and cluster the synthetic store; returns an agent token."""
    store = open_store(path)
    for start in range(0, persons, LOAD_BATCH):
        batch = []
        for p in range(start, min(persons, start + LOAD_BATCH)):
            phone = Identifier(kind=IdentifierKind.PHONE, value=_phone(p))
            email = Identifier(kind=IdentifierKind.EMAIL, value=f"person{p}@example.org")
            rec = Record(source="crm", source_id=f"c{p}", kind=RecordKind.CONTACT, first_name="Pat", last_name=f"N{p}")
            claims = (
                ClaimedIdentifier(identifier=phone, field="Phone", raw=_spaced(p)),
                ClaimedIdentifier(identifier=email, field="Email", raw=email.value),
            )
            batch.append(PreparedRecord(record=rec, identifiers=claims))
        store.upsert_batch(batch)
    apply_clustering(store, [[r] for r in store.record_ids()], "bench")
    token, _ = create_token(store, Role.AGENT, "bench")
    store.close()
    return token


def _client(args: tuple[int, str, int, int, int, float]) -> tuple[list[float], float, float]:
    """One client process: `count` lookups of spread-out persons; returns latencies in ms, start and end times."""
    port, token, count, persons, offset, start_at = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/healthz")  # connect before the clock starts
    conn.getresponse().read()
    time.sleep(max(0.0, start_at - time.time()))  # both clients start together
    started = time.time()
    deadline = started + TIME_LIMIT_S
    headers = {"Authorization": f"Bearer {token}"}
    out: list[float] = []
    for i in range(count):
        if time.time() > deadline:
            break
        person = (offset + i * 7919) % persons
        url = "/api/v1/lookup?" + urllib.parse.urlencode({"q": _spaced(person)})
        t0 = time.perf_counter()
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        body = response.read()
        out.append((time.perf_counter() - t0) * 1000)
        if response.status != 200 or b'"person_id"' not in body:
            raise RuntimeError(f"lookup failed: {response.status}")
    ended = time.time()
    conn.close()
    return out, started, ended


def _free_port() -> int:
    """A free loopback port."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


Job = TypeVar("Job")
Result = TypeVar("Result")


def _client_ready(barrier: Barrier) -> None:
    """A client process's initializer: wait until every client process and the parent are there."""
    barrier.wait(timeout=START_TIMEOUT_S)


class Clients:
    """`count` spawned load-generator processes, started once (while the server starts) and used for every
    measurement; they all begin at one wall time, a moment after every one of them is up."""

    def __init__(self, count: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._barrier = ctx.Barrier(count + 1)
        self._pool = ctx.Pool(count, initializer=_client_ready, initargs=(self._barrier,))
        self._up = False

    def start_at(self) -> float:
        """A wall time CLIENT_START_S ahead at which every client can begin (the first time, once all are up)."""
        if not self._up:
            self._barrier.wait(timeout=START_TIMEOUT_S)
            self._up = True
        return time.time() + CLIENT_START_S

    def map(self, work: Callable[[Job], Result], jobs: Iterable[Job]) -> list[Result]:
        """One job a process, the results in order."""
        return self._pool.map(work, jobs)

    def __enter__(self) -> Clients:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._pool.terminate()
        self._pool.join()


def _wait_healthy(port: int) -> None:
    """Block until the server answers /healthz."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the service did not start")


def measure(persons: int, requests: int) -> list[dict[str, object]]:
    """Serve a store of `persons` and time lookups from CLIENTS processes."""
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        path = Path(tmp) / "store.db"
        t0 = time.perf_counter()
        token = build(path, persons)
        build_s = time.perf_counter() - t0
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-c", _SERVER, str(path), str(port)])
        try:
            with Clients(CLIENTS) as clients:  # they start while the server does
                _wait_healthy(port)
                start_at = clients.start_at()
                jobs = [(port, token, requests, persons, k * 104729, start_at) for k in range(CLIENTS)]
                results = clients.map(_client, jobs)
            elapsed = max(r[2] for r in results) - min(r[1] for r in results)
        finally:
            server.terminate()
            server.wait(timeout=10)
    latencies = sorted(x for r in results for x in r[0])
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
    label = f"{persons // 1000}k persons"
    note = f"{len(latencies)} lookups, {CLIENTS} client processes, 1 uvicorn worker; store built in {build_s:.0f}s"
    return [
        {"bench": "service", "metric": f"HTTP lookups/s @ {label}", "value": len(latencies) / elapsed, "peer": "",
         "note": note},
        {"bench": "service", "metric": f"lookup p50 ms @ {label}", "value": statistics.median(latencies), "peer": "",
         "note": "phone typed with spaces, keep-alive, audited"},
        {"bench": "service", "metric": f"lookup p99 ms @ {label}", "value": p99, "peer": "", "note": ""},
    ]  # fmt: skip


def run(quick: bool) -> list[dict[str, object]]:
    """Lookups per second and latency over HTTP."""
    return measure(QUICK_PERSONS if quick else PERSONS, QUICK_REQUESTS if quick else REQUESTS)


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
