"""A Typer group whose commands are imported on first use, so `idgraph --help` and a lookup start at once.

The command table is `identity_graph.cli.commands.COMMANDS`. Asking the group for a command imports the one
module that registers it and builds only that command; listing commands for `--help` uses the table's
summaries and imports nothing; iterating over `group.commands` (as tests do) builds every command.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from typer import _click as click
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_command_name, get_group_from_info

from identity_graph.cli.commands import COMMANDS, command_modules

Builder = Callable[[str], click.Command | None]


class LazyCommands(MutableMapping[str, click.Command]):
    """The group's commands by name: those built so far, and the table's, built when first looked up."""

    def __init__(self, built: MutableMapping[str, click.Command], build: Builder) -> None:
        self._built = dict(built)
        self._build = build

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._built:
            command = self._build(name) if name in COMMANDS else None
            if command is None:
                raise KeyError(name)
            self._built[name] = command
        return self._built[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._built
        yield from (name for name in COMMANDS if name not in self._built)

    def __len__(self) -> int:
        return len(self._built) + sum(1 for name in COMMANDS if name not in self._built)

    def is_built(self, name: str) -> bool:
        """Whether the command's module has been imported and the command built."""
        return name in self._built


class LazyGroup(TyperGroup):
    """The root `idgraph` group: imports a command's module only when the command is asked for."""

    def __init__(self, *, commands: Any = None, **attrs: Any) -> None:
        super().__init__(commands=commands, **attrs)
        self.commands = LazyCommands(self.commands, _build_command)
        self._listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, built or not, in the order they were declared."""
        return list(self.commands)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module first; a summary stub while `--help` lists commands."""
        commands = self.commands
        if self._listing and isinstance(commands, LazyCommands) and not commands.is_built(cmd_name):
            summary = COMMANDS[cmd_name][1] if cmd_name in COMMANDS else ""
            return TyperCommand(name=cmd_name, help=summary, rich_markup_mode=self.rich_markup_mode)
        found = commands.get(cmd_name)
        if found is None:
            found = _build_unlisted(commands, cmd_name)
        return found

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The group's help; its command list comes from the table, without importing command modules."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _build_command(name: str) -> click.Command | None:
    """Import the module that registers `name` and build that one command (or sub-group) from `app`."""
    importlib.import_module(COMMANDS[name][0])
    return _from_app(name)


def _build_unlisted(commands: MutableMapping[str, click.Command], name: str) -> click.Command | None:
    """A command missing from the table: import every command module and look again (slow, but it works)."""
    for module in command_modules():
        importlib.import_module(module)
    command = _from_app(name)
    if command is not None:
        commands[name] = command
    return command


def _from_app(name: str) -> click.Command | None:
    """Build the command or sub-group registered on `app` under `name`, or None."""
    from identity_graph.cli.app import app

    for info in app.registered_commands:
        callback = info.callback
        if callback is not None and (info.name or get_command_name(callback.__name__)) == name:
            return get_command_from_info(
                info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode
            )
    for group in app.registered_groups:
        if group.name == name:
            return get_group_from_info(
                group,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
                suggest_commands=app.suggest_commands,
            )
    return None
