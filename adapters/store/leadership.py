"""Which node fires deadlines: exactly one holds the leadership lock at a time.

On SQLite the lock is a file lock beside the store, on PostgreSQL an advisory lock: either is
released when its holder dies, however it dies, so a standby node can take over.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from filelock import FileLock, Timeout

# The PostgreSQL lock imports psycopg where it is used: the SQLite store never loads the driver.
if TYPE_CHECKING:
    import psycopg


class Leadership(Protocol):
    def try_acquire(self) -> bool: ...

    def holds(self) -> bool:
        """Still the leader? (A lost database session loses the lock with it.)"""

    def release(self) -> None: ...


class FileLeadership:
    def __init__(self, path: Path) -> None:
        self._lock = FileLock(str(path), thread_local=False)

    def try_acquire(self) -> bool:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def holds(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)


def advisory_lock_held(table: str = "pg_locks") -> str:
    """The condition on pg_locks (or its alias) for a granted advisory lock on the key given as
    the two parameters of `advisory_key_parts`: pg_locks shows a 64-bit key as two halves."""
    return (
        f"{table}.locktype = 'advisory' AND {table}.granted AND {table}.classid::bigint = %s "
        f"AND {table}.objid::bigint = %s AND {table}.objsubid = 1"
    )


def advisory_key_parts(key: int) -> tuple[int, int]:
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    return unsigned >> 32, unsigned & 0xFFFF_FFFF


class PostgresLeadership:
    """On PostgreSQL the lock is a session advisory lock, held by one connection kept open: the
    server releases it when that connection ends, however its process ended."""

    def __init__(self, conninfo: str, key: int) -> None:
        self._conninfo = conninfo
        self._key = key
        self._conn: psycopg.Connection[Any] | None = None

    def try_acquire(self) -> bool:
        import psycopg

        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(self._conninfo, autocommit=True)
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()
        except psycopg.Error:
            self._drop()
            return False
        return bool(row and row[0])

    def holds(self) -> bool:
        import psycopg

        if self._conn is None or self._conn.closed:
            return False
        try:
            row = self._conn.execute(
                f"SELECT count(*) FROM pg_locks WHERE {advisory_lock_held()} "
                "AND pid = pg_backend_pid()",
                advisory_key_parts(self._key),
            ).fetchone()
        except psycopg.Error:
            self._drop()
            return False
        return bool(row and row[0])

    def release(self) -> None:
        self._drop()  # ending the session releases the lock

    def _drop(self) -> None:
        import psycopg

        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
        self._conn = None
