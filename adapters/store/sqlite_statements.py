"""The library's SQLite persistence with a statement cache that holds a command's statements.

eventsourcing 9.5 opens its SQLite connections with `cached_statements=True`, which the sqlite3
module reads as a cache of *one* statement: every statement but a repeated last one is parsed
and planned again on each use. A cast runs about a dozen on the event store's connection (the
aggregate's events, the insert, chain row and leaf, the read models and their positions, the
check that nothing else moved); planning them anew was a quarter of a cast's time on tmpfs.

The connection is otherwise the library's own (the same arguments, WAL, rows as `sqlite3.Row`);
its creation is repeated here because the library passes the cache size inline. This module
imports nothing of akkoord's: the benchmark's bare baseline gets the same cache from it, so the
two are configured alike (see `adapters.benchmarks.bare_model`).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from eventsourcing.persistence import InterfaceError
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteConnection,
    SQLiteConnectionPool,
)
from eventsourcing.sqlite import SQLiteFactory as LibrarySQLiteFactory
from eventsourcing.utils import get_topic

# Enough for every statement of every command and read (a few dozen distinct ones).
STATEMENTS = 256


class StatementCachingPool(SQLiteConnectionPool):
    def _create_connection(self) -> SQLiteConnection:
        try:
            c = sqlite3.connect(
                database=self.db_name,
                uri=True,
                check_same_thread=False,
                isolation_level=None,
                cached_statements=STATEMENTS,
                timeout=self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT,
            )
        except (sqlite3.Error, TypeError) as e:
            raise InterfaceError(e) from e
        if not self.is_sqlite_memory_mode and not self.is_journal_mode_wal:
            if str(c.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                c.execute("PRAGMA journal_mode=WAL")
                self.journal_mode_was_changed_to_wal = True
            self.is_journal_mode_wal = True
        c.row_factory = sqlite3.Row
        return SQLiteConnection(sqlite_conn=c, max_age=self.max_age)


def cache_statements(factory: LibrarySQLiteFactory) -> None:
    """Give a factory's datastore the caching pool (before it has opened a connection)."""
    old = factory.datastore.pool
    factory.datastore.pool = StatementCachingPool(
        db_name=old.db_name,
        lock_timeout=old.lock_timeout,
        pool_size=old.pool_size,
        max_overflow=old.max_overflow,
        pool_timeout=old.pool_timeout,
        max_age=old.max_age,
        pre_ping=old.pre_ping,
    )
    old.close()


class SQLiteFactory(LibrarySQLiteFactory):
    """`PERSISTENCE_MODULE` for akkoord's SQLite event store."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        cache_statements(self)


CACHING_SQLITE = get_topic(SQLiteFactory)
