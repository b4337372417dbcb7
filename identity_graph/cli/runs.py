"""`idgraph runs`: the load history, newest first (what each `ingest` / `load` did, and its notes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from identity_graph.cli.app import app, audit, console, state
from identity_graph.store.runs import DEFAULT_RUNS_LIMIT, IngestRun

#: The audit log's action for reading the load history.
RUNS_READ = "runs.read"
#: Narrowest the source (format) column gets on a narrow terminal (it wraps rather than vanish).
SOURCE_MIN_WIDTH = 12


def runs_table(runs: Sequence[IngestRun], title: str) -> Table:
    """One row per load: id, when it started (UTC), source (format) and its counts; fits an 80-column terminal."""
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("started (UTC)", no_wrap=True)
    table.add_column("source (format)", min_width=SOURCE_MIN_WIDTH)
    for name in ("loaded", "updated", "unchanged", "quarantined"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in runs:
        table.add_row(
            str(r.id),
            r.started_at.strftime("%Y-%m-%d %H:%M"),
            escape(f"{r.source} ({r.format})"),
            f"{r.loaded:,}",
            f"{r.updated:,}",
            f"{r.unchanged:,}",
            f"[red]{r.quarantined:,}[/]" if r.quarantined else "0",
        )
    return table


def print_notes(runs: Sequence[IngestRun]) -> None:
    """The notes of each load under the table, by load id (a notes column would not fit a terminal)."""
    for r in runs:
        for note in r.notes:
            console.print(f"[yellow]note[/] (load {r.id}, {escape(r.source)}): {escape(note)}", highlight=False)


@app.command("runs")
def runs_command(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Option("--source", "-s", help="Only the loads of this source.")] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="How many loads to show, newest first.")
    ] = DEFAULT_RUNS_LIMIT,
    as_json: Annotated[bool, typer.Option("--json", help="Print the loads as a JSON list instead of a table.")] = False,
) -> None:
    """Show the load history, newest first: when each load ran, its source and format, what it loaded, updated,
    found unchanged or quarantined, and its notes (quarantine file, notices, why it stopped)."""
    runs = state(ctx).store().ingest_runs(limit, source)
    audit(ctx, RUNS_READ, f"source:{source}" if source else "", f"rows={len(runs)}")
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in runs], ensure_ascii=False, indent=2))
        return
    of_source = f" of source {escape(source)}" if source else ""
    if not runs:
        console.print(f"no loads recorded{of_source} yet", highlight=False)
        return
    console.print(runs_table(runs, f"load history{of_source}: the {len(runs)} newest"))
    print_notes(runs)
