"""The `akkoord` entry point."""

from __future__ import annotations

import typer

from adapters.cli import consultation, members, projections
from adapters.cli.demo import demo_command
from adapters.cli.log import log_command

app = typer.Typer(
    name="akkoord",
    help="akkoord: event-sourced governance workflows for an association of municipalities.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(members.app, name="members")
app.add_typer(consultation.app, name="consultation")
app.add_typer(projections.app, name="projections")
app.command("log")(log_command)
app.command("demo")(demo_command)


def main() -> None:
    app()
