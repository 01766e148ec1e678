"""Read-model statements run on the event store's own DB-API cursor, compiled once.

The read models change in the transaction that records the events causing them (one commit per
command), so they are written through the recorder's cursor (sqlite3 or psycopg), not through a
SQLAlchemy connection of their own. The tables and statements stay SQLAlchemy Core, the one
description of their shape; each statement is compiled to the driver's SQL the first time it is
used and kept, so a command pays for the database work only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

SQLITE = sqlite.dialect(paramstyle="named")  # :name, which sqlite3 binds from a dict


@cache
def postgres_dialect() -> Dialect:
    """%(name)s, which psycopg binds from a dict (made on first use: SQLite stores never load
    the PostgreSQL dialect)."""
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

    return PGDialect_psycopg()  # type: ignore[no-untyped-call]


Params = Mapping[str, Any]


class Driver:
    """A cursor in an open write transaction, and how to speak to its database."""

    _compiled: dict[tuple[int, str, str | None], tuple[ClauseElement, str]] = {}  # noqa: RUF012

    def __init__(self, cursor: Any, *, postgres: bool, schema: str | None = None) -> None:
        self.cursor = cursor
        self.postgres = postgres
        self.schema = schema
        self._dialect: Dialect = postgres_dialect() if postgres else SQLITE

    def sql(self, statement: ClauseElement) -> str:
        # Keyed by identity (statements are module constants or cached by shape); the statement
        # is kept beside its text so an id is never reused while the entry lives.
        key = (id(statement), self._dialect.name, self.schema)
        found = self._compiled.get(key)
        if found is None:
            options: dict[str, Any] = {}
            if self.schema is not None:
                options = {"schema_translate_map": {None: self.schema}}
                options["render_schema_translate"] = True
            text = str(statement.compile(dialect=self._dialect, **options))
            found = self._compiled[key] = (statement, text)
        return found[1]

    def execute(self, statement: ClauseElement, params: Params | None = None) -> None:
        self._run(self.sql(statement), dict(params or {}))

    def executemany(self, statement: ClauseElement, rows: Sequence[Params]) -> None:
        if len(rows) == 1:
            # One row is one statement: psycopg runs a batch as a pipeline, which waits for
            # the server more often than a single prepared statement does.
            self._run(self.sql(statement), dict(rows[0]))
        elif rows:
            self.cursor.executemany(self.sql(statement), [dict(r) for r in rows])

    def _run(self, sql: str, params: Any) -> None:
        if self.postgres:
            # A server-side prepared statement after a few uses (psycopg's own threshold).
            self.cursor.execute(sql, params, prepare=True)
        else:
            self.cursor.execute(sql, params)  # sqlite3 keeps its own statement cache

    def rows(self, statement: ClauseElement, params: Params | None = None) -> list[tuple[Any, ...]]:
        self.execute(statement, params)
        return [self._plain(r) for r in self.cursor.fetchall()]

    def first(
        self, statement: ClauseElement, params: Params | None = None
    ) -> tuple[Any, ...] | None:
        self.execute(statement, params)
        row = self.cursor.fetchone()
        return None if row is None else self._plain(row)

    def scalar(self, statement: ClauseElement, params: Params | None = None) -> Any:
        row = self.first(statement, params)
        return None if row is None else row[0]

    def select(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """A query in the driver's own SQL, for the event store's tables (the library's, not
        described in SQLAlchemy)."""
        self._run(sql, tuple(params))
        return [self._plain(r) for r in self.cursor.fetchall()]

    def write(self, sql: str, params: Iterable[Any] = ()) -> None:
        self._run(sql, tuple(params))

    @staticmethod
    def _plain(row: Any) -> tuple[Any, ...]:
        # The library's PostgreSQL cursors return dict rows; sqlite3's are tuples.
        return tuple(row.values()) if isinstance(row, dict) else tuple(row)
