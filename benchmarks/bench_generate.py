"""Sample generator speed and memory: people and items per second, output size and peak RSS (fixed seed).

Each size runs `identity_graph.generate.generate` in a fresh child process, so the peak RSS reported is the
generator's alone. There is no peer: other fake-data tools (Faker and friends) write one flat table, not
linked multi-channel exports with a truth file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

#: People per run (the brief asks that 100,000 works in reasonable time and memory); quick runs are smaller.
SIZES = (2_000, 100_000)
QUICK_SIZES = (2_000,)
SEED = 20240301

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from identity_graph.generate import generate
start = time.perf_counter()
summary = generate(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
seconds = time.perf_counter() - start
size = sum(p.stat().st_size for p in Path(sys.argv[1]).rglob("*") if p.is_file())
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "items": summary.truth_rows, "bytes": size, "rss_mb": rss_mb}))
"""


def _measure(people: int) -> dict[str, float]:
    """Generate `people` people in a child process; its timings, item count, output size and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp:
        out = Path(tmp) / "set"
        cmd = [sys.executable, "-c", _CHILD, str(out), str(people), str(SEED)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(quick: bool) -> list[dict[str, object]]:
    """One row per figure per size."""
    rows: list[dict[str, object]] = []
    for people in QUICK_SIZES if quick else SIZES:
        m = _measure(people)
        bench = f"generate {people:,} people"
        rows += [
            {"bench": bench, "metric": "seconds", "value": round(m["seconds"], 2), "peer": None, "note": ""},
            {"bench": bench, "metric": "people/s", "value": round(people / m["seconds"]), "peer": None, "note": ""},
            {
                "bench": bench, "metric": "items/s", "value": round(m["items"] / m["seconds"]), "peer": None,
                "note": f"{int(m['items']):,} native items (truth rows)",
            },
            {"bench": bench, "metric": "output MB", "value": round(m["bytes"] / 1e6, 1), "peer": None, "note": ""},
            {"bench": bench, "metric": "peak RSS MB", "value": round(m["rss_mb"]), "peer": None, "note": "child"},
        ]  # fmt: skip
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
