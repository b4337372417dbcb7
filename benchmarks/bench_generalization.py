"""The generalization table (issue #14): us and Splink on every data set, one row a set, full and small.

Sets: febrl4 (two files to link), febrl3 (one file to deduplicate), Splink's fake_1000 (`benchmarks/datasets.py`),
customers drawn from febrl's value pools at 10k and 100k records (`benchmarks/febrl_pool.py`: does precision
hold as the data grows?), a freshly generated multi-channel set, and a small version of each so small-data
behaviour shows: the first 200 rows of each file (febrl4: of each of its two files), and for the generated set,
which is many files, a 60-person population. Every set runs with the same default `Settings()`: nothing is
tuned per set. Splink runs in the same process on the same rows, set up as its tutorials do for that data, and
clusters at our auto-link probability. Speed is the ratio of our wall time to Splink's in the same run (ours
includes loading the SQLite store; on the generated set, loading its files through the connectors, while
Splink starts from the loaded store).

When `bench_matching` ran first in the same process (`make bench`), its febrl and generated runs are reused
rather than run again (`bench_matching.MEASURED`). `IDGRAPH_BENCH_SETS=febrl4,fake_1000` selects sets (a small
set follows its full one); `--quick` leaves out the big generated set unless `bench_matching` measured it, and
measures one febrl-pool set of 5k instead of 10k and 100k.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
from rich.table import Table

from benchmarks.bench_matching import (
    GENERATED_PEOPLE,
    GENERATED_PEOPLE_QUICK,
    MEASURED,
    SETS_ENV,
    SOURCE,
    LinkType,
    Measured,
    febrl_record,
    febrl_sets,
    febrl_splink_model,
    febrl_truth,
    frame_records,
    resolve_generated,
    run_records,
    splink_frame,
    splink_link,
    true_pairs,
    warm_up,
)
from benchmarks.datasets import (
    FAKE_SOURCE,
    fake_record,
    fake_splink_frame,
    fake_splink_model,
    fake_truth,
    load_fake_1000,
)
from benchmarks.febrl_pool import febrl_pool
from identity_graph.evaluate import evaluate, read_truth
from identity_graph.model import Record
from identity_graph.settings import Settings
from identity_graph.store import open_store

#: Sizes of the febrl-pool customer sets (`benchmarks/febrl_pool.py`): does precision hold as data grows?
POOL_SIZES = (10_000, 100_000)
POOL_SIZES_QUICK = (5_000,)
#: Rows kept from each file of a set for its small version.
SMALL_ROWS = 200
#: People in the small generated set (the generated set is many files: a small population, not a head).
SMALL_PEOPLE = 60
BENCH = "generalization"
#: What the wall times of a generated set cover.
GENERATED_NOTE = "ours: CLI load + resolve (two process starts); splink from the loaded store"
#: The table's columns after the set's name, each one bench row's metric.
METRICS = (
    "items", "true pairs", "ours P", "ours R", "ours F1", "ours s", "splink P", "splink R", "splink F1", "splink s",
    "wall ours/splink", "ours F1 small-full", "splink F1 small-full",
)  # fmt: skip


@dataclass(frozen=True)
class FileSet:
    """A data set in files: one frame a file (two are linked, one deduplicated), how a row becomes our record,
    its truth, and how Splink reads and models it."""

    name: str
    frames: list[pd.DataFrame]
    source: str
    to_record: Callable[[str, Mapping[Any, Any]], Record]
    truth_of: Callable[[pd.DataFrame], dict[tuple[str, str], str]]
    splink_model: Callable[[LinkType], tuple[Any, Callable[[Any], None]]]
    splink_prepare: Callable[[pd.DataFrame], pd.DataFrame]

    def small(self, rows: int = SMALL_ROWS) -> FileSet:
        """The first `rows` rows of each file."""
        return replace(self, name=f"{self.name} first {rows}", frames=[f.head(rows) for f in self.frames])


@dataclass(frozen=True)
class Line:
    """One row of the table: a set's name, its measures (None when our side failed) and, for a small set, the
    name of its full set."""

    name: str
    measured: Measured | None
    full: str | None = None
    note: str = ""


def file_sets(quick: bool = False) -> list[FileSet]:
    """febrl4, febrl3, fake_1000, and febrl-pool customers at each of POOL_SIZES."""
    febrl = [FileSet(name, frames, SOURCE, febrl_record, febrl_truth, febrl_splink_model, splink_frame)
             for name, frames in febrl_sets()]  # fmt: skip
    fake = FileSet("fake_1000", [load_fake_1000()], FAKE_SOURCE, fake_record, fake_truth, fake_splink_model,
                   fake_splink_frame)  # fmt: skip
    sizes = POOL_SIZES_QUICK if quick else POOL_SIZES
    pools = [FileSet(f"febrl-pool {size // 1000}k", [febrl_pool(size)], SOURCE, febrl_record, febrl_truth,
                     febrl_splink_model, splink_frame) for size in sizes]  # fmt: skip
    return [*febrl, fake, *pools]


def _splink_failed(exc: Exception) -> str:
    """A note for a Splink run that did not finish (its EM refuses some small sets)."""
    if isinstance(exc, ImportError):
        return "splink not installed"
    first = str(exc).strip().split(". ")[0].splitlines()[0] if str(exc).strip() else ""
    return f"splink failed: {type(exc).__name__}: {first}"[:200]


def measure_files(fs: FileSet, workdir: Path, splink: bool = True) -> Measured:
    """Us (through the product path: records -> store -> resolve) and Splink on one set of files."""
    frame = pd.concat(fs.frames)
    truth = fs.truth_of(frame)
    ours, timing = run_records(frame_records(frame, fs.to_record), truth, workdir, fs.source)
    found = Measured(ours, timing.total, note="splink not run", pairs=true_pairs(truth))
    if not splink:
        return found
    threshold = Settings().matching.auto_link
    try:
        theirs, splink_timing = splink_link(fs.frames, truth, threshold, fs.splink_model, fs.splink_prepare, fs.source)
    except Exception as exc:  # a small set Splink cannot train on is a finding, not a crash of the table
        return replace(found, note=_splink_failed(exc))
    return replace(found, splink=theirs, splink_s=splink_timing.total, note="")


def measure_generated(people: int, workdir: Path, splink: bool = True) -> Line:
    """A freshly generated set: loaded and resolved with the CLI, then Splink on the same store."""
    g = resolve_generated(people, workdir)
    name = f"generated {people} people"
    if g.error:
        return Line(name, None, note=f"seed {g.seed}: resolve failed: {g.error}")
    store = open_store(g.db)
    try:
        ours = evaluate(store, g.truth)
    finally:
        store.close()
    note = f"seed {g.seed}; {GENERATED_NOTE}"
    found = Measured(ours, g.load_s + g.resolve_s, note=note, pairs=true_pairs(read_truth(g.truth)))
    if splink:
        try:
            from benchmarks.splink_generated import run_splink_generated

            run = run_splink_generated(g.db, g.truth, g.settings)
            found = replace(found, splink=run.scores, splink_s=run.seconds)
        except Exception as exc:
            found = replace(found, note=f"{found.note}; {_splink_failed(exc)}")
    return Line(name, found)


def lines(quick: bool, workdir: Path, only: set[str] | None = None, splink: bool = True) -> list[Line]:
    """Each selected set in full then small, reusing what `bench_matching` measured in this process."""
    out: list[Line] = []
    for fs in file_sets(quick):
        if only and fs.name not in only:
            continue
        full = MEASURED.get(fs.name) if splink else None
        out.append(Line(fs.name, full or measure_files(fs, workdir / fs.name, splink)))
        small = fs.small()
        out.append(Line(small.name, measure_files(small, workdir / f"{fs.name}-small", splink), full=fs.name))
    if only and "generated" not in only:
        return out
    people = GENERATED_PEOPLE_QUICK if quick else GENERATED_PEOPLE
    name = f"generated {people} people"
    if name in MEASURED:
        out.append(Line(name, MEASURED[name], note=f"{MEASURED[name].note}; {GENERATED_NOTE}"))
    elif not quick:
        out.append(measure_generated(people, workdir, splink))
    else:
        name = ""
    out.append(replace(measure_generated(SMALL_PEOPLE, workdir, splink), full=name or None))
    return out


def _r(value: float | None, digits: int = 4) -> float | None:
    """A rounded figure, None kept."""
    return None if value is None else round(value, digits)


def _values(line: Line, full: Measured | None) -> dict[str, object]:
    """The metrics of one line (None where a figure does not exist)."""
    m = line.measured
    if m is None:
        return dict.fromkeys(METRICS)
    s = m.splink

    def gap(small: float | None, whole: float | None) -> float | None:
        """Small-set F1 minus the full set's."""
        return None if small is None or whole is None else small - whole

    full_splink = full.splink.f1 if full and full.splink else None
    return {
        "items": m.ours.items, "true pairs": m.pairs,
        "ours P": _r(m.ours.precision), "ours R": _r(m.ours.recall), "ours F1": _r(m.ours.f1),
        "ours s": _r(m.ours_s, 2),
        "splink P": _r(s.precision) if s else None, "splink R": _r(s.recall) if s else None,
        "splink F1": _r(s.f1) if s else None, "splink s": _r(m.splink_s, 2),
        "wall ours/splink": _r(m.ours_s / m.splink_s, 3) if m.splink_s else None,
        "ours F1 small-full": _r(gap(m.ours.f1, full.ours.f1 if full else None)),
        "splink F1 small-full": _r(gap(s.f1 if s else None, full_splink)),
    }  # fmt: skip


def table_rows(found: list[Line]) -> list[dict[str, object]]:
    """The lines as bench rows {bench, metric, value, peer, note}: one row per set and metric."""
    by_name = {line.name: line.measured for line in found}
    rows: list[dict[str, object]] = []
    for line in found:
        note = line.note or (line.measured.note if line.measured else "")
        values = _values(line, by_name.get(line.full) if line.full else None)
        rows += [{"bench": f"{BENCH} {line.name}", "metric": metric, "value": values[metric],
                  "peer": "splink" if "splink" in metric else "", "note": note} for metric in METRICS]  # fmt: skip
    return rows


def _cell(value: object) -> str:
    """A table cell: '-' for a figure that does not exist."""
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(rows: list[dict[str, object]]) -> Table:
    """The generalization table: one row per set, one column per metric (from this module's bench rows)."""
    sets: dict[str, dict[str, object]] = {}
    notes: dict[str, str] = {}
    for row in rows:
        name = str(row["bench"]).removeprefix(f"{BENCH} ")
        sets.setdefault(name, {})[str(row["metric"])] = row["value"]
        notes[name] = str(row.get("note") or "")
    out = Table(title="generalization: ours and Splink on each data set in the same run, default settings for all")
    out.add_column("set", no_wrap=True)
    for col in METRICS:
        out.add_column(col, justify="right", no_wrap=True)
    out.add_column("note", overflow="fold")
    for name, values in sets.items():
        out.add_row(name, *(_cell(values.get(m)) for m in METRICS), notes[name])
    return out


def run(quick: bool) -> list[dict[str, object]]:
    """The generalization table's rows (`python -m benchmarks` prints them as their own table)."""
    workdir = Path(tempfile.mkdtemp(prefix="bench_generalization_"))
    warm_up()
    only = {s.strip() for s in os.environ.get(SETS_ENV, "").split(",") if s.strip()}
    try:
        return table_rows(lines(quick, workdir, only))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    from rich.console import Console

    Console().print(table(run(quick="--quick" in sys.argv)))
