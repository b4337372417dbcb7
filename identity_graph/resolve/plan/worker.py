"""A worker process of the plan (`workers.in_processes`): a program of its own, spoken to over its standard input
and output in length-prefixed pickles.

The first message is the function to run; each next one is a job, answered by `("ok", result)` or
`("error", what went wrong)`; the end of its input ends it. Started by `Worker.start` with this interpreter
(`WORKER_PROGRAM`); it writes nothing else to its output.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import subprocess
import sys
from dataclasses import dataclass
from typing import IO, Any

from identity_graph.errors import IdentityGraphError

#: The length prefix of every message: an unsigned 64-bit count of the pickle's bytes.
HEADER = struct.Struct("<Q")
#: What a worker process runs (with this interpreter): `serve` on its standard input and output.
WORKER_PROGRAM = (
    "import sys; from identity_graph.resolve.plan.worker import serve; serve(sys.stdin.buffer, sys.stdout.buffer)"
)
#: How long a stopped worker is given to end before it is killed (seconds).
STOP_WAIT = 10


class WorkerError(IdentityGraphError):
    """A worker process failed a job, or stopped before answering it."""


def write_message(stream: IO[bytes], payload: bytes) -> None:
    """One length-prefixed message."""
    stream.write(HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def read_message(stream: IO[bytes]) -> bytes | None:
    """One length-prefixed message, or None at the end of the stream."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return payload


@dataclass
class Worker:
    """The parent's handle on one worker process: send a job, then read its result."""

    process: subprocess.Popen[bytes]
    busy: bool = False  # a job was sent whose result was not read
    task: str = "comparing"  # what its jobs are, as an error names them: "comparing", "building features"

    @classmethod
    def start(cls, function: bytes, task: str = "comparing") -> Worker:
        """A worker running this pickled function on each job (`task`: what the jobs are, for its errors)."""
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER_PROGRAM],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=worker_environment(),
        )
        worker = cls(process, task=task)
        worker._write(function)
        return worker

    def send(self, job: Any) -> None:
        """Give the worker its next job."""
        self._write(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        self.busy = True

    def result(self) -> Any:
        """The last job's result (a WorkerError if the job failed or the worker stopped)."""
        assert self.process.stdout is not None
        message = read_message(self.process.stdout)
        self.busy = False
        if message is None:
            code = self.process.wait()
            raise WorkerError(f"a worker process ({self.task}) stopped (exit code {code}) before it answered")
        status, value = pickle.loads(message)
        if status != "ok":
            raise WorkerError(f"a worker process ({self.task}) failed: {value}")
        return value

    def stop(self) -> None:
        """End the worker: close its input and wait a little, kill it if it does not end; one still working on a
        job nobody will read (the run stopped) is killed at once (its answer would fill its output and wait)."""
        if self.busy and self.process.poll() is None:
            self.process.kill()
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(OSError):  # it stopped already
                self.process.stdin.close()
        try:
            self.process.wait(timeout=STOP_WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def _write(self, payload: bytes) -> None:
        """A message to the worker (a WorkerError if it stopped)."""
        assert self.process.stdin is not None
        try:
            write_message(self.process.stdin, payload)
        except (BrokenPipeError, OSError) as exc:
            raise WorkerError(f"a worker process ({self.task}) stopped (exit code {self.process.poll()})") from exc


def worker_environment() -> dict[str, str]:
    """This process's environment, with its import path as the worker's PYTHONPATH: a worker imports what this
    process imports, also where a program put the package on its path itself."""
    paths = [p for p in sys.path if p]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """The worker's loop: the function first, then each job's answer until the input ends. Ctrl-C reaches the
    whole process group: the worker leaves it to its parent, which stops it by closing its input (no traceback
    of a worker's on the user's screen)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    first = read_message(source)
    if first is None:
        return
    function = pickle.loads(first)
    del first  # the function is unpickled: its bytes are not held while the jobs run
    while (message := read_message(source)) is not None:
        try:
            answer: tuple[str, Any] = ("ok", function(pickle.loads(message)))
        except Exception as exc:  # reported to the parent, which raises it as a WorkerError
            answer = ("error", f"{type(exc).__name__}: {exc}")
        write_message(sink, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
