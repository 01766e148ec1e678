"""The PostgreSQL store: several engine processes on one database.

`AKKOORD_DATABASE_URL=postgresql://USER:PASSWORD@HOST:PORT/DBNAME[?schema=NAME]` selects it. The
events go through the library's PostgreSQL module (with its database functions), the read models
and tokens through SQLAlchemy into the same database and schema. Tables are created by
`akkoord db init` (or by a command that starts a new store), under an advisory lock, so nodes
starting together never race to create them.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.persistence import PersistenceError
from psycopg import sql
from psycopg.conninfo import make_conninfo
from sqlalchemy import URL, Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from adapters.config.settings import Settings
from adapters.store.backends import (
    EVENT_STORE_COMMON,
    TableMaker,
    copy_audit_key,
    kept_backend,
    move_files,
)
from adapters.store.leadership import (
    Leadership,
    PostgresLeadership,
    advisory_key_parts,
    advisory_lock_held,
)
from domain.errors import InvalidInputError

EVENTS_TABLE = "governance_events"  # the library names it after the application
PER_HOME = "per-data-dir"
CONNECT_TIMEOUT = 5
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class DatabaseUnavailableError(PersistenceError):
    """The database cannot be reached, or refuses us."""


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    dbname: str
    user: str
    password: str
    schema: str

    def where(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.dbname} schema {self.schema}"

    def conninfo(self) -> str:
        return make_conninfo(
            host=self.host,
            port=self.port,
            dbname=self.dbname,
            user=self.user,
            password=self.password,
            connect_timeout=CONNECT_TIMEOUT,
            application_name="akkoord",
        )

    def sqlalchemy_url(self) -> URL:
        return URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=self.password or None,
            host=self.host,
            port=self.port,
            database=self.dbname,
            query={"connect_timeout": str(CONNECT_TIMEOUT), "application_name": "akkoord"},
        )

    def lock_key(self, purpose: str) -> int:
        """A 64-bit advisory-lock key per schema and purpose (stores in one database never
        wait on each other)."""
        h = hashlib.sha256(f"akkoord:{self.schema}:{purpose}".encode()).digest()
        return int.from_bytes(h[:8], "big", signed=True)


def parse_database_url(url: str, data_dir: Path) -> Target:
    """`postgresql://user:password@host:port/dbname?schema=name`; anything else is refused with
    the reason, so a typo never silently falls back to another database."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInputError(
            "malformed database URL: expected postgresql://USER:PASSWORD@HOST:PORT/DBNAME"
        ) from None
    except ValueError:  # the only number in a URL
        raise InvalidInputError("the database URL's port is not a number") from None
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise InvalidInputError(
            f"database URL must start with postgresql://, not {parsed.drivername}://"
        )
    if parsed.drivername not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise InvalidInputError(
            f"akkoord talks to PostgreSQL through psycopg, not {parsed.drivername}"
        )
    if not parsed.database:
        raise InvalidInputError("database URL names no database: postgresql://HOST/DBNAME")
    unknown = sorted(set(parsed.query) - {"schema"})
    if unknown:
        raise InvalidInputError(f"database URL option(s) not understood: {', '.join(unknown)}")
    schema = parsed.query.get("schema", "public")
    if not isinstance(schema, str):
        raise InvalidInputError("give the schema once in the database URL")
    if schema == PER_HOME:
        # Separate stores on one server, one per data directory (the test suite uses this).
        digest = hashlib.sha256(str(data_dir.expanduser().resolve()).encode()).hexdigest()
        schema = f"akkoord_{digest[:16]}"
    if not _IDENTIFIER.fullmatch(schema):
        raise InvalidInputError(
            f"schema {schema!r} is not a plain lower-case name (letters, digits, underscore)"
        )
    if not 0 < (parsed.port or 5432) < 65536:
        raise InvalidInputError(f"the database URL's port {parsed.port} is out of range")
    return Target(
        host=parsed.host or "localhost",
        port=parsed.port or 5432,
        dbname=parsed.database,
        user=parsed.username or "postgres",
        password=parsed.password if isinstance(parsed.password, str) else "",
        schema=schema,
    )


def _unavailable(target: Target, error: psycopg.Error) -> DatabaseUnavailableError:
    """The server's own words when it refused us (`database "x" does not exist`), else what the
    network said, in a few words rather than libpq's paragraph."""
    text = str(error)
    fatal = re.search(r"FATAL:\s*([^\n]+)", text)
    if fatal:
        reason = fatal.group(1).strip()
    elif "Connection refused" in text:
        reason = "connection refused (is the server running and listening there?)"
    elif "timeout expired" in text:
        reason = f"no answer within {CONNECT_TIMEOUT} s"
    elif "could not translate host name" in text:
        reason = "unknown host name"
    else:
        reason = " ".join(text.split())
    return DatabaseUnavailableError(f"cannot use PostgreSQL at {target.where()}: {reason}")


@contextmanager
def connect(target: Target) -> Iterator[psycopg.Connection[Any]]:
    try:
        conn = psycopg.connect(target.conninfo(), autocommit=True)
    except psycopg.Error as e:
        raise _unavailable(target, e) from None
    with conn:
        yield conn


@contextmanager
def init_lock(conn: psycopg.Connection[Any], target: Target) -> Iterator[None]:
    """Only one process at a time creates (or drops) tables in a schema."""
    conn.execute("SELECT pg_advisory_lock(%s)", (target.lock_key("init"),))
    try:
        yield
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (target.lock_key("init"),))


def _regclass(target: Target, table: str) -> str:
    return f'"{target.schema}".{table}'


def _store_exists(conn: psycopg.Connection[Any], target: Target) -> bool:
    row = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL",
        (_regclass(target, EVENTS_TABLE), _regclass(target, "akkoord_meta")),
    ).fetchone()
    return bool(row and row[0])


def _create_schema(conn: psycopg.Connection[Any], target: Target) -> None:
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(target.schema)))


def _schema_exists(conn: psycopg.Connection[Any], target: Target) -> bool:
    row = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (target.schema,)).fetchone()
    return row is not None


class PostgresBackend:
    def __init__(self, settings: Settings) -> None:
        assert settings.database_url is not None
        self.settings = settings
        self.target = parse_database_url(settings.database_url, settings.data_dir)
        self._created_schema = False

    def describe(self) -> str:
        return f"PostgreSQL {self.target.where()}"

    def event_store_env(self, *, create_tables: bool = False) -> dict[str, str]:
        t = self.target
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": t.dbname,
            "POSTGRES_HOST": t.host,
            "POSTGRES_PORT": str(t.port),
            "POSTGRES_USER": t.user,
            "POSTGRES_PASSWORD": t.password,
            "POSTGRES_SCHEMA": t.schema,
            # The library retries a failed operation 10 times: with 2 s to connect, a node rides
            # out a database restart of about 20 s before a request fails. The GOVERNANCE_-
            # prefixed variables in the environment override these.
            "POSTGRES_CONNECT_TIMEOUT": "2",
            "POSTGRES_POOL_SIZE": "2",
            "POSTGRES_MAX_OVERFLOW": "8",
            "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
            # Nodes never create tables; `db init` does, once, under a lock.
            "CREATE_TABLE": "y" if create_tables else "n",
            "PROCESS_RECORDER_TOPIC": (
                "adapters.audit.transparency_postgres:TransparentPostgresProcessRecorder"
            ),
            **EVENT_STORE_COMMON,
        }

    def store_exists(self) -> bool:
        with connect(self.target) as conn:
            return _store_exists(conn, self.target)

    def prepare(self, create_tables: TableMaker) -> None:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        init_database(self, create_tables)

    @cached_property
    def _engine(self) -> Engine:
        return create_engine(
            self.target.sqlalchemy_url(),
            pool_pre_ping=True,
            execution_options={"schema_translate_map": {None: self.target.schema}},
        )

    def views_engines(self) -> tuple[Engine, Engine]:
        return self._engine, self._engine

    def serialize_views(self, conn: Connection) -> None:
        # Held to the end of the transaction: two nodes catching up never apply a batch twice.
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": self.target.lock_key("views")})

    def views_lock_sql(self) -> tuple[str, tuple[Any, ...]] | None:
        return "SELECT pg_advisory_xact_lock(%s)", (self.target.lock_key("views"),)

    def views_schema(self) -> str | None:
        return self.target.schema

    def tokens_engine(self, make_tables: Callable[[Engine], None]) -> Engine:
        # Tokens may be issued before the first event (as on SQLite, where they have a file of
        # their own): their schema and table are made if need be, under the init lock.
        with connect(self.target) as conn:
            if conn.execute(
                # sessions came after tokens: a store from before gets it here
                "SELECT to_regclass(%s) IS NULL",
                (_regclass(self.target, "sessions"),),
            ).fetchone() == (True,):
                with init_lock(conn, self.target):
                    _create_schema(conn, self.target)
                    make_tables(self._engine)
        return self._engine

    def leadership(self) -> Leadership:
        return PostgresLeadership(self.target.conninfo(), self.target.lock_key("scheduler"))

    def remove_store(self) -> None:
        if self._created_schema:  # tables in a schema we did not make stay: empty, harmless
            self._drop_schema()

    def _drop_schema(self) -> None:
        with connect(self.target) as conn, init_lock(conn, self.target):
            conn.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                    sql.Identifier(self.target.schema)
                )
            )

    def scratch(self, directory: Path) -> Settings:
        assert self.settings.database_url is not None
        url = make_url(self.settings.database_url)
        name = f"akkoord_scratch_{uuid.uuid4().hex[:12]}"
        return Settings(
            directory,
            database_url=url.update_query_dict({"schema": name}).render_as_string(
                hide_password=False
            ),
        )

    def copy_store_to(self, scratch: Settings, create_tables: TableMaker) -> None:
        """Copy every table of this store into the scratch schema (made by `prepare`)."""
        other = kept_backend(scratch, PostgresBackend)
        assert isinstance(other, PostgresBackend)
        other.prepare(create_tables)
        copy_audit_key(self.settings, scratch)
        source, target = self.target.schema, other.target.schema
        with connect(self.target) as conn, conn.transaction():
            for table in _tables(conn, other.target):
                conn.execute(
                    sql.SQL("INSERT INTO {}.{} SELECT * FROM {}.{} ON CONFLICT DO NOTHING").format(
                        sql.Identifier(target),
                        sql.Identifier(table),
                        sql.Identifier(source),
                        sql.Identifier(table),
                    )
                )
            # Every counter goes on from the copied rows (the log's positions, and the read
            # models' row ids: a resumed scenario's copy already holds some).
            for table, column in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = %s AND (column_default LIKE 'nextval%%' "
                "OR is_identity = 'YES')",
                (target,),
            ).fetchall():
                conn.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence(%s, %s), "
                        "COALESCE((SELECT MAX({}) FROM {}.{}), 0) + 1, false)"
                    ).format(sql.Identifier(column), sql.Identifier(target), sql.Identifier(table)),
                    (_regclass(other.target, table), column),
                )

    def adopt(self, scratch: Settings, create_tables: TableMaker) -> bool:
        """A new store takes the scratch schema by renaming it: the scratch run becomes the
        real one, as on SQLite, instead of being done a second time. Only where
        the target schema does not exist yet: a schema someone made (`public`, or one `db init`
        prepared) may hold what is not ours, so there the real run follows the scratch run."""
        other = kept_backend(scratch, PostgresBackend)
        assert isinstance(other, PostgresBackend)
        other.close()
        with connect(self.target) as conn, init_lock(conn, self.target):
            if _schema_exists(conn, self.target):
                return False
            conn.execute(
                sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                    sql.Identifier(other.target.schema), sql.Identifier(self.target.schema)
                )
            )
            self._created_schema = True
            # The library's insert function names its schema in its body: made again, it
            # inserts into the renamed tables (every other statement finds them there).
            create_tables(self)
        move_files(scratch, self.settings)  # the audit key, as on SQLite
        return True

    def drop_scratch(self, scratch: Settings) -> None:
        other = kept_backend(scratch, PostgresBackend)
        assert isinstance(other, PostgresBackend)
        other._drop_schema()  # always ours: made for this run under a fresh name
        other.close()

    def close(self) -> None:
        if "_engine" in self.__dict__:
            self._engine.dispose()


def init_database(backend: PostgresBackend, create_tables: TableMaker) -> list[str]:
    """Create the schema and, with `create_tables` (the wiring's: it knows what the tables are),
    every table, once; returns the tables this call created (none when another process got there
    first). Safe to run again and from several processes at once."""
    target = backend.target
    with connect(target) as conn, init_lock(conn, target):
        backend._created_schema = not _schema_exists(conn, target)
        # (Listing a schema's tables scans the catalog: a new schema has none to list.)
        before = [] if backend._created_schema else _tables(conn, target)
        _create_schema(conn, target)
        if not _store_exists(conn, target):
            create_tables(backend)
        return sorted(set(_tables(conn, target)) - set(before))


def _tables(conn: psycopg.Connection[Any], target: Target) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
            (target.schema,),
        ).fetchall()
    ]


@dataclass(frozen=True)
class DatabaseStatus:
    where: str
    server: str
    initialised: bool
    events: int
    head: int  # the last position (positions may skip numbers on PostgreSQL)
    tables: list[str]
    projections: dict[str, int]
    leader: str | None  # which session holds the scheduler's lock, if any


# --- store upgrade: the version mark, read without opening the store (adapters.store.versions)
def read_postgres_mark(backend: PostgresBackend) -> tuple[int | None, bool]:
    target = backend.target
    schema = sql.Identifier(target.schema)
    with connect(target) as conn:
        present = conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL, to_regclass(%s) IS NOT NULL",
            (_regclass(target, EVENTS_TABLE), _regclass(target, "akkoord_meta")),
        ).fetchone()
        has_events = version = None
        if present and present[0]:
            has_events = conn.execute(
                sql.SQL("SELECT 1 FROM {}.{} LIMIT 1").format(schema, sql.Identifier(EVENTS_TABLE))
            ).fetchone()
        if present and present[1]:
            version = conn.execute(
                sql.SQL("SELECT value FROM {}.akkoord_meta WHERE key = 'store_version'").format(
                    schema
                )
            ).fetchone()
    return (None if version is None else int(version[0])), has_events is not None


# --- end store upgrade


def database_status(backend: PostgresBackend) -> DatabaseStatus:
    target = backend.target
    with connect(target) as conn:
        server = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        tables = _tables(conn, target)
        initialised = _store_exists(conn, target)
        events = head = 0
        projections: dict[str, int] = {}
        if initialised:
            row = conn.execute(
                sql.SQL("SELECT count(*), COALESCE(MAX(notification_id), 0) FROM {}.{}").format(
                    sql.Identifier(target.schema), sql.Identifier(EVENTS_TABLE)
                )
            ).fetchone()
            events, head = (int(row[0]), int(row[1])) if row else (0, 0)
            if "projection_positions" in tables:
                projections = {
                    str(name): int(position)
                    for name, position in conn.execute(
                        sql.SQL("SELECT name, position FROM {}.projection_positions").format(
                            sql.Identifier(target.schema)
                        )
                    ).fetchall()
                }
        holder = conn.execute(
            "SELECT coalesce(host(a.client_addr), 'local socket'), a.pid, a.backend_start "
            "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            f"WHERE {advisory_lock_held('l')}",
            advisory_key_parts(target.lock_key("scheduler")),
        ).fetchone()
        leader = None
        if holder is not None:
            address, pid, started = holder
            leader = f"{address} (session {pid}, since {started.isoformat(timespec='seconds')})"
    return DatabaseStatus(
        target.where(), server, initialised, events, head, tables, projections, leader
    )
