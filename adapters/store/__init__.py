"""Where the log and the read models live: SQLite files or a PostgreSQL database behind one
interface, with the scheduler's leadership, waiting for a database and scratch copies.

This module is the selector: `backend_for(settings)` says which store the settings name. Settings
themselves know nothing of stores (they are read first, by everything), so the choice is made
here, the one place that knows both kinds.
"""

from __future__ import annotations

from adapters.config.settings import Settings
from adapters.store.backends import Backend, SqliteBackend, kept_backend
from domain.errors import NotFoundError

__all__ = ["Backend", "NoStoreError", "backend_for", "no_store_message", "store_exists"]


def backend_for(settings: Settings) -> Backend:
    """The store these settings name (the same object every time for the same settings)."""
    return kept_backend(settings, _new_backend)


def _new_backend(settings: Settings) -> Backend:
    if settings.database_url is None:
        return SqliteBackend(settings)
    # Imported only when asked for: a SQLite-only run never loads psycopg.
    from adapters.store.postgres import PostgresBackend

    return PostgresBackend(settings)


def store_exists(settings: Settings) -> bool:
    return backend_for(settings).store_exists()


class NoStoreError(NotFoundError):
    code = "no_store"


def no_store_message(settings: Settings) -> str:
    if settings.database_url is None:
        return (
            f"no akkoord store in {settings.data_dir} "
            "(load members first, or point --data-dir / AKKOORD_HOME at a store)"
        )
    return (
        f"no akkoord store in {backend_for(settings).describe()} "
        "(run `akkoord db init` first, or check AKKOORD_DATABASE_URL)"
    )
