"""Commands about the store as a whole: `status`."""

from __future__ import annotations

import typer
from rich.table import Table

from identity_graph.cli.app import app, console, state


@app.command()
def status(ctx: typer.Context) -> None:
    """Show how many records, interactions, identifiers, persons and links the store holds."""
    counts = state(ctx).store().counts()
    table = Table(title=f"store {state(ctx).settings.db}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(key.replace("_", " "), f"{value:,}")
    console.print(table)
