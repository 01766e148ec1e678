"""A scenario on a new store runs once: its scratch copy becomes the real store (SQLite moves
the files, PostgreSQL renames the schema) instead of the story being played a second time. The
adopted store must then be an ordinary one: the next command's event goes into its own log, the
chain verifies, and nothing of the scratch copy is left."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from adapters.bootstrap import build, create_tables
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.store import backend_for
from adapters.store.postgres import PostgresBackend
from tests.conftest import BACKEND, OFFICER
from tests.reliability.support import akkoord
from tests.stores import RawStore


def _scratch_with_members(target: Settings, where: Path) -> Settings:
    scratch = backend_for(target).scratch(where)
    scratch.data_dir.mkdir(parents=True)
    with build(scratch, create=True) as e:
        e.app.members.load_members(
            read_members_csv(shipped_members_path()), actor=OFFICER, reason="CBS 2024"
        )
        e.catch_up()
    return scratch


def _count(data_dir: Path) -> int:
    sql = "SELECT count(*) FROM {}"
    return int(RawStore(data_dir).query(sql.format("stored_events"), sql.format("{events}"))[0][0])


def _schemas(backend: PostgresBackend) -> set[str]:
    with psycopg.connect(backend.target.conninfo(), autocommit=True) as conn:
        return {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace").fetchall()}


def test_a_new_store_adopts_its_scratch_copy_and_works_on_as_usual(tmp_path: Path) -> None:
    target = Settings(tmp_path / "store")
    scratch = _scratch_with_members(target, tmp_path / "scratch" / "store")
    scratch_backend = backend_for(scratch)
    written = 342  # one registration per member

    backend = backend_for(target)
    assert not backend.store_exists()
    assert backend.adopt(scratch, create_tables) is True
    backend.drop_scratch(scratch)

    assert _count(target.data_dir) == written
    with build(target) as e:
        assert len(e.app.members.list_members()) == 342
        e.app.consultations.open_consultation(
            title="Na de overname",
            question="Stemt u in?",
            agreements=["AZWA"],
            closes_at=datetime.now(UTC) + timedelta(days=30),
            timezone="Europe/Amsterdam",
            actor=OFFICER,
            reason="test",
        )
        e.catch_up()
        assert len(e.app.consultations.list_consultations()) == 1
    assert _count(target.data_dir) == written + 1
    verified = akkoord("audit", "verify", home=target.data_dir)
    assert verified.exit_code == 0, verified.stderr
    if isinstance(scratch_backend, PostgresBackend):
        assert scratch_backend.target.schema not in _schemas(scratch_backend)


@pytest.mark.postgres_only("a schema someone else made")
def test_a_schema_made_beforehand_is_not_replaced(tmp_path: Path) -> None:
    target = Settings(tmp_path / "store")
    backend = backend_for(target)
    assert isinstance(backend, PostgresBackend)
    schema = psycopg.sql.Identifier(backend.target.schema)
    with psycopg.connect(backend.target.conninfo(), autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("CREATE SCHEMA {}").format(schema))
        conn.execute(psycopg.sql.SQL("CREATE TABLE {}.theirs (x int)").format(schema))
    scratch = _scratch_with_members(target, tmp_path / "scratch" / "store")

    assert backend.adopt(scratch, create_tables) is False
    backend.drop_scratch(scratch)
    with psycopg.connect(backend.target.conninfo(), autocommit=True) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (backend.target.schema,)
        ).fetchall()
    assert tables == [("theirs",)]
    assert BACKEND == "postgresql"
