"""Read-model statements run on the event store's own DB-API cursor, compiled once.

The read models change in the transaction that records the events causing them (one commit per
command), so they are written through the recorder's cursor (sqlite3 or psycopg), not through a
SQLAlchemy connection of their own. The tables and most statements are SQLAlchemy Core, the one
description of their shape; each statement is compiled to the driver's SQL the first time it is
used and kept, so a command pays for the database work only.

The few statements a ballot runs are plain SQL (`Sql`, see `adapters/readmodels/tally_view.py`):
a cast run as a process of its own then never imports SQLAlchemy, which was a third of its
start-up. The tests that hold live equal to a rebuild and to a recount hold them to the tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlalchemy.sql import ClauseElement


@cache
def sqlite_dialect() -> Dialect:
    """:name, which sqlite3 binds from a dict."""
    from sqlalchemy.dialects import sqlite

    return sqlite.dialect(paramstyle="named")


@cache
def postgres_dialect() -> Dialect:
    """%(name)s, which psycopg binds from a dict (made on first use: SQLite stores never load
    the PostgreSQL dialect)."""
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

    return PGDialect_psycopg()  # type: ignore[no-untyped-call]


Params = Mapping[str, Any]

_TABLE = re.compile(r"\{(\w+)\}")
_PARAM = re.compile(r"(?<![:\w]):(\w+)")


@dataclass(frozen=True)
class Sql:
    """A statement in SQL both databases speak: read-model tables as `{table}` (qualified with
    the store's schema on PostgreSQL) and parameters as `:name` (`%(name)s` for psycopg)."""

    template: str

    def render(self, *, postgres: bool, schema: str | None) -> str:
        prefix = f'"{schema}".' if postgres and schema else ""
        text = _TABLE.sub(lambda m: prefix + m.group(1), self.template)
        return _PARAM.sub(r"%(\1)s", text) if postgres else text


class Driver:
    """A cursor in an open write transaction, and how to speak to its database."""

    _compiled: dict[tuple[int, bool, str | None], tuple[ClauseElement | Sql, str]] = {}  # noqa: RUF012

    def __init__(
        self, cursor: Any, *, postgres: bool, schema: str | None = None, pipelined: bool = False
    ) -> None:
        self.cursor = cursor
        self.postgres = postgres
        self.schema = schema
        # Inside the event insert's pipeline on PostgreSQL (see `postgres_chain`).
        self.pipelined = pipelined
        # Reads sent ahead down the pipeline (`prefetch`), by statement and parameters.
        self._ahead: dict[tuple[str, Any], Any] = {}

    def sql(self, statement: ClauseElement | Sql) -> str:
        # Keyed by identity (statements are module constants or cached by shape); the statement
        # is kept beside its text so an id is never reused while the entry lives.
        key = (id(statement), self.postgres, self.schema)
        found = self._compiled.get(key)
        if found is None:
            if isinstance(statement, Sql):
                text = statement.render(postgres=self.postgres, schema=self.schema)
            else:
                options: dict[str, Any] = {}
                if self.schema is not None:
                    options = {"schema_translate_map": {None: self.schema}}
                    options["render_schema_translate"] = True
                dialect = postgres_dialect() if self.postgres else sqlite_dialect()
                text = str(statement.compile(dialect=dialect, **options))
            found = self._compiled[key] = (statement, text)
        return found[1]

    def execute(self, statement: ClauseElement | Sql, params: Params | None = None) -> None:
        self._run(self.sql(statement), dict(params or {}))

    def executemany(self, statement: ClauseElement | Sql, rows: Sequence[Params]) -> None:
        if self.pipelined or len(rows) == 1:
            # In the insert's pipeline a statement per row waits for nothing (and psycopg's
            # executemany there can leave a later read on this cursor its last INSERT's
            # result); one row alone is one statement anyway.
            sql = self.sql(statement)
            for row in rows:
                self._run(sql, dict(row))
        elif rows:
            self.cursor.executemany(self.sql(statement), [dict(r) for r in rows])

    def _run(self, sql: str, params: Any) -> None:
        if self.postgres:
            # A server-side prepared statement after a few uses (psycopg's own threshold).
            self.cursor.execute(sql, params, prepare=True)
        else:
            self.cursor.execute(sql, params)  # sqlite3 keeps its own statement cache

    def read_cursor(self) -> Any:
        """Where a statement whose rows are read runs: in the insert's pipeline a cursor of its
        own (psycopg may hand the shared one the result of an earlier write while a later
        statement is being sent; see `adapters.audit.pipeline`)."""
        return self.cursor.connection.cursor() if self.pipelined else self.cursor

    def prefetch(self, statement: ClauseElement | Sql, params: Params | None = None) -> None:
        """Send a read ahead down the insert's pipeline: its rows come back with the insert's
        own (one wait for both), and the same read later takes them instead of waiting again.
        Outside a pipeline there is no wait to save, and this does nothing."""
        if not self.pipelined:
            return
        sql, values = self.sql(statement), dict(params or {})
        cursor = self.read_cursor()
        cursor.execute(sql, values, prepare=True)
        self._ahead[_key(sql, values)] = cursor

    def _read(self, sql: str, params: Any, *, first: bool = False) -> list[tuple[Any, ...]]:
        # A read sent ahead has its rows here, or on their way with the insert's.
        cursor = self._ahead.pop(_key(sql, params), None) if self._ahead else None
        if cursor is None:
            cursor = self.read_cursor()
            if self.postgres:
                cursor.execute(sql, params, prepare=True)
            else:
                cursor.execute(sql, params)
        found = [cursor.fetchone()] if first else cursor.fetchall()
        if cursor is not self.cursor:
            cursor.close()
        return [self._plain(r) for r in found if r is not None]

    def rows(
        self, statement: ClauseElement | Sql, params: Params | None = None
    ) -> list[tuple[Any, ...]]:
        return self._read(self.sql(statement), dict(params or {}))

    def first(
        self, statement: ClauseElement | Sql, params: Params | None = None
    ) -> tuple[Any, ...] | None:
        found = self._read(self.sql(statement), dict(params or {}), first=True)
        return found[0] if found else None

    def scalar(self, statement: ClauseElement | Sql, params: Params | None = None) -> Any:
        row = self.first(statement, params)
        return None if row is None else row[0]

    def select(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """A query in the driver's own SQL, for the event store's tables (the library's, not
        described in SQLAlchemy)."""
        return self._read(sql, tuple(params))

    def write(self, sql: str, params: Iterable[Any] = ()) -> None:
        self._run(sql, tuple(params))

    @staticmethod
    def _plain(row: Any) -> tuple[Any, ...]:
        # The library's PostgreSQL cursors return dict rows; sqlite3's are tuples.
        return tuple(row.values()) if isinstance(row, dict) else tuple(row)


def _key(sql: str, params: Any) -> tuple[str, Any]:
    return sql, tuple(sorted(params.items())) if isinstance(params, dict) else tuple(params)
