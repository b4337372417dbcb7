"""Run every `benchmarks/bench_*.py` module's `run(quick)` and print one table (and write it as JSON).

Usage: python -m benchmarks [--quick] [--only NAME ...] [--json FILE]
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

import benchmarks

COLUMNS = ("bench", "metric", "value", "peer", "note")
#: Columns of the printed tables when the output is a file or a CI log (rich would fold them into 80).
PIPED_WIDTH = 220
#: Modules that run after the others: the generalization table reuses what bench_matching measured.
LAST = ("bench_generalization",)


def _modules(only: list[str]) -> list[str]:
    """Names of the bench modules to run, in alphabetical order (those of LAST at the end)."""
    found = (m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    names = sorted(found, key=lambda n: (n in LAST, n))
    return [n for n in names if not only or any(o in n for o in only)]


def _fmt(value: Any) -> str:
    """A table cell."""
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return "" if value is None else str(value)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; exit 1 if any module failed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--only", nargs="*", default=[], help="run modules whose name contains one of these")
    parser.add_argument("--json", type=Path, default=Path("bench-output/results.json"), help="where to write rows")
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else PIPED_WIDTH)
    rows: list[dict[str, Any]] = []  # every row, for the JSON file
    listed: list[dict[str, Any]] = []  # the rows of the main table
    tables: list[Any] = []  # a module's own table, built by its `table(rows)` from its rows
    failed = []
    for name in _modules(args.only):
        console.print(f"[bold]running {name}[/] ...")
        start = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            found = module.run(args.quick)
            rows.extend(found)
            if hasattr(module, "table"):  # its rows print as their own table, not in the main one
                tables.append(module.table(found))
            else:
                listed.extend(found)
        except Exception:
            failed.append(name)
            console.print(f"[red]{name} failed[/]\n{traceback.format_exc()}")
        console.print(f"  {name} took {time.perf_counter() - start:.1f}s")
    table = Table(title="identity-graph benchmarks" + (" (quick)" if args.quick else ""))
    for col in COLUMNS:
        table.add_column(col, justify="right" if col == "value" else "left", overflow="fold")
    for row in listed:
        table.add_row(*(_fmt(row.get(c)) for c in COLUMNS))
    if listed or not tables:
        console.print(table)
    for extra in tables:
        console.print(extra)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
    if failed:
        console.print(f"[red]failed: {', '.join(failed)}[/]")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
