"""The two stores akkoord runs on, behind one interface: SQLite files in the data directory (the
default: one machine, nothing to install) and a PostgreSQL database (several nodes sharing it).

Everything above this module asks the backend for engines, locks and leadership, and never
looks at which database it is talking to.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from adapters.config.settings import Settings
from adapters.store.sqlite_statements import CACHING_SQLITE
from domain.errors import InvalidInputError

# SQLAlchemy and the file lock are imported where engines and leadership are made, not by every
# process that names its store (a cast needs no leadership and no token engine).
if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.pool import ConnectionPoolEntry

    from adapters.store.leadership import Leadership

STORE_FILES = ("events.sqlite",)  # and its -wal/-shm companions
OLD_VIEWS_FILE = "views.sqlite"  # where read models lived before they moved into the events file


# Makes every table of a new store (the wiring's `create_tables`). Passed down, not imported: what
# the tables are is the application's, the read models' and the tokens' business, not the store's.
TableMaker = Callable[["Backend"], None]


class Backend(Protocol):
    def describe(self) -> str: ...

    def event_store_env(self) -> dict[str, str]: ...

    def store_exists(self) -> bool: ...

    def prepare(self, create_tables: TableMaker) -> None:
        """Make room for a new store (a command that may create one is about to); where the
        tables are not made on first use, `create_tables` makes them."""

    def views_engines(self) -> tuple[Engine, Engine]:
        """The read models' (writer, reader)."""

    def serialize_views(self, conn: Connection) -> None:
        """Called first in every read-model write transaction: one writer at a time."""

    def views_lock_sql(self) -> tuple[str, tuple[Any, ...]] | None:
        """The same serialisation as a driver statement, for read-model writes made inside the
        event store's own insert transaction (None where that transaction's lock suffices)."""

    def views_schema(self) -> str | None:
        """The schema the read-model tables live in, to qualify them in driver statements."""

    def tokens_engine(self, make_tables: Callable[[Engine], None]) -> Engine:
        """The token store's engine, its tables made by `make_tables` if need be (the token
        store's own function: the store does not know what it keeps)."""

    def leadership(self) -> Leadership: ...

    def remove_store(self) -> None:
        """Undo `prepare` after a refused first command: no empty store is left behind."""

    def scratch(self, directory: Path) -> Settings:
        """Settings for a throwaway copy of this store (see `copy_store_to`)."""

    def copy_store_to(self, scratch: Settings, create_tables: TableMaker) -> None: ...

    def adopt(self, scratch: Settings, create_tables: TableMaker) -> bool:
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


# How long a command waits for another's write lock on a SQLite file before it is refused (a
# request: 503). The library reads this name for the events; the same wait holds for akkoord's
# own engines on the read models and the token store.
LOCK_TIMEOUT_ENV = "GOVERNANCE_SQLITE_LOCK_TIMEOUT"
LOCK_TIMEOUT_DEFAULT = "30"


def lock_timeout() -> str:
    value = os.environ.get(LOCK_TIMEOUT_ENV) or LOCK_TIMEOUT_DEFAULT
    if not value.isdigit():
        raise InvalidInputError(f"{LOCK_TIMEOUT_ENV} must be a whole number of seconds")
    return value


def sqlite_engine(path: Path, *, immediate: bool) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": int(lock_timeout())})

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
            "PERSISTENCE_MODULE": CACHING_SQLITE,
            "SQLITE_DBNAME": str(self.settings.events_path),
            "SQLITE_LOCK_TIMEOUT": lock_timeout(),
            "PROCESS_RECORDER_TOPIC": (
                "adapters.audit.transparency_sqlite:TransparentSQLiteProcessRecorder"
            ),
            **EVENT_STORE_COMMON,
        }

    def store_exists(self) -> bool:
        return self.settings.events_path.is_file()

    def prepare(self, create_tables: TableMaker) -> None:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)  # the library makes the tables

    def views_engines(self) -> tuple[Engine, Engine]:
        # The read models live in the events file: a command writes its events and the rows
        # they cause in one transaction (ATTACH would not be atomic across files in WAL mode).
        path = self.settings.events_path
        self._forget_old_views_file()
        return sqlite_engine(path, immediate=True), sqlite_engine(path, immediate=False)

    def _forget_old_views_file(self) -> None:
        """A store from before kept its read models in a file of their own. They are derived,
        so moving them is rebuilding them: the old file goes, and catch-up rebuilds them in the
        events file on this first open."""
        old = self.settings.data_dir / OLD_VIEWS_FILE
        for path in (old, old.with_name(old.name + "-wal"), old.with_name(old.name + "-shm")):
            path.unlink(missing_ok=True)

    def serialize_views(self, conn: Connection) -> None:
        pass  # BEGIN IMMEDIATE already holds SQLite's one write lock

    def views_lock_sql(self) -> tuple[str, tuple[Any, ...]] | None:
        return None  # the insert that calls it already holds SQLite's one write lock

    def views_schema(self) -> str | None:
        return None

    def tokens_engine(self, make_tables: Callable[[Engine], None]) -> Engine:
        from sqlalchemy import create_engine

        engine = create_engine(
            f"sqlite:///{self.settings.auth_path}", connect_args={"timeout": int(lock_timeout())}
        )
        make_tables(engine)
        return engine

    def leadership(self) -> Leadership:
        from adapters.store.leadership import FileLeadership

        return FileLeadership(self.settings.data_dir / "scheduler.lock")

    def remove_store(self) -> None:
        for path in self.settings.data_dir.glob("*.sqlite*"):
            path.unlink(missing_ok=True)

    def scratch(self, directory: Path) -> Settings:
        return Settings(directory, database_url=None)

    def copy_store_to(self, scratch: Settings, create_tables: TableMaker) -> None:
        for path in self.settings.data_dir.iterdir():
            if path.name.startswith(STORE_FILES):
                shutil.copy2(path, scratch.data_dir / path.name)
        copy_audit_key(self.settings, scratch)

    def adopt(self, scratch: Settings, create_tables: TableMaker) -> bool:
        move_files(scratch, self.settings)
        return True

    def drop_scratch(self, scratch: Settings) -> None:
        pass  # the scratch store is files in the scratch directory, which its maker removes


# Where a Settings object keeps its backend: one per object, as `functools.cached_property` would
# (a backend owns connection pools), living and dying with it. A module-level cache keyed by the
# settings would keep them alive, since a backend refers back to its settings.
_BACKEND_SLOT = "_backend"


def kept_backend(settings: Settings, make: Callable[[Settings], Backend]) -> Backend:
    """The backend of `settings`, made by `make` the first time it is asked for."""
    kept = settings.__dict__.get(_BACKEND_SLOT)
    if kept is None:
        kept = make(settings)
        settings.__dict__[_BACKEND_SLOT] = kept  # a frozen dataclass: past its __setattr__
    return kept


def move_files(scratch: Settings, settings: Settings) -> None:
    """Everything in the scratch store's directory (SQLite's files, the audit key) moves into
    the real one: part of adopting a scratch store."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    for item in scratch.data_dir.iterdir():
        item.replace(settings.data_dir / item.name)


def copy_audit_key(settings: Settings, scratch: Settings) -> None:
    """A copy of a store signs with the store's key (unless both name one key file)."""
    key = settings.audit_key_path
    if key.is_file() and scratch.audit_key_path != key and not scratch.audit_key_path.exists():
        shutil.copy2(key, scratch.audit_key_path)
