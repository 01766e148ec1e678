"""A new PostgreSQL store's read-model tables come from one script (one round trip); the
schema it makes is the one SQLAlchemy's `create_all` makes, column for column and index for
index, partial index included."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from adapters.readmodels.tables import _create_all, metadata

pytestmark = pytest.mark.postgres_only("the script is PostgreSQL's")

SHAPE = """
SELECT 'column', c.table_name, c.column_name,
       concat_ws(' ', c.data_type, c.character_maximum_length, c.is_nullable,
                 replace(c.column_default, %(s)s, 'S'))
  FROM information_schema.columns c WHERE c.table_schema = %(s)s
UNION ALL
SELECT 'index', i.tablename, i.indexname, replace(i.indexdef, %(s)s, 'S')
  FROM pg_indexes i WHERE i.schemaname = %(s)s
UNION ALL
SELECT 'constraint', t.table_name, t.constraint_type,
       string_agg(k.column_name, ',' ORDER BY k.ordinal_position)
  FROM information_schema.table_constraints t
  JOIN information_schema.key_column_usage k
    ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema
 WHERE t.table_schema = %(s)s GROUP BY 1, 2, 3
ORDER BY 1, 2, 3, 4
"""


@pytest.fixture
def schemas() -> Iterator[tuple[Any, str, str]]:
    url = make_url(os.environ["AKKOORD_DATABASE_URL"]).set(query={})
    conninfo = url.render_as_string(False).replace("postgresql+psycopg", "postgresql")
    names = (f"ddl_script_{uuid.uuid4().hex[:8]}", f"ddl_each_{uuid.uuid4().hex[:8]}")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        try:
            yield url.set(drivername="postgresql+psycopg"), *names
        finally:
            for name in names:
                conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


def _shape(engine: Any, schema: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.execute(SHAPE, {"s": schema})
        return [tuple(r) for r in cursor.fetchall()]


def test_the_one_script_makes_the_schema_create_all_makes(schemas: tuple[Any, str, str]) -> None:
    url, by_script, by_statement = schemas
    engines = {
        name: create_engine(url, execution_options={"schema_translate_map": {None: name}})
        for name in (by_script, by_statement)
    }
    try:
        with engines[by_script].begin() as conn:
            _create_all(conn)
        with engines[by_statement].begin() as conn:
            metadata.create_all(conn, checkfirst=False)
        made = _shape(engines[by_script], by_script)
        assert made == _shape(engines[by_statement], by_statement)
        assert any(r[0] == "index" and r[2] == "party_status_open" for r in made)
        assert {r[1] for r in made} == set(metadata.tables)
    finally:
        for engine in engines.values():
            engine.dispose()
