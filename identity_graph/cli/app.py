"""The Typer application, its global options and what every command shares."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from identity_graph.cli.lazy import LazyGroup
from identity_graph.errors import ConfigError, NotFound

if TYPE_CHECKING:
    from identity_graph.settings import Settings
    from identity_graph.store import GraphStore

# Settings and the store are imported where first used, so `idgraph --help` stays light (see cli/lazy.py).
app = typer.Typer(
    cls=LazyGroup,
    name="idgraph",
    help="Link the CRM, call, email and social records of each customer into one profile.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
console = Console()
err_console = Console(stderr=True)


@dataclass
class AppState:
    """Global options, and the settings and store they lead to (opened on first use)."""

    db: Path | None
    config: Path | None
    _settings: Settings | None = field(default=None, init=False)
    _store: GraphStore | None = field(default=None, init=False)

    @property
    def settings(self) -> Settings:
        """Settings from --config / idgraph.toml, the environment and --db."""
        if self._settings is None:
            from identity_graph.settings import load_settings

            self._settings = load_settings(self.config, db=self.db)
        return self._settings

    def store(self) -> GraphStore:
        """The store at the settings' db path, opened once."""
        if self._store is None:
            from identity_graph.store import open_configured

            self._store = open_configured(self.settings)
        return self._store

    def close(self) -> None:
        """Close the store if it was opened."""
        if self._store is not None:
            self._store.close()
            self._store = None


def cli_actor() -> str:
    """Who the audit log names for a command run at the terminal: `cli:<login>` (staff, never a customer)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def audit(ctx: typer.Context, action: str, target: str = "", detail: str = "") -> None:
    """Write one audit-log entry for this command (ids and counts only, never searched text or PII)."""
    state(ctx).store().add_audit(actor=cli_actor(), action=action, target=target, detail=detail)


def record_id(store: GraphStore, ref: str) -> int:
    """A record id from `123` or `source/source_id` (an id out of 1..2^63-1 is a ConfigError, not an overflow)."""
    if ref.isascii() and ref.isdigit():
        return checked_id(int(ref), "record id")
    source, sep, source_id = ref.partition("/")
    found = store.find_record(source, source_id) if sep else None
    if found is None:
        raise NotFound(f"no record {ref!r} (give a record id or source/source_id)")
    return found.id


def checked_id(value: int, what: str = "id") -> int:
    """An id within the store's range (identity_graph.limits.MAX_ID), or a ConfigError saying so."""
    from identity_graph.limits import MAX_ID

    if not 1 <= value <= MAX_ID:
        raise ConfigError(f"{what} {value} is out of range (1 to {MAX_ID})")
    return value


def state(ctx: typer.Context) -> AppState:
    """The AppState of the running command."""
    obj = ctx.find_root().obj
    if not isinstance(obj, AppState):
        obj = AppState(db=None, config=None)
        ctx.find_root().obj = obj
    return obj


@app.callback()
def _global_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option("--db", envvar="IDGRAPH_DB", help="The embedded store's file \\[default: ./identity.db]."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="A settings file \\[default: ./idgraph.toml if present].")
    ] = None,
) -> None:
    """Global options, for every command."""
    ctx.obj = AppState(db=db, config=config)
    ctx.call_on_close(ctx.obj.close)
