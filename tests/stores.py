"""Looking into a store from the outside, whichever backend holds it: equal fingerprints before
and after a refused command mean nothing at all was written."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import psycopg
from psycopg import sql

from adapters.bootstrap import create_tables
from adapters.config.settings import Settings
from adapters.store import backend_for
from adapters.store.postgres import EVENTS_TABLE, PostgresBackend

# The event store's own tables on PostgreSQL (the read models and tokens live beside them).
PG_STORE_TABLES = (
    EVENTS_TABLE,
    "governance_tracking",
    "event_hashes",
    "audit_checkpoints",
    "akkoord_meta",
    "merkle_state",
    "signed_heads",
)


def _pg_rows(backend: PostgresBackend, tables: tuple[str, ...], order: str = "") -> str | None:
    schema = backend.target.schema
    with psycopg.connect(backend.target.conninfo(), autocommit=True) as conn:
        present = {
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
            ).fetchall()
        }
        if EVENTS_TABLE not in present:
            return None
        digest = hashlib.sha256()
        for table in tables:
            if table not in present:
                continue
            statement = sql.SQL("SELECT * FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
            if order:
                statement += sql.SQL(" ORDER BY {}").format(sql.Identifier(order))
            rows = [repr(tuple(r)) for r in conn.execute(statement).fetchall()]
            digest.update(f"{table}:{rows if order else sorted(rows)!r}".encode())
    return digest.hexdigest()


def store_fingerprint(data_dir: Path, database_url: str | None = None) -> str:
    """Every row of every table of the event store (events, chain, tracking, meta); a URL given
    here is used instead of the environment's."""
    settings = Settings(data_dir) if database_url is None else Settings(data_dir, database_url)
    backend = backend_for(settings)
    if isinstance(backend, PostgresBackend):
        return _pg_rows(backend, PG_STORE_TABLES) or "no store"
    path = data_dir / "events.sqlite"
    if not path.exists():
        return "no store"
    digest = hashlib.sha256()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            ).fetchall()
        ]
        for table in tables:
            rows = sorted(repr(r) for r in db.execute(f'SELECT * FROM "{table}"'))
            digest.update(f"{table}:{rows!r}".encode())
    return digest.hexdigest()


def log_fingerprint(data_dir: Path) -> str:
    """A hash of every stored event, in log order."""
    backend = backend_for(Settings(data_dir))
    if isinstance(backend, PostgresBackend):
        return _pg_rows(backend, (EVENTS_TABLE,), order="notification_id") or "no store"
    path = data_dir / "events.sqlite"
    if not path.exists():
        return "no store"
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT rowid, * FROM stored_events ORDER BY rowid").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


class RawStore:
    """Writing to a store behind akkoord's back, as an attacker with database access would: the
    same operations on either backend, by log position."""

    def __init__(self, data_dir: Path) -> None:
        backend = backend_for(Settings(data_dir))
        self.pg = backend if isinstance(backend, PostgresBackend) else None
        self.path = data_dir / "events.sqlite"

    def _run(self, sqlite_sql: str, pg_sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
        if self.pg is None:
            with sqlite3.connect(self.path) as db:
                return [tuple(r) for r in db.execute(sqlite_sql, params).fetchall()]
        schema = sql.Identifier(self.pg.target.schema)
        statement = sql.SQL(pg_sql).format(
            events=sql.SQL("{}.{}").format(schema, sql.Identifier(EVENTS_TABLE)),
            hashes=sql.SQL("{}.event_hashes").format(schema),
            tracking=sql.SQL("{}.governance_tracking").format(schema),
            tree=sql.SQL("{}.merkle_state").format(schema),
            heads=sql.SQL("{}.signed_heads").format(schema),
            checkpoints=sql.SQL("{}.audit_checkpoints").format(schema),
        )
        with psycopg.connect(self.pg.target.conninfo(), autocommit=True) as conn:
            cur = conn.execute(statement, params)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []

    def query(self, sqlite_sql: str, pg_sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
        """The same question in each database's words ({events}, {hashes}, {tracking}, {tree},
        {heads} and {checkpoints} name the PostgreSQL tables)."""
        return self._run(sqlite_sql, pg_sql, params)

    def head(self) -> int:
        return int(
            self._run(
                "SELECT max(rowid) FROM stored_events",
                "SELECT max(notification_id) FROM {events}",
            )[0][0]
        )

    def event(self, position: int) -> tuple[object, ...]:
        """(originator_id, originator_version, topic, state) as stored."""
        return self._run(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "WHERE rowid = ?",
            "SELECT originator_id, originator_version, topic, state FROM {events} "
            "WHERE notification_id = %s",
            (position,),
        )[0]

    def set_state(self, position: int, state: bytes) -> None:
        self._run(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            "UPDATE {events} SET state = %s WHERE notification_id = %s",
            (state, position),
        )

    def delete_event(self, position: int) -> None:
        self._run(
            "DELETE FROM stored_events WHERE rowid = ?",
            "DELETE FROM {events} WHERE notification_id = %s",
            (position,),
        )

    def delete_chain_entry(self, position: int) -> None:
        self._run(
            "DELETE FROM event_hashes WHERE position = ?",
            "DELETE FROM {hashes} WHERE position = %s",
            (position,),
        )

    def put_event(self, position: int, row: tuple[object, ...]) -> None:
        self._run(
            "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?, ?)",
            "INSERT INTO {events} (notification_id, originator_id, originator_version, topic, "
            "state) VALUES (%s, %s, %s, %s, %s)",
            (position, *row),
        )

    def a_ballot(self) -> tuple[object, ...]:
        return self._run(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "WHERE topic LIKE '%BallotCast' LIMIT 1",
            "SELECT originator_id, originator_version, topic, state FROM {events} "
            "WHERE topic LIKE '%%BallotCast' LIMIT 1",
        )[0]

    def forged_id(self) -> object:
        return "0" * 32 if self.pg is None else "00000000-0000-0000-0000-000000000000"

    def append_with_chain(self, aggregate_id: str, topic: str, state: bytes) -> int:
        """Append the aggregate's next event with a valid chain entry, as a newer akkoord would
        have written it; returns its position."""
        from uuid import UUID

        from adapters.audit.chain import GENESIS, chain_hash, digest

        key: object = UUID(aggregate_id).hex if self.pg is None else aggregate_id
        version = int(
            self._run(
                "SELECT max(originator_version) FROM stored_events WHERE originator_id = ?",
                "SELECT max(originator_version) FROM {events} WHERE originator_id = %s",
                (key,),
            )[0][0]
        )
        position = self.head() + 1
        self.put_event(position, (key, version + 1, topic, state))
        if self.pg is not None:  # a newer akkoord takes positions from the sequence
            self._run(
                "",
                "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s)",
                (f'"{self.pg.target.schema}".{EVENTS_TABLE}', position),
            )
        tail = self._run(
            "SELECT hash FROM event_hashes ORDER BY position DESC LIMIT 1",
            "SELECT hash FROM {hashes} ORDER BY position DESC LIMIT 1",
        )
        d = digest(topic, UUID(aggregate_id), version + 1, state)
        self._run(
            "INSERT INTO event_hashes VALUES (?, ?, ?)",
            "INSERT INTO {hashes} VALUES (%s, %s, %s)",
            (position, d, chain_hash(tail[0][0] if tail else GENESIS, position, d)),
        )
        return position


def copy_store(source: Path, target: Path) -> None:
    """A store's copy in another data directory (on PostgreSQL: in that directory's schema)."""
    target.mkdir(parents=True)
    backend_for(Settings(source)).copy_store_to(Settings(target), create_tables)


def initialised(settings: Settings) -> Settings:
    """As an operator does before starting nodes on PostgreSQL (`akkoord db init`); a SQLite
    store needs nothing."""
    backend = backend_for(settings)
    if isinstance(backend, PostgresBackend):
        from adapters.bootstrap import init_database

        init_database(backend)
    return settings


def count_events(data_dir: Path, topic_like: str) -> int:
    return int(
        RawStore(data_dir)._run(
            "SELECT count(*) FROM stored_events WHERE topic LIKE ?",
            "SELECT count(*) FROM {events} WHERE topic LIKE %s",
            (topic_like,),
        )[0][0]
    )
