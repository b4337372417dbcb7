"""A throwaway Bolt server on loopback for tests and benchmarks: ArcadeDB's, from PyPI's `arcadedb-embedded`.

`arcadedb-embedded` (Apache-2.0, in the `dev` extra) is a wheel with its own Java runtime and ArcadeDB's Bolt
plugin; its server reports itself Neo4j 5.26-compatible over Bolt 5.4, so the official driver and this package's
Neo4j store talk to it as to Neo4j. `start_local_server(root)` runs it in a child process (`python -m
identity_graph.store.neo4j.local_server ROOT`, so the JVM never enters the caller's process) on free ports of
127.0.0.1, with a random root password, and returns a handle that creates databases and stops it. The child
speaks a line protocol on its standard streams: it prints `{"bolt": PORT, ...}` once started, then answers
`create NAME` with `ok NAME`, and stops when its input closes.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from identity_graph.errors import StoreError

#: ArcadeDB's Bolt plugin, as the server's plugin list names it.
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
#: The server's administrator (ArcadeDB's own name for it).
ROOT_USER = "root"
#: JVM heap of the server: ample for test and benchmark databases, small beside the machine's memory.
HEAP_SIZE = "2g"
#: How long starting the server may take before it counts as failed, in seconds (it takes ~3 s).
START_TIMEOUT_SECONDS = 120.0
#: How long creating a database or stopping the server may take, in seconds.
COMMAND_TIMEOUT_SECONDS = 60.0
#: Lines of the server's log quoted when it fails to start.
LOG_TAIL_LINES = 20
#: What a database name may be (ArcadeDB keeps each database as a folder of that name).
DATABASE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalBoltServer:
    """A running ArcadeDB Bolt server in a child process: its address, credentials, and how to stop it."""

    bolt_port: int
    password: str
    root: Path
    process: subprocess.Popen[str] = field(repr=False)
    user: str = ROOT_USER
    started_in: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def uri(self) -> str:
        """The server's bolt:// URI."""
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def create_database(self, name: str) -> str:
        """Create an empty database (ArcadeDB has no `CREATE DATABASE` over Bolt) and return its name."""
        if not DATABASE_NAME.fullmatch(name):
            raise ValueError(f"not a database name: {name!r}")
        with self._lock:
            _send(self.process, f"create {name}")
            answer = _read_line(self.process, COMMAND_TIMEOUT_SECONDS)
        if answer != f"ok {name}":
            raise StoreError(f"ArcadeDB Bolt server: creating database {name} failed: {answer or 'no answer'}")
        return name

    def stop(self) -> None:
        """Stop the server: close its input (it stops itself), then terminate it if it lingers."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(COMMAND_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(COMMAND_TIMEOUT_SECONDS)

    def __enter__(self) -> LocalBoltServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _send(process: subprocess.Popen[str], line: str) -> None:
    """Write one command line to the child."""
    if process.stdin is None or process.poll() is not None:
        raise StoreError("ArcadeDB Bolt server: the server process has ended")
    process.stdin.write(line + "\n")
    process.stdin.flush()


def _read_line(process: subprocess.Popen[str], timeout: float) -> str | None:
    """The child's next output line, or None when it ends or says nothing within `timeout` seconds."""
    out: list[str] = []
    stream: IO[str] | None = process.stdout
    if stream is None:
        return None
    reader = threading.Thread(target=lambda: out.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return out[0].strip() if out and out[0] else None


def _log_tail(path: Path) -> str:
    """The last lines of the server's log, for an error message."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(lines[-LOG_TAIL_LINES:])


def start_local_server(root: Path, *, heap_size: str = HEAP_SIZE) -> LocalBoltServer:
    """Start ArcadeDB's Bolt server in a child process with its databases under `root`; raise StoreError with
    the reason (and the server's log) when it cannot start, e.g. when `arcadedb-embedded` is not installed."""
    root.mkdir(parents=True, exist_ok=True)
    password = secrets.token_hex(12)
    log = root / "server.log"
    began = time.monotonic()
    with log.open("w", encoding="utf-8") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(root), "--heap", heap_size],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True, cwd=root,
        )  # fmt: skip
    _send(process, password)
    line = _read_line(process, START_TIMEOUT_SECONDS)
    try:
        ports: dict[str, Any] = json.loads(line or "")
        bolt = int(ports["bolt"])
    except (ValueError, KeyError, TypeError):
        process.kill()
        process.wait()
        raise StoreError(f"ArcadeDB Bolt server did not start: {line or 'no answer'}\n{_log_tail(log)}") from None
    return LocalBoltServer(bolt, password, root, process, started_in=time.monotonic() - began)


def _serve(root: Path, heap_size: str) -> int:
    """The child: start the server, report its ports, create databases on request, stop when input closes."""
    password = sys.stdin.readline().strip()
    try:
        from arcadedb_embedded.server import ArcadeDBServer
    except ImportError as exc:
        print(f"arcadedb-embedded is not installed ({exc}); `make install` brings it", flush=True)
        return 1
    bolt, http = free_port(), free_port()
    config = {"host": "127.0.0.1", "http_port": http, "server_plugins": BOLT_PLUGIN, "bolt_port": bolt}
    server = ArcadeDBServer(str(root / "databases"), password, config, jvm_kwargs={"heap_size": heap_size})
    try:
        server.start()
    except Exception as exc:
        print(f"start failed: {type(exc).__name__}: {exc}".replace("\n", " "), flush=True)
        return 1
    print(json.dumps({"bolt": bolt, "http": http}), flush=True)
    try:
        for line in sys.stdin:
            command, _, name = line.strip().partition(" ")
            if command == "create" and DATABASE_NAME.fullmatch(name):
                try:
                    server.create_database(name)
                    print(f"ok {name}", flush=True)
                except Exception as exc:
                    print(f"error {type(exc).__name__}".replace("\n", " "), flush=True)
            else:
                print(f"error unknown command {command!r}", flush=True)
    finally:
        server.stop()
    return 0


def main(argv: list[str]) -> int:
    """`python -m identity_graph.store.neo4j.local_server ROOT [--heap SIZE]` (started by `start_local_server`)."""
    heap = argv[argv.index("--heap") + 1] if "--heap" in argv else HEAP_SIZE
    return _serve(Path(argv[0]), heap)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
