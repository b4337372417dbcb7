"""`idgraph generate`: write a synthetic data set in the real export formats, with its truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from identity_graph.cli.app import app, console, err_console
from identity_graph.generate import SAMPLE_PEOPLE, SAMPLE_SEED, generate

#: Redraw the progress bar every this many people.
PROGRESS_EVERY = 250


@app.command("generate")
def generate_command(
    out: Annotated[Path, typer.Argument(help="Directory to write the data set into (created if missing).")],
    people: Annotated[
        int, typer.Option("--people", "-n", help="How many true customers to make (strangers are added).")
    ] = SAMPLE_PEOPLE,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Random seed: the same seed writes the same bytes.")] = (
        SAMPLE_SEED
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite the files of a non-empty OUT.")] = False,
) -> None:
    """Generate synthetic customers across CRM, calls, mail, marketing and X, in their real export formats.

    OUT gets: crm/contacts.csv (Salesforce) and crm/hubspot.csv (HubSpot); calls/Master.csv (Asterisk CDR,
    local time, with mappings/asterisk.toml); mail/support.mbox; marketing/sends.csv with mappings/esp.toml;
    social/x_pages.jsonl (X API v2 pages); campaigns/campaigns.toml (the campaign registry: a new sending
    domain, a "call us now" line, a one-hour flash sale, a sale starting soon); manifest.toml (what `idgraph
    load` loads, in order); idgraph.toml (our own numbers and domains); truth.csv (the true person of every
    item, for `idgraph evaluate --truth`); README.txt.

    Dates are fixed relative to an anchor date, so the same --people and --seed always write the same bytes.
    """
    with Progress(
        TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("people", total=people)

        def advance(done: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == people:
                bar.update(task, completed=done)

        summary = generate(out, people, seed, overwrite=force, progress=advance)
    console.print(
        f"wrote {summary.people:,} people and {summary.strangers:,} strangers to {out} "
        f"({summary.truth_rows:,} truth rows)"
    )
    if summary.recycled_numbers:
        console.print(f"  the fictional phone range ran out: {summary.recycled_numbers:,} numbers were reused")
    for name, count in summary.files.items():
        unit = "pages" if name.endswith(".jsonl") else "items"
        console.print(f"  {name}: {count:,} {unit}")
