"""What version mark a store carries, read from the outside before anything opens it: opening a
SQLite store through the library makes its missing tables, and a store that needs an upgrade is
to be left exactly as it is until `akkoord db upgrade` has taken its backup."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from adapters.config.settings import Settings
from adapters.store import backend_for


@dataclass(frozen=True)
class Mark:
    version: int | None  # the store's mark; None where there is none (or no store)
    has_events: bool


def read_mark(settings: Settings) -> Mark:
    backend = backend_for(settings)
    if settings.database_url is not None:
        from adapters.store.postgres import PostgresBackend, read_postgres_mark

        assert isinstance(backend, PostgresBackend)
        version, has_events = read_postgres_mark(backend)
        return Mark(version, has_events)
    path = settings.events_path
    if not path.is_file():
        return Mark(None, False)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        has_events = "stored_events" in tables and (
            db.execute("SELECT 1 FROM stored_events LIMIT 1").fetchone() is not None
        )
        row = (
            db.execute("SELECT value FROM akkoord_meta WHERE key = 'store_version'").fetchone()
            if "akkoord_meta" in tables
            else None
        )
    finally:
        db.close()
    return Mark(None if row is None else int(row[0]), has_events)
