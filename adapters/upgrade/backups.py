"""The backup `akkoord db upgrade` takes before it changes anything.

SQLite: every `*.sqlite` file of the data directory, copied with SQLite's online backup API (a
consistent copy even of a file in WAL mode) into `<data_dir>/backups/pre-upgrade-<time>/`.
PostgreSQL: every table of the store's schema copied, rows and column types, into a new schema
`<schema>_pre_upgrade_<time>` of the same database, in one transaction; the same folder in the
data directory then holds a note naming that schema.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from adapters.config.settings import Settings
from adapters.store import backend_for

NOTE = "BACKUP.txt"


def take_backup(settings: Settings, now: datetime | None = None) -> tuple[Path, str | None]:
    """(the backup folder, the backup schema on PostgreSQL)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    folder = settings.data_dir / "backups" / f"pre-upgrade-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)  # never over an earlier backup
    if settings.database_url is None:
        for path in sorted(settings.data_dir.glob("*.sqlite")):
            _copy_sqlite(path, folder / path.name)
        return folder, None
    schema = _copy_schema(settings, stamp.lower())
    (folder / NOTE).write_text(
        f"The store's tables before the upgrade are in schema {schema} of the same database.\n"
    )
    return folder, schema


def _copy_sqlite(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _copy_schema(settings: Settings, stamp: str) -> str:
    from psycopg import sql

    from adapters.store.postgres import PostgresBackend, connect

    backend = backend_for(settings)
    assert isinstance(backend, PostgresBackend)
    source = backend.target.schema
    target = f"{source[:30]}_pre_upgrade_{stamp}"
    with connect(backend.target) as conn, conn.transaction():
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(target)))
        tables = [
            str(r[0])
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
                (source,),
            ).fetchall()
        ]
        for table in tables:
            conn.execute(
                sql.SQL("CREATE TABLE {}.{} AS TABLE {}.{}").format(
                    sql.Identifier(target),
                    sql.Identifier(table),
                    sql.Identifier(source),
                    sql.Identifier(table),
                )
            )
    return target
