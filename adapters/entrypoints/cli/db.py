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
    """What is in the store: server, tables, events, how far each read model is, and whether
    it needs `akkoord db upgrade` (on SQLite: the version only)."""
    settings = Settings.resolve(data_dir, database_url)
    if settings.database_url is None:
        from adapters.upgrade.status import store_version

        version = store_version(settings)
        show(json_output, {"store": str(settings.data_dir), **_version_fields(version)})
        return
    from adapters.store.postgres import database_status

    found = database_status(_postgres(settings))
    fields: dict[str, object] = {}
    if found.initialised:
        from adapters.upgrade.status import store_version

        fields = _version_fields(store_version(settings))
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
            **fields,
        },
    )
    if not found.initialised:
        raise typer.Exit(3)


# --- store upgrade -------------------------------------------------------------------------------
if TYPE_CHECKING:
    from adapters.upgrade.status import StoreVersion


def _version_fields(version: StoreVersion) -> dict[str, object]:
    return {
        "store_version": version.version,
        "current_version": version.current,
        "upgrade_needed": version.needs_upgrade,
    }


@app.command("upgrade")
@guarded
def upgrade_command(
    database_url: DatabaseUrlOpt = None, json_output: JsonOpt = False, data_dir: DataDirOpt = None
) -> None:
    """Bring a store written by an older akkoord to this version: a backup first, then what
    the old version lacks built beside the log (never rewritten), the version marked last."""
    from adapters.i18n.catalogues import gettext as _
    from adapters.upgrade.steps import upgrade_store

    settings = Settings.resolve(data_dir, database_url)
    done = upgrade_store(settings)
    backup = done.backup_schema or (str(done.backup) if done.backup else None)
    emit(
        json_output,
        {
            "upgraded": done.done,
            "from_version": done.from_version,
            "to_version": done.to_version,
            "backup": str(done.backup) if done.backup else None,
            "backup_schema": done.backup_schema,
            "chain_entries_added": done.chained,
            "events_replayed": done.events,
        },
        _(
            "upgraded the store from version %(old)s to %(new)s; the backup is in %(backup)s",
            old=done.from_version,
            new=done.to_version,
            backup=backup,
        )
        if done.done
        else _("the store is already at version %(new)s; nothing to do", new=done.to_version),
    )


# --- end store upgrade
