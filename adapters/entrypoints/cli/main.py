"""The `akkoord` entry point."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from adapters.config.settings import DATABASE_URL_ENV
from adapters.entrypoints.cli import (
    agreement,
    alv,
    audit,
    board,
    consultation,
    db,
    members,
    projections,
    regions,
    report,
    resolution,
    scenario,
    scheduler,
    signing,
    tokens,
    udo,
)
from adapters.entrypoints.cli.bench import bench_command
from adapters.entrypoints.cli.demo import demo_command
from adapters.entrypoints.cli.group import OneLineErrorsGroup
from adapters.entrypoints.cli.log import log_command
from adapters.entrypoints.cli.serve import serve_command
from adapters.entrypoints.cli.views import (
    actions_command,
    deadlines_command,
    history_command,
    status_command,
    timeline_command,
)

app = typer.Typer(
    name="akkoord",
    help="akkoord: event-sourced governance workflows for an association of municipalities.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=OneLineErrorsGroup,
)


@app.callback()
def _options(
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


app.add_typer(db.app, name="db")
app.add_typer(members.app, name="members")
app.add_typer(consultation.app, name="consultation")
app.add_typer(agreement.app, name="agreement")
app.add_typer(resolution.app, name="resolution")
app.add_typer(udo.app, name="udo")
app.add_typer(signing.app, name="signing")
app.add_typer(board.app, name="board")
app.add_typer(alv.app, name="alv")
app.add_typer(projections.app, name="projections")
app.add_typer(scenario.app, name="scenario")
app.add_typer(scheduler.app, name="scheduler")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(audit.export_app, name="export")
app.add_typer(report.app, name="report")
app.add_typer(tokens.app, name="tokens")
app.add_typer(regions.region_app, name="region")
app.add_typer(regions.funding_app, name="funding")
app.add_typer(regions.monitoring_app, name="monitoring")
app.command("serve")(serve_command)
app.command("status")(status_command)
app.command("timeline")(timeline_command)
app.command("history")(history_command)
app.command("deadlines")(deadlines_command)
app.command("actions")(actions_command)
app.command("log")(log_command)
app.command("demo")(demo_command)
app.command("bench")(bench_command)


def main() -> None:
    app()
