"""Where the log and the read models live: SQLite files or a PostgreSQL database behind one
interface, with the scheduler's leadership, waiting for a database and scratch copies.

This module is the selector: `backend_for(settings)` says which store the settings name. Settings
themselves know nothing of stores (they are read first, by everything), so the choice is made
here, the one place that knows both kinds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.errors import NotFoundError

if TYPE_CHECKING:
    from adapters.config.settings import Settings
    from adapters.store.backends import Backend

__all__ = ["Backend", "NoStoreError", "backend_for", "no_store_message", "store_exists"]


def __getattr__(name: str) -> Any:
    # The backends (and SQLAlchemy with them) load on first use, not with the package: the
    # benchmark's bare baseline imports `adapters.store.sqlite_statements` alone.
    if name == "Backend":
        from adapters.store.backends import Backend

        return Backend
    raise AttributeError(name)


def backend_for(settings: Settings) -> Backend:
    """The store these settings name (the same object every time for the same settings)."""
    from adapters.store.backends import kept_backend

    return kept_backend(settings, _new_backend)


def _new_backend(settings: Settings) -> Backend:
    if settings.database_url is None:
        from adapters.store.backends import SqliteBackend

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
