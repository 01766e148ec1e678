"""Schemas of the benchmark's own on a PostgreSQL server: each store of a run (akkoord's and
each baseline's) gets a fresh schema, and every one of them is dropped at the end of the run,
whatever happened in between. Nothing the benchmark writes touches the URL's own schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from psycopg import sql
from sqlalchemy.engine import make_url

from adapters.store.postgres import Target, connect, parse_database_url

PREFIX = "akkoord_bench_"


def check_server(url: str) -> str:
    """The server's version; a clear error (DatabaseUnavailableError) if it cannot be used."""
    target = parse_database_url(url, Path.cwd())
    with connect(target) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"


class Schemas:
    """Hands out URLs naming fresh schemas on the server of `url`; `drop_all` removes them."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.run = uuid.uuid4().hex[:8]
        self.made: list[str] = []

    def url_for(self, label: str) -> str:
        name = f"{PREFIX}{self.run}_{label}"
        self.made.append(name)
        return (
            make_url(self.url)
            .update_query_dict({"schema": name})
            .render_as_string(hide_password=False)
        )

    def create(self, url: str) -> None:
        """Make the schema of `url` (the bare library makes tables, not schemas)."""
        target = self._target(url)
        with connect(target) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(_name(target)))

    def drop_all(self) -> None:
        if not self.made:
            return
        target = self._target(self.url)
        with connect(target) as conn:
            for name in self.made:
                conn.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name))
                )
        self.made.clear()

    @staticmethod
    def _target(url: str) -> Target:
        return parse_database_url(url, Path.cwd())


def _name(target: Target) -> sql.Identifier:
    return sql.Identifier(target.schema)


@contextmanager
def bench_schemas(url: str) -> Iterator[Schemas]:
    schemas = Schemas(url)
    try:
        yield schemas
    finally:
        schemas.drop_all()
