"""Entry point of `idgraph`: registers every command module and turns errors into one readable line."""

from __future__ import annotations

import sys

from rich.markup import escape

# Command modules are imported on first use: a new command adds one line to identity_graph/cli/commands.py.
from identity_graph.cli.app import app, err_console
from identity_graph.errors import IdentityGraphError


def main() -> None:
    """Run the command line; an expected error prints one line and exits 1, never a traceback."""
    try:
        app(standalone_mode=True)
    except IdentityGraphError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("[yellow]interrupted[/]")
        sys.exit(130)


if __name__ == "__main__":
    main()
