"""The scale bench: one side in a process of its own reports its figures and its whole process's peak memory;
the rows and the growth plot are made from them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.bench_scale import CHILD_SETTLE_S, TreePeak, label, peak_mb, plot, rows_of, set_names


def test_one_side_runs_in_its_own_process_and_reports_peak_memory(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "benchmarks.bench_scale", "--side", "ours", "--set", "pool:1500", "--engine",
           "duckdb", "--workdir", str(tmp_path)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert 1500 <= found["records"] <= 1502
    assert found["f1"] > 0.9 and found["pairs"] > 0
    assert 50 < found["peak_mb"] < 3000  # the child's own peak, in MB
    assert found["total_s"] >= found["resolve_s"] > 0


def test_rows_say_time_ratio_memory_and_f1_and_the_plot_is_written(tmp_path: Path) -> None:
    ours = {"records": 100_000, "total_s": 40.0, "load_s": 10.0, "resolve_s": 30.0, "pairs": 500_000,
            "peak_mb": 1500.0, "f1": 0.99}  # fmt: skip
    splink = {"records": 100_000, "total_s": 20.0, "peak_mb": 500.0, "f1": 0.98}
    rows = {r["metric"]: r["value"] for r in rows_of("pool:100000", ours, splink)}
    assert rows["time ours / splink"] == 2.0 and rows["ours peak MB"] == 1500 and rows["splink F1"] == 0.98
    failed = rows_of("pool:100000", {"error": "stopped"}, splink)
    assert failed[0]["value"] == "failed" and failed[0]["note"] == "stopped"
    path = tmp_path / "scaling.png"
    plot({"pool:100000": (ours, splink), "pool:300000": ({**ours, "records": 300_000}, splink)}, path)
    assert path.stat().st_size > 1000
    assert label("pool:1000000") == "febrl-pool 1M" and set_names(quick=True) == ["pool:20000"]


def test_the_peak_counts_a_worker_process_too() -> None:
    memory = TreePeak()
    worker = subprocess.run(  # a child that holds 300 MB for longer than it takes to be counted
        [sys.executable, "-c", "import time; b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096]); "
         "time.sleep(2 * CHILD_SETTLE_S + 1)".replace("CHILD_SETTLE_S", str(CHILD_SETTLE_S))],
        check=True,
    )  # fmt: skip
    assert worker.returncode == 0
    assert memory.stop() >= peak_mb() + 250
