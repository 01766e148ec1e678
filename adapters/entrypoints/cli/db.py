"""`akkoord db init` and `akkoord db status`: the PostgreSQL store's tables, made once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from adapters.config.settings import DATABASE_URL_ENV, Settings
from adapters.entrypoints.cli.common import DataDirOpt, JsonOpt, emit, guarded, show
from domain.errors import InvalidInputError

# Only these two commands load the store and the PostgreSQL driver, so not `akkoord --help`.
if TYPE_CHECKING:
    from adapters.store.postgres import PostgresBackend

app = typer.Typer(
    help="The PostgreSQL store: create its tables, see what is there.", no_args_is_help=True
)

DatabaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar=DATABASE_URL_ENV,
        help="postgresql://USER:PASSWORD@HOST:PORT/DBNAME[?schema=NAME]",
        show_default=False,
    ),
]


def _postgres(settings: Settings) -> PostgresBackend:
    from adapters.store import backend_for
    from adapters.store.postgres import PostgresBackend

    backend = backend_for(settings)
    if not isinstance(backend, PostgresBackend):
        raise InvalidInputError(
            f"no database URL: set {DATABASE_URL_ENV} or --database-url to a postgresql:// URL "
            "(the SQLite store needs no init; its files are made on first use)"
        )
    return backend


@app.command("init")
@guarded
def init_command(
    database_url: DatabaseUrlOpt = None, json_output: JsonOpt = False, data_dir: DataDirOpt = None
) -> None:
    """Create the schema, tables and functions; run once before starting nodes (safe to repeat)."""
    from adapters.bootstrap import init_database
    from adapters.store.postgres import database_status

    backend = _postgres(Settings.resolve(data_dir, database_url))
    made = init_database(backend)
    after = database_status(backend)
    emit(
        json_output,
        {"database": after.where, "created": made, "tables": after.tables},
        f"{after.where}: "
        + (f"created {len(made)} tables" if made else "already initialised, nothing to do"),
    )


@app.command("status")
@guarded
def status_command(
    database_url: DatabaseUrlOpt = None, json_output: JsonOpt = False, data_dir: DataDirOpt = None
) -> None:
    """What is in the database: server, tables, events, and how far each read model is."""
    from adapters.store.postgres import database_status

    found = database_status(_postgres(Settings.resolve(data_dir, database_url)))
    show(
        json_output,
        {
            "database": found.where,
            "server": found.server,
            "initialised": found.initialised,
            "events": found.events,
            "head": found.head,
            "tables": len(found.tables),
            "read_models": found.projections,
            "scheduler_leader": found.leader or "none",
        },
    )
    if not found.initialised:
        raise typer.Exit(3)
