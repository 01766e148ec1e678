"""The two stores akkoord runs on, behind one interface: SQLite files in the data directory (the
default: one machine, nothing to install) and a PostgreSQL database (several nodes sharing it).

Everything above this module asks the backend for engines, locks and leadership, and never
looks at which database it is talking to.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry

from adapters.auth.tokens import token_tables
from adapters.store.leadership import FileLeadership, Leadership

if TYPE_CHECKING:
    from adapters.config.settings import Settings

STORE_FILES = ("events.sqlite", "views.sqlite")  # and their -wal/-shm companions


class Backend(Protocol):
    def describe(self) -> str: ...

    def event_store_env(self) -> dict[str, str]: ...

    def store_exists(self) -> bool: ...

    def prepare(self) -> None:
        """Make room for a new store (a command that may create one is about to)."""

    def views_engines(self) -> tuple[Engine, Engine]:
        """The read models' (writer, reader)."""

    def serialize_views(self, conn: Connection) -> None:
        """Called first in every read-model write transaction: one writer at a time."""

    def tokens_engine(self) -> Engine:
        """The token store's engine, its table made if need be."""

    def leadership(self) -> Leadership: ...

    def remove_store(self) -> None:
        """Undo `prepare` after a refused first command: no empty store is left behind."""

    def scratch(self, directory: Path) -> Settings:
        """Settings for a throwaway copy of this store (see `copy_store_to`)."""

    def copy_store_to(self, scratch: Settings) -> None: ...

    def adopt(self, scratch: Settings) -> bool:
        """Make a scratch store the real one when the real one is new; False if it cannot."""

    def drop_scratch(self, scratch: Settings) -> None:
        """Remove what `scratch` keeps outside its directory."""


# Shared by every store: the events themselves are the library's; these are ours.
EVENT_STORE_COMMON = {
    # A consultation gathers hundreds of ballots: keep recent aggregates in memory and bring
    # them up to date from the store (fast-forward) instead of replaying every command.
    "AGGREGATE_CACHE_MAXSIZE": "1000",
    "AGGREGATE_CACHE_FASTFORWARD": "y",
}


def sqlite_engine(path: Path, *, immediate: bool) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take over transaction control from pysqlite, so BEGIN is ours to choose.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A writer takes the lock at BEGIN, so two projectors never interleave their batches.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class SqliteBackend:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def describe(self) -> str:
        return f"SQLite in {self.settings.data_dir}"

    def event_store_env(self) -> dict[str, str]:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(self.settings.events_path),
            "SQLITE_LOCK_TIMEOUT": "30",
            "PROCESS_RECORDER_TOPIC": (
                "adapters.audit.transparency_sqlite:TransparentSQLiteProcessRecorder"
            ),
            **EVENT_STORE_COMMON,
        }

    def store_exists(self) -> bool:
        return self.settings.events_path.is_file()

    def prepare(self) -> None:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)

    def views_engines(self) -> tuple[Engine, Engine]:
        path = self.settings.views_path
        return sqlite_engine(path, immediate=True), sqlite_engine(path, immediate=False)

    def serialize_views(self, conn: Connection) -> None:
        pass  # BEGIN IMMEDIATE already holds SQLite's one write lock

    def tokens_engine(self) -> Engine:
        engine = create_engine(f"sqlite:///{self.settings.auth_path}", connect_args={"timeout": 30})
        token_tables(engine)
        return engine

    def leadership(self) -> Leadership:
        return FileLeadership(self.settings.data_dir / "scheduler.lock")

    def remove_store(self) -> None:
        for path in self.settings.data_dir.glob("*.sqlite*"):
            path.unlink(missing_ok=True)

    def scratch(self, directory: Path) -> Settings:
        from adapters.config.settings import Settings

        return Settings(directory, database_url=None)

    def copy_store_to(self, scratch: Settings) -> None:
        for path in self.settings.data_dir.iterdir():
            if path.name.startswith(STORE_FILES):
                shutil.copy2(path, scratch.data_dir / path.name)
        copy_audit_key(self.settings, scratch)

    def adopt(self, scratch: Settings) -> bool:
        self.settings.data_dir.mkdir(exist_ok=True)
        for item in scratch.data_dir.iterdir():
            item.replace(self.settings.data_dir / item.name)
        return True

    def drop_scratch(self, scratch: Settings) -> None:
        pass  # the scratch store is files in the scratch directory, which its maker removes


def copy_audit_key(settings: Settings, scratch: Settings) -> None:
    """A copy of a store signs with the store's key (unless both name one key file)."""
    key = settings.audit_key_path
    if key.is_file() and scratch.audit_key_path != key and not scratch.audit_key_path.exists():
        shutil.copy2(key, scratch.audit_key_path)


def backend_for(settings: Settings) -> Backend:
    if settings.database_url is None:
        return SqliteBackend(settings)
    from adapters.store.postgres import PostgresBackend

    return PostgresBackend(settings)
