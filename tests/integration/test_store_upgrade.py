"""A store written by the first release, brought to this version by `akkoord db upgrade`.

The stores in tests/data were made by the old releases themselves (see tests/data/README.md):
SQLite by the first release's `akkoord demo` (no hash chain, read models in views.sqlite, no
version mark), PostgreSQL by the first release with a PostgreSQL store (version 1, no Merkle
tree, no idempotency keys). Until upgraded they are refused with one line; the upgrade keeps a
backup and leaves every event row and chain hash as it was.
"""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import psycopg
from psycopg import sql

from adapters.config.settings import Settings
from adapters.store import backend_for
from adapters.store.postgres import PostgresBackend
from domain.actor import Actor, Role
from tests.conftest import BACKEND
from tests.e2e.cli import Cli
from tests.reliability.support import akkoord, free_port, refused
from tests.stores import RawStore, log_fingerprint, store_fingerprint

DATA = Path(__file__).parent.parent / "data"
OFFICER = "officer:test.officer"
UPGRADE = "akkoord db upgrade"
# What the old releases printed for their demo's consultation (the same synthetic ballots).
TALLY = {"yes_weight": 9815, "no_weight": 317, "voted_members": 256, "turnout_weight_pct": 75.62}
CONSULTATION = {
    "sqlite": "1d7c37d3-6394-48bd-9ebe-d031fb842302",
    "postgresql": "3bee0a32-bbb6-4944-90ae-b487f06361a8",
}
EVENTS = {"sqlite": 622, "postgresql": 790}
FIRST_VERSION = {"sqlite": 0, "postgresql": 1}  # 0: before the version mark existed


def first_release_store(data_dir: Path) -> Cli:
    """The old release's store, laid into `data_dir` (and on PostgreSQL into its schema)."""
    data_dir.mkdir(parents=True)
    backend = backend_for(Settings(data_dir))
    if isinstance(backend, PostgresBackend):
        _restore_dump(backend)
    else:
        for packed in (DATA / "first-release-store").glob("*.sqlite.gz"):
            (data_dir / packed.name.removesuffix(".gz")).write_bytes(
                gzip.decompress(packed.read_bytes())
            )
    return Cli(data_dir)


def _restore_dump(backend: PostgresBackend) -> None:
    """pg_dump's plain SQL of schema `first_release`, run into this data directory's schema
    (psql's own backslash commands left out)."""
    text = gzip.decompress((DATA / "first-pg-release-store.sql.gz").read_bytes()).decode()
    script = "\n".join(line for line in text.splitlines() if not line.startswith("\\"))
    schema = backend.target.schema
    with psycopg.connect(backend.target.conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        conn.execute(script.replace("first_release", schema).encode())


def chain_rows(data_dir: Path) -> list[tuple[object, ...]]:
    raw = RawStore(data_dir)
    tables = raw.query(
        "SELECT name FROM sqlite_master WHERE name = 'event_hashes'",
        "SELECT to_regclass('{hashes}'::text) FROM (SELECT 1) AS one",
    )
    if not tables or tables[0][0] is None:
        return []
    return raw.query(
        "SELECT * FROM event_hashes ORDER BY position",
        "SELECT * FROM {hashes} ORDER BY position",
    )


def test_a_store_of_the_first_release_is_refused_with_one_line_naming_the_upgrade(
    tmp_path: Path,
) -> None:
    cli = first_release_store(tmp_path / "old")
    before = store_fingerprint(cli.data_dir)
    status = cli("db", "status", "--json")
    assert status.exit_code == 0, status.stderr
    assert status.json()["upgrade_needed"] is True
    assert status.json()["store_version"] == FIRST_VERSION[BACKEND]
    runs = [
        cli("status"),
        cli("consultation", "open", "--title", "Nieuw", "--question", "Stemt u in?",
            "--closes", "2099-10-22T16:00", "--reason", "test", actor=OFFICER),
        # a node: before it listens (the real process, as an operator starts it)
        akkoord("serve", "--port", str(free_port()), "--no-scheduler", home=cli.data_dir),
    ]  # fmt: skip
    for run in runs:
        line = refused(run, 1, UPGRADE)
        assert f"store is version {FIRST_VERSION[BACKEND]}" in line, line
    assert store_fingerprint(cli.data_dir) == before  # nothing was written
    if BACKEND == "sqlite":
        assert (cli.data_dir / "views.sqlite").is_file()  # not even the old read models gone


def test_db_upgrade_keeps_the_log_and_its_hashes_and_the_old_story(tmp_path: Path) -> None:
    cli = first_release_store(tmp_path / "old")
    events_before = log_fingerprint(cli.data_dir)
    chain_before = chain_rows(cli.data_dir)
    assert (chain_before == []) is (BACKEND == "sqlite")  # the first release had no chain

    run = cli("db", "upgrade", "--json")
    assert run.exit_code == 0, run.stderr
    done = run.json()
    assert done["upgraded"] is True
    assert (done["from_version"], done["to_version"]) == (FIRST_VERSION[BACKEND], 2)
    assert done["events_replayed"] == EVENTS[BACKEND]

    # the backup, taken first
    backup = Path(done["backup"])
    assert backup.parent == cli.data_dir / "backups"
    assert backup.name.startswith("pre-upgrade-")
    if BACKEND == "sqlite":
        assert sorted(p.name for p in backup.iterdir()) == ["events.sqlite", "views.sqlite"]
        with sqlite3.connect(backup / "events.sqlite") as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            assert "event_hashes" not in tables  # as the first release left it
            assert db.execute("SELECT count(*) FROM stored_events").fetchone()[0] == 622
        assert not (cli.data_dir / "views.sqlite").exists()
    else:
        assert done["backup_schema"] in (backup / "BACKUP.txt").read_text()
        _assert_backup_schema_holds_the_log(cli.data_dir, done["backup_schema"])

    # the log byte for byte, the chain kept (PostgreSQL) or built beside it (SQLite)
    assert log_fingerprint(cli.data_dir) == events_before
    chain_after = chain_rows(cli.data_dir)
    if BACKEND == "sqlite":
        assert len(chain_after) == EVENTS["sqlite"] and done["chain_entries_added"] == 622
    else:
        assert chain_after == chain_before and done["chain_entries_added"] == 0
    verified = cli("audit", "verify", "--json")
    assert verified.exit_code == 0 and verified.json()["ok"] is True, verified.stdout
    assert verified.json()["tree"]["size"] == EVENTS[BACKEND]

    # the old release's story, as it showed it
    tally = cli("consultation", "tally", CONSULTATION[BACKEND], "--json").json()
    assert {k: tally[k] for k in TALLY} == TALLY
    if BACKEND == "postgresql":
        rows = cli("status", "--party", "VNG", "--json").json()
        found = {r["agreement"]: (r["status"], r["since"]) for r in rows}
        assert found["AZWA"] == ("definitive", "2025-10-29T10:00+01:00")
        assert found["HLO"] == ("signed", "2025-10-29T10:00+01:00")
        assert found["GALA"] == ("signed", "2023-01-16T10:05+01:00")

    # and today's commands work on it: a new consultation, a ballot
    opened = cli(
        "consultation", "open", "--title", "Na de upgrade", "--question", "Stemt u in?",
        "--closes", "2099-10-22T16:00", "--reason", "test", "--json", actor=OFFICER,
    )  # fmt: skip
    assert opened.exit_code == 0, opened.stderr
    cid = str(opened.json()["id"])
    cast = cli(
        "consultation", "cast", cid, "--member", "GM0363", "--choice", "yes",
        actor=str(Actor(Role.SECRETARY, "GM0363")),
    )  # fmt: skip
    assert cast.exit_code == 0, cast.stderr
    assert cli("consultation", "tally", cid, "--json").json()["voted_members"] == 1
    assert cli("audit", "verify", "--json").json()["ok"] is True

    # a second upgrade has nothing to do, and says so
    again = cli("db", "upgrade")
    assert again.exit_code == 0, again.stderr
    assert "already at version 2; nothing to do" in again.stdout
    assert sorted(p.name for p in (cli.data_dir / "backups").iterdir()) == [backup.name]
    assert cli("db", "status", "--json").json()["upgrade_needed"] is False


def _assert_backup_schema_holds_the_log(data_dir: Path, schema: str) -> None:
    backend = backend_for(Settings(data_dir))
    assert isinstance(backend, PostgresBackend)
    with psycopg.connect(backend.target.conninfo(), autocommit=True) as conn:
        found = conn.execute(
            sql.SQL("SELECT count(*) FROM {}.governance_events").format(sql.Identifier(schema))
        ).fetchone()
        assert found is not None and found[0] == EVENTS["postgresql"]
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def test_a_new_store_needs_no_upgrade(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "new")
    assert cli("members", "load", actor=OFFICER).exit_code == 0
    assert cli("db", "status", "--json").json()["upgrade_needed"] is False
    again = cli("db", "upgrade")
    assert again.exit_code == 0 and "nothing to do" in again.stdout
    assert not (cli.data_dir / "backups").exists()
