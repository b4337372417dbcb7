"""The HTTP benches' load generators: spawned once, every one up before the start time is set, all beginning at
that time; and `make bench` installs the bench extra only when it is not installed yet."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from benchmarks.bench_service import CLIENT_START_S, Clients

ROOT = Path(__file__).resolve().parents[2]


def began_at(start_at: float) -> tuple[int, float]:
    """A client's stand-in: wait for the common start, then say which process began and when."""
    time.sleep(max(0.0, start_at - time.time()))
    return os.getpid(), time.time()


def test_clients_are_up_before_the_start_and_begin_together() -> None:
    with Clients(2) as clients:
        start_at = clients.start_at()  # returns once both processes have started
        assert 0 < start_at - time.time() <= CLIENT_START_S
        first = clients.map(began_at, [start_at, start_at])
        again = clients.start_at()  # already up: no second wait
        second = clients.map(began_at, [again, again])
    pids = {pid for pid, _ in first}
    assert len(pids) == 2 and pids == {pid for pid, _ in second} and os.getpid() not in pids
    assert all(start_at <= t < start_at + 2.0 for _, t in first)


def _dry_run(venv: Path) -> str:
    """What `make bench QUICK=1` would run with this virtualenv."""
    done = subprocess.run(["make", "-n", "bench", "QUICK=1", f"VENV={venv}"], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=60)  # fmt: skip
    return done.stdout


def test_make_bench_installs_the_bench_extra_once(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed").touch()
    os.utime(venv / ".installed", (time.time() + 60, time.time() + 60))  # newer than pyproject.toml
    assert 'pip install -q -e ".[bench]"' in _dry_run(venv)
    (venv / ".bench-installed").touch()
    os.utime(venv / ".bench-installed", (time.time() + 60, time.time() + 60))
    commands = _dry_run(venv)
    assert "pip install" not in commands
    assert "-m benchmarks --quick" in commands and "-m identity_graph.store.neo4j.bench --quick" in commands
