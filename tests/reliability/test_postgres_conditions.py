"""Hard conditions of the PostgreSQL store: a server that is not there, a database or URL that is
wrong, tables not yet made, nodes initialising at once, a table locked by someone else.

What must hold: one clear line and a non-zero exit, never a traceback, and nothing written.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from adapters.config.settings import Settings
from adapters.store import backend_for
from adapters.store.leadership import advisory_key_parts, advisory_lock_held
from adapters.store.postgres import EVENTS_TABLE, PostgresBackend, database_status
from tests.e2e.cli import Cli
from tests.reliability.support import AKKOORD, OFFICER, ROOT, akkoord, free_port, refused
from tests.stores import store_fingerprint

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres_only("conditions of the PostgreSQL server itself"),
]


def url_with(**parts: str | int) -> str:
    base = make_url(os.environ["AKKOORD_DATABASE_URL"])
    query = parts.pop("schema", None)
    url = base.set(**parts)  # type: ignore[arg-type]
    if query is not None:
        url = url.update_query_dict({"schema": str(query)})
    return url.render_as_string(hide_password=False)


def own_schema() -> str:
    return url_with(schema=f"cond_{uuid.uuid4().hex[:10]}")


def test_a_server_that_is_not_there_gives_one_line(tmp_path: Path) -> None:
    env = {"AKKOORD_DATABASE_URL": url_with(port=free_port())}
    for args in (
        ["members", "load", "--as", OFFICER],
        ["db", "status"],
        ["db", "init"],
        # a node waits for its database (test_postgres_outage_under_load.py); told not to wait,
        # it gives up at once
        ["serve", "--database-wait", "0", "--port", str(free_port())],
    ):
        line = refused(akkoord(*args, home=tmp_path / "h", env=env), 1, "cannot use PostgreSQL")
        assert "connection refused" in line


def test_a_database_that_does_not_exist_gives_one_line(tmp_path: Path) -> None:
    env = {"AKKOORD_DATABASE_URL": url_with(database="no_such_database")}
    line = refused(akkoord("db", "init", home=tmp_path, env=env), 1, "cannot use PostgreSQL")
    assert "does not exist" in line


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://root@127.0.0.1/akkoord", "must start with postgresql://"),
        ("postgresql://127.0.0.1", "names no database"),
        ("postgresql://127.0.0.1/db?sslmode=require", "not understood: sslmode"),
        ("postgresql://127.0.0.1/db?schema=Robert%27);DROP", "plain lower-case name"),
        ("postgresql+asyncpg://127.0.0.1/db", "through psycopg"),
        ("::not a url::", "malformed database URL"),
    ],
)
def test_a_wrong_database_url_is_refused_before_connecting(
    tmp_path: Path, url: str, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(tmp_path)  # in-process: the same code path as the real command, without its start-up
    # `--database-url` sets the variable for the process: have it put back after this test
    monkeypatch.setenv("AKKOORD_DATABASE_URL", os.environ["AKKOORD_DATABASE_URL"])
    refused(cli("db", "status", "--database-url", url), 2, says)
    refused(cli("--database-url", url, "status"), 2, says)
    monkeypatch.setenv("AKKOORD_DATABASE_URL", url)
    refused(cli("status"), 2, says)


def test_a_node_does_not_start_on_a_database_without_tables(tmp_path: Path) -> None:
    env = {"AKKOORD_DATABASE_URL": own_schema()}
    refused(akkoord("serve", "--port", str(free_port()), home=tmp_path, env=env), 3, "db init")
    refused(akkoord("scheduler", "run", home=tmp_path, env=env), 3, "db init")
    status = akkoord("db", "status", "--json", home=tmp_path, env=env)
    assert status.exit_code == 3  # not initialised: scripts can wait for `db init`


def test_nodes_initialising_at_once_create_the_tables_once(tmp_path: Path) -> None:
    env = {**os.environ, "AKKOORD_DATABASE_URL": own_schema()}
    procs = [
        subprocess.Popen(
            [*AKKOORD, "db", "init", "--json"],
            env={**env, "AKKOORD_HOME": str(tmp_path / f"n{i}")},
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], results
    created = [out for out, _ in results if '"created": []' not in out]
    assert len(created) == 1, results  # one made them; the others found them there
    loaded = akkoord("members", "load", "--as", OFFICER, home=tmp_path / "n0", env=env)
    assert loaded.exit_code == 0, loaded.stderr


def test_a_locked_event_table_refuses_writes_and_writes_nothing(tmp_path: Path) -> None:
    url = own_schema()
    env = {"AKKOORD_DATABASE_URL": url, "GOVERNANCE_POSTGRES_LOCK_TIMEOUT": "1"}
    home = tmp_path / "store"
    assert akkoord("members", "load", "--as", OFFICER, home=home, env=env).exit_code == 0
    before = store_fingerprint(home, url)
    backend = backend_for(Settings(home, database_url=url))
    assert isinstance(backend, PostgresBackend)
    locked = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with psycopg.connect(backend.target.conninfo()) as conn, conn.transaction():
            conn.execute(
                sql.SQL("LOCK TABLE {}.{} IN EXCLUSIVE MODE").format(
                    sql.Identifier(backend.target.schema), sql.Identifier(EVENTS_TABLE)
                )
            )
            locked.set()
            release.wait(120)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(30)
        started = time.monotonic()
        run = akkoord(
            "agreement", "register", "--code", "LOCK", "--name", "Op slot",
            "--full-name", "Op slot", "--party", "VNG", "--reason", "test",
            "--as", OFFICER, home=home, env=env, timeout=180,
        )  # fmt: skip
        refused(run, 1, "storage error")
        assert time.monotonic() - started < 90
    finally:
        release.set()
        holder.join()
    assert store_fingerprint(home, url) == before
    again = akkoord(
        "agreement", "register", "--code", "LOCK", "--name", "Op slot", "--full-name", "Op slot",
        "--party", "VNG",
            "--reason", "test",
        "--as", OFFICER, home=home, env=env,
    )  # fmt: skip
    assert again.exit_code == 0, again.stderr


def test_a_leader_that_loses_its_session_stops_leading_and_another_takes_over(
    tmp_path: Path,
) -> None:
    backend = backend_for(Settings(tmp_path, database_url=own_schema()))
    assert isinstance(backend, PostgresBackend)
    first, second = backend.leadership(), backend.leadership()
    try:
        assert database_status(backend).leader is None
        assert first.try_acquire() and first.holds()
        assert not second.try_acquire()  # one leader at a time
        before = database_status(backend).leader
        assert before is not None and "session" in before
        with psycopg.connect(backend.target.conninfo(), autocommit=True) as admin:
            # what the server does when the leader's host dies: its session ends
            admin.execute(
                f"SELECT pg_terminate_backend(pid) FROM pg_locks WHERE {advisory_lock_held()}",
                advisory_key_parts(backend.target.lock_key("scheduler")),
            )
        assert not first.holds()
        assert second.try_acquire() and second.holds()
        assert not first.try_acquire()
        after = database_status(backend).leader
        assert after is not None and after != before  # another session leads now
    finally:
        first.release()
        second.release()
