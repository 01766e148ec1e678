"""Looking into a store from the outside, whichever backend holds it: equal fingerprints before
and after a refused command mean nothing at all was written."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import psycopg
from psycopg import sql

from adapters.postgres import EVENTS_TABLE, PostgresBackend
from adapters.settings import Settings

# The event store's own tables on PostgreSQL (the read models and tokens live beside them).
PG_STORE_TABLES = (
    EVENTS_TABLE,
    "governance_tracking",
    "event_hashes",
    "audit_checkpoints",
    "akkoord_meta",
)


def _pg_rows(backend: PostgresBackend, tables: tuple[str, ...], order: str = "") -> str | None:
    schema = backend.target.schema
    with psycopg.connect(backend.target.conninfo(), autocommit=True) as conn:
        present = {
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
            ).fetchall()
        }
        if EVENTS_TABLE not in present:
            return None
        digest = hashlib.sha256()
        for table in tables:
            if table not in present:
                continue
            statement = sql.SQL("SELECT * FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
            if order:
                statement += sql.SQL(" ORDER BY {}").format(sql.Identifier(order))
            rows = [repr(tuple(r)) for r in conn.execute(statement).fetchall()]
            digest.update(f"{table}:{rows if order else sorted(rows)!r}".encode())
    return digest.hexdigest()


def store_fingerprint(data_dir: Path) -> str:
    """Every row of every table of the event store (events, chain, tracking, meta)."""
    backend = Settings(data_dir).backend
    if isinstance(backend, PostgresBackend):
        return _pg_rows(backend, PG_STORE_TABLES) or "no store"
    path = data_dir / "events.sqlite"
    if not path.exists():
        return "no store"
    digest = hashlib.sha256()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            ).fetchall()
        ]
        for table in tables:
            rows = sorted(repr(r) for r in db.execute(f'SELECT * FROM "{table}"'))
            digest.update(f"{table}:{rows!r}".encode())
    return digest.hexdigest()


def log_fingerprint(data_dir: Path) -> str:
    """A hash of every stored event, in log order."""
    backend = Settings(data_dir).backend
    if isinstance(backend, PostgresBackend):
        return _pg_rows(backend, (EVENTS_TABLE,), order="notification_id") or "no store"
    path = data_dir / "events.sqlite"
    if not path.exists():
        return "no store"
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT rowid, * FROM stored_events ORDER BY rowid").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()
