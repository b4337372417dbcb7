"""HTTP profile lookups per second and latency with 1 and 2 worker processes (`idgraph serve --workers N`).

The store is bench_service's (one CRM contact with a phone and an email per person, clustered). The real
`idgraph serve --workers N` serves it on 127.0.0.1 (reads unthrottled); CLIENTS load-generator processes on the
same machine, each with CONNECTIONS keep-alive sockets and pre-built requests (so the generator takes little of
the two cores), send `GET /api/v1/lookup?q=<phone typed with spaces>` with an agent token, each lookup audited
as in production. Reported per worker count: lookups per second over all clients, p50 and p99 latency.
The issue's target: 1,000 lookups/s on 2 cores with p99 at most 5 ms.
"""

from __future__ import annotations

import os
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from benchmarks.bench_service import Clients, _free_port, _spaced, _wait_healthy, build

#: Persons in the store, full and quick run.
PERSONS, QUICK_PERSONS = 200_000, 5_000
#: Lookups per client process, full and quick run.
REQUESTS, QUICK_REQUESTS = 5000, 500
#: Load-generator processes, keep-alive connections per process (each waits for its answer before asking
#: again), and the worker counts measured.
CLIENTS = 2
CONNECTIONS = 1
WORKER_COUNTS = (1, 2)
IDGRAPH = Path(sys.executable).with_name("idgraph")


def _percentile(sorted_ms: list[float], share: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, round(share * (len(sorted_ms) - 1)))]


def _request(token: str, person: int) -> bytes:
    """The raw bytes of one keep-alive lookup request."""
    query = urllib.parse.urlencode({"q": _spaced(person)})
    return (f"GET /api/v1/lookup?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n").encode()


def _response_done(buffer: bytes) -> int:
    """The length of the first complete response in `buffer`, or 0 while it is incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return 0
    head = buffer[:end].lower()
    start = head.find(b"content-length:") + len(b"content-length:")
    stop = head.find(b"\r\n", start)
    length = int(head[start : stop if stop >= 0 else len(head)])
    total = end + 4 + length
    return total if len(buffer) >= total else 0


def _client(args: tuple[int, str, int, int, int, float]) -> tuple[list[float], float, float]:
    """One load-generator process: CONNECTIONS keep-alive sockets, each sending its next lookup as soon as the
    last answer is in (requests pre-built, answers checked for 200); returns latencies in ms, start and end."""
    port, token, count, persons, offset, start_at = args
    requests = [_request(token, (offset + i * 7919) % persons) for i in range(count)]
    selector = selectors.DefaultSelector()
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(CONNECTIONS)]
    time.sleep(max(0.0, start_at - time.time()))
    started = time.time()
    out: list[float] = []
    sent = 0
    state: dict[socket.socket, tuple[float, bytes]] = {}
    by_fd = {sock.fileno(): sock for sock in socks}
    for sock in socks:
        if sent < count:
            sock.sendall(requests[sent])
            sent += 1
            state[sock] = (time.perf_counter(), b"")
            selector.register(sock, selectors.EVENT_READ)
    while state:
        for key, _ in selector.select(timeout=30):
            sock = by_fd[key.fd]
            t0, buffer = state[sock]
            buffer += sock.recv(65536)
            size = _response_done(buffer)
            if not size:
                state[sock] = (t0, buffer)
                continue
            out.append((time.perf_counter() - t0) * 1000)
            if not buffer.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"lookup failed: {buffer[:80]!r}")
            if sent < count:
                sock.sendall(requests[sent])
                sent += 1
                state[sock] = (time.perf_counter(), b"")
            else:
                selector.unregister(sock)
                del state[sock]
    ended = time.time()
    for sock in socks:
        sock.close()
    return out, started, ended


def measure(path: Path, token: str, persons: int, requests: int, workers: int, clients: Clients) -> dict[str, float]:
    """Serve the store with `workers` processes and time the client processes' lookups against it."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDGRAPH_")}
    env["IDGRAPH_SERVICE__READS_PER_MINUTE"] = "0"  # measures the service, unthrottled
    argv = [str(IDGRAPH), "--db", str(path), "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(port)
        start_at = clients.start_at()
        jobs = [(port, token, requests, persons, k * 104729, start_at) for k in range(CLIENTS)]
        results = clients.map(_client, jobs)
    finally:
        server.terminate()
        server.wait(timeout=20)
    elapsed = max(r[2] for r in results) - min(r[1] for r in results)
    latencies = sorted(x for r in results for x in r[0])
    return {
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p99": _percentile(latencies, 0.99),
        "n": float(len(latencies)),
    }


def run(quick: bool) -> list[dict[str, object]]:
    """Lookups per second and latency over HTTP, for each worker count."""
    persons = QUICK_PERSONS if quick else PERSONS
    requests = QUICK_REQUESTS if quick else REQUESTS
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        path = Path(tmp) / "store.db"
        token = build(path, persons)
        with Clients(CLIENTS) as clients:  # started once, while the first server starts
            for workers in WORKER_COUNTS:
                rows += _rows(measure(path, token, persons, requests, workers, clients), persons, workers)
    return rows


def _rows(got: dict[str, float], persons: int, workers: int) -> list[dict[str, object]]:
    """The bench rows of one worker count."""
    label = f"{persons // 1000}k persons, {workers} worker{'s' if workers > 1 else ''}"
    note = f"{got['n']:.0f} lookups, {CLIENTS}x{CONNECTIONS} connections, {os.cpu_count()} cores"
    return [
        {"bench": "http", "metric": f"lookups/s @ {label}", "value": got["rate"], "peer": "", "note": note},
        {"bench": "http", "metric": f"lookup p50 ms @ {label}", "value": got["p50"], "peer": "",
         "note": "phone typed with spaces, keep-alive, audited"},
        {"bench": "http", "metric": f"lookup p99 ms @ {label}", "value": got["p99"], "peer": "",
         "note": "target: 1,000/s with p99 <= 5 ms on 2 cores"},
    ]  # fmt: skip


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
