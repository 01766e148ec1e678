"""Taking a backup of a running store, without stopping it.

SQLite: the online backup API copies each file in one step, under one read transaction (in WAL
mode writers go on meanwhile): `auth.sqlite` (tokens, sessions, contacts, outbox) first, then
`events.sqlite` (the log, its chain and tree, the read models). In that order the outbox can
only lag behind the log it was filled from, never run ahead of it: after a restore, the mailer
catches up (a mail may go twice; none is lost).

PostgreSQL: every table of akkoord's schema, as COPY rows, in one REPEATABLE READ READ ONLY
transaction: one snapshot of log, read models and tokens together. Positions are committed in
order under the events table's lock, so the snapshot's log is a prefix of the live one. Plain
reads (ACCESS SHARE) never wait for that lock, nor make a writer wait.

Then a head over exactly the backed-up events is signed on the live store (so it is published
with the others) and written into the backup: the point anyone can check the backup against.
The private key is never in a backup; its public half is.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from contextlib import closing, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.audit.keys import known_public_key, public_pem
from adapters.audit.transparency import transparent
from adapters.backup.archive import STORE_DIR, TABLES_DIR, Manifest, write_archive
from adapters.bootstrap import Engine
from adapters.config.settings import AUTH_FILE, EVENTS_FILE, Settings
from adapters.store import backend_for
from domain.errors import ConflictError


class EmptyStoreError(ConflictError):
    code = "empty_store"


def take_backup(engine: Engine, output: Path, *, lock: threading.Lock | None = None) -> Manifest:
    """Back up the store `engine` runs on into `output`; `lock` is held while the head is signed
    (the engine's one-command-at-a-time lock, where a server shares the engine)."""
    settings = engine.settings
    with tempfile.TemporaryDirectory(prefix=".akkoord-backup-", dir=output.parent) as scratch:
        work = Path(scratch)
        tables: list[dict[str, Any]] = []
        if settings.database_url is None:
            size = sqlite_snapshot(settings, work)
        else:
            size, tables = postgres_snapshot(settings, work)
        if size == 0:
            raise EmptyStoreError("the store holds no events yet: nothing to back up")
        with lock or nullcontext():
            head = transparent(engine.app.recorder).sign_head(size)
        public = known_public_key(settings.audit_key_path)
        assert public is not None  # signing made the key if there was none
        manifest = Manifest(
            backend="sqlite" if settings.database_url is None else "postgresql",
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            events=size,
            head=head,
            tables=tables,
        )
        write_archive(work, manifest, public_pem(public), output)
    return manifest


def head_file(output: Path) -> Path:
    return output.with_name(output.name + ".head.json")


def _online_copy(source: Path, target: Path) -> None:
    with (
        closing(sqlite3.connect(source, timeout=30)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)  # pages=-1: the whole file in one step, one consistent read
        # A file of its own: no WAL beside it in the archive.
        dst.execute("PRAGMA journal_mode=DELETE")


def sqlite_snapshot(settings: Settings, work: Path) -> int:
    """Copy the store's files into `work/store`; returns the number of events copied."""
    store = work / STORE_DIR
    store.mkdir()
    if settings.auth_path.is_file():
        _online_copy(settings.auth_path, store / AUTH_FILE)
    _online_copy(settings.events_path, store / EVENTS_FILE)
    with closing(sqlite3.connect(store / EVENTS_FILE)) as conn:
        return int(conn.execute("SELECT count(*) FROM event_hashes").fetchone()[0])


def postgres_snapshot(settings: Settings, work: Path) -> tuple[int, list[dict[str, Any]]]:
    """Every table of the store's schema as COPY text in `work/tables`, from one snapshot;
    returns the number of events and the tables with their columns."""
    import psycopg
    from psycopg import IsolationLevel, sql

    from adapters.store.postgres import PostgresBackend

    backend = backend_for(settings)
    assert isinstance(backend, PostgresBackend)
    schema = backend.target.schema
    folder = work / TABLES_DIR
    folder.mkdir()
    tables: list[dict[str, Any]] = []
    with psycopg.connect(backend.target.conninfo()) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction():
            names = [
                str(r[0])
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
                    (schema,),
                ).fetchall()
            ]
            for name in names:
                columns = [
                    str(r[0])
                    for r in conn.execute(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
                        (schema, name),
                    ).fetchall()
                ]
                statement = sql.SQL("COPY {}.{} ({}) TO STDOUT").format(
                    sql.Identifier(schema),
                    sql.Identifier(name),
                    sql.SQL(", ").join(sql.Identifier(c) for c in columns),
                )
                with (
                    conn.cursor() as cursor,
                    cursor.copy(statement) as copy,
                    (folder / f"{name}.copy").open("wb") as f,
                ):
                    for data in copy:
                        f.write(data)
                tables.append({"name": name, "columns": columns})
            counted = conn.execute(
                sql.SQL("SELECT count(*) FROM {}.event_hashes").format(sql.Identifier(schema))
            ).fetchone()
    return (int(counted[0]) if counted else 0), tables
