"""Commands that load data: `ingest` (files of one format) and `load` (a manifest of several loads)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from connectors.registry import formats
from identity_graph.cli.app import app, audit, console, err_console, state
from identity_graph.ingest import IngestResult, expand_paths, ingest, input_size
from identity_graph.ingest_manifest import load_manifest, manifest_size, read_manifest


@contextmanager
def _progress_bar(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A byte progress bar on stderr; yields a callback taking the bytes done."""
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=False) as bar:
        task = bar.add_task(label, total=max(total, 1))

        def update(done: int) -> None:
            """Move the bar to `done` bytes."""
            bar.update(task, completed=min(done, total))

        yield update
        bar.update(task, completed=total)


def summary_table(results: Sequence[IngestResult]) -> Table:
    """One row per load: items read (records and interactions), loaded / updated / unchanged / quarantined."""
    dry = any(r.dry_run for r in results)
    table = Table(title="dry run: nothing written" if dry else "load summary")
    table.add_column("source (format)", no_wrap=True)
    for name in ("items", "loaded", "updated", "unchanged", "quarantined"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in results:
        s = r.stats
        written = ("-", "-", "-") if r.dry_run else (f"{s.loaded:,}", f"{s.updated:,}", f"{s.unchanged:,}")
        items = f"{r.records_seen + r.interactions_seen:,}"
        table.add_row(f"{r.source} ({r.format})", items, *written, f"{r.quarantined:,}")
    return table


def print_summary(results: Sequence[IngestResult]) -> None:
    """The summary table, then notices, sample rejects and where the quarantine files are."""
    console.print(summary_table(results))
    for r in results:
        for note in r.notes():
            console.print(f"[yellow]note[/] ({r.source}): {note}", highlight=False)
        if r.quarantined and r.quarantine_file is not None:
            console.print(f"quarantined rows of {r.source}: {r.quarantine_file}", highlight=False)
        elif r.quarantined:
            for line in r.rejects:
                console.print(f"[red]rejected[/] {line}", highlight=False)


@app.command(name="ingest")
def ingest_command(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files (or folders for eml/maildir); globs allowed.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"Input format: {', '.join(formats())}.")],
    source: Annotated[str, typer.Option("--source", "-s", help="Name of this source, e.g. crm or pbx.")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="Mapping file (TOML) for csv, jsonl and friends.")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first malformed row.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and validate, write nothing.")] = False,
) -> None:
    """Load files of one export format (CRM, call log, mail, send log, social) into the store."""
    st = state(ctx)
    settings = st.settings
    inputs = expand_paths(paths, fmt)
    store = None if dry_run else st.store()
    with _progress_bar(input_size(inputs), f"{fmt} → {source}") as update:
        result = ingest(
            store, fmt, source, inputs, settings, mapping=mapping, strict=strict, dry_run=dry_run, progress=update
        )
    if not dry_run:
        _audit_loads(ctx, [result])
    print_summary([result])


def _audit_loads(ctx: typer.Context, results: Sequence[IngestResult]) -> None:
    """One audit entry per load: which source, and how many items it added or changed."""
    for r in results:
        run = f"run={r.run_id} " if r.run_id is not None else ""
        audit(ctx, "ingest", f"source:{r.source}", f"{run}loaded={r.stats.loaded} updated={r.stats.updated}")


@app.command(name="load")
def load_command(
    ctx: typer.Context,
    manifest: Annotated[
        Path, typer.Argument(help="A manifest.toml: one load table per format and source (docs/connectors.md).")
    ],
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first malformed row.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and validate, write nothing.")] = False,
) -> None:
    """Load every entry of a manifest in order, with one progress bar and one summary table."""
    st = state(ctx)
    settings = st.settings
    entries = read_manifest(manifest, settings)
    store = None if dry_run else st.store()
    with _progress_bar(manifest_size(entries), f"manifest {manifest.name}") as update:
        results = load_manifest(
            store, manifest, settings, strict=strict, dry_run=dry_run, progress=update, entries=entries
        )
    if not dry_run:
        _audit_loads(ctx, results)
    print_summary(results)
