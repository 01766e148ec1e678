"""The `akkoord` entry point.

A command's process loads only the module of the command it runs: the first word after the
root options names it (`akkoord consultation cast ...` loads `consultation` alone). The root's
own help, an unknown word, and `app` (the whole command line, for tests and tools) load them all.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from functools import cache
from importlib import import_module
from typing import Annotated, Any

import typer

from adapters.config.settings import DATABASE_URL_ENV
from adapters.entrypoints.cli.group import OneLineErrorsGroup
from adapters.i18n import catalogues

_PACKAGE = "adapters.entrypoints.cli"
# Name: (module, attribute), in the order `akkoord --help` lists them.
GROUPS = {
    "db": ("db", "app"),
    "members": ("members", "app"),
    "consultation": ("consultation", "app"),
    "agreement": ("agreement", "app"),
    "resolution": ("resolution", "app"),
    "udo": ("udo", "app"),
    "signing": ("signing", "app"),
    "board": ("board", "app"),
    "alv": ("alv", "app"),
    "projections": ("projections", "app"),
    "scenario": ("scenario", "app"),
    "scheduler": ("scheduler", "app"),
    "audit": ("audit", "audit_app"),
    "export": ("audit", "export_app"),
    "report": ("report", "app"),
    "tokens": ("tokens", "app"),
    "contacts": ("contacts", "app"),
    "mail": ("mail", "app"),
    "region": ("regions", "region_app"),
    "funding": ("regions", "funding_app"),
    "monitoring": ("regions", "monitoring_app"),
}
COMMANDS = {
    "serve": ("serve", "serve_command"),
    "status": ("views", "status_command"),
    "timeline": ("views", "timeline_command"),
    "history": ("views", "history_command"),
    "deadlines": ("views", "deadlines_command"),
    "actions": ("views", "actions_command"),
    "log": ("log", "log_command"),
    "demo": ("demo", "demo_command"),
    "bench": ("bench", "bench_command"),
    # --- backup ---
    "backup": ("backup", "backup_command"),
    "restore": ("backup", "restore_command"),
    # --- end backup ---
}
# The root's options that take a value (the command's name is the first word after them).
_VALUED_ROOT_OPTIONS = ("--database-url",)


def _options(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar=DATABASE_URL_ENV,
            help="postgresql://USER:PASSWORD@HOST:PORT/DBNAME[?schema=NAME] to share one "
            "PostgreSQL store between nodes (default: SQLite files in the data directory).",
            show_default=False,
        ),
    ] = None,
) -> None:
    if database_url:
        # Every command (and every process it starts) reads the store's location from here.
        os.environ[DATABASE_URL_ENV] = database_url
    # The command's words follow the locale (Dutch for nl_*, else English), for this run only:
    # a command run inside another program (a test, a tool) leaves that program's language be.
    ctx.with_resource(catalogues.speaking(catalogues.cli_language()))


def _attribute(module: str, name: str) -> Any:
    return getattr(import_module(f"{_PACKAGE}.{module}"), name)


def command_line(names: Sequence[str] | None = None) -> typer.Typer:
    """The `akkoord` command line with the commands `names` (default: every one)."""
    root = typer.Typer(
        name="akkoord",
        help="akkoord: event-sourced governance workflows for an association of municipalities.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        cls=OneLineErrorsGroup,
    )
    root.callback()(_options)
    wanted = set(GROUPS) | set(COMMANDS) if names is None else set(names)
    for name, (module, attribute) in GROUPS.items():
        if name in wanted:
            group = _attribute(module, attribute)
            assert isinstance(group, typer.Typer)
            root.add_typer(group, name=name)
    for name, (module, attribute) in COMMANDS.items():
        if name in wanted:
            command: Callable[..., None] = _attribute(module, attribute)
            root.command(name)(command)
    return root


def command_named(args: Sequence[str]) -> str | None:
    """The command `args` run (`consultation` in `--database-url URL consultation cast ...`),
    if it is one of akkoord's."""
    words = iter(args)
    for word in words:
        if word in _VALUED_ROOT_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in GROUPS or word in COMMANDS else None
    return None


@cache
def _whole() -> typer.Typer:
    return command_line()


def __getattr__(name: str) -> typer.Typer:
    # `from adapters.entrypoints.cli.main import app`: every command, built on first use.
    if name == "app":
        return _whole()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    name = command_named(sys.argv[1:])
    command_line(None if name is None else [name])()
