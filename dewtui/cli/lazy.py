"""A Click group whose subcommands are imported only when named (Click's documented lazy
loading pattern): `dewtui` with no subcommand starts the TUI without importing the HTTP
server, the operation table or any other command's module.

A command whose module does not exist (a command another part of dewtui may not ship yet)
is left out of the listing and answers "no such command"; any other import error surfaces.
Listing the commands (`dewtui --help`, completing a command name) only looks the modules
up; their one-line help comes from `short_help` when given, so it imports nothing either.
"""
from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import click


def _load(target: str) -> click.Command | None:
    module_name, attr = target.split(":", 1)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name is not None and (module_name == e.name or module_name.startswith(e.name + ".")):
            return None  # the command's own module is missing, not one of its imports
        raise
    command = getattr(module, attr, None)
    return command if isinstance(command, click.Command) else None


def _present(target: str) -> bool:
    """Whether the command's module exists (found without importing it)."""
    try:
        return importlib.util.find_spec(target.split(":", 1)[0]) is not None
    except ModuleNotFoundError:  # its package is missing
        return False


class LazyGroup(click.Group):
    """`lazy`: command name → "module:attribute" of a click.Command, imported on first use;
    `short_help`: command name → its line in the listing."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None,
                 short_help: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})
        self.short_helps = dict(short_help or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        names |= {name for name, target in self.lazy.items() if _present(target)}
        return sorted(names)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            text = self.short_helps.get(name) if name in self.lazy else None
            if text is None:
                command = self.get_command(ctx, name)
                if command is None or command.hidden:
                    continue
                text = command.get_short_help_str(limit=formatter.width - 6 - len(name))
            rows.append((name, text))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            return _load(self.lazy[cmd_name])
        return super().get_command(ctx, cmd_name)
