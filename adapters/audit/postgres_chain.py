"""The hash chain on PostgreSQL: the library's process recorder, with each insert extended by
the chain entries of its events, in the same transaction (see `audit_chain` for the chain)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresProcessRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Composed, Identifier

from adapters.audit.chain import (
    CHECKPOINT_EVERY,
    GENESIS,
    PAGE,
    ChainEntry,
    InTransaction,
    LogRow,
    chain_hash,
    digest,
    paged,
    tail_after,
    uuid_text,
)
from adapters.audit.idempotency import POSTGRES_TABLE as IDEMPOTENCY_TABLE
from adapters.audit.idempotency import claim_postgres
from adapters.audit.pipeline import reading

CHAIN_TABLES = [
    "CREATE TABLE IF NOT EXISTS {schema}.akkoord_meta (key text PRIMARY KEY, value text NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {schema}.event_hashes ("
    "position bigint PRIMARY KEY, digest text NOT NULL, hash text NOT NULL)",
    "CREATE INDEX IF NOT EXISTS event_hashes_digest ON {schema}.event_hashes (digest)",
    "CREATE TABLE IF NOT EXISTS {schema}.audit_checkpoints ("
    "position bigint PRIMARY KEY, hash text NOT NULL, recorded_at text NOT NULL)",
]


class ChainedPostgresProcessRecorder(PostgresProcessRecorder):
    in_transaction: InTransaction | None = None
    before_insert: InTransaction | None = None
    _committed: tuple[int, str] | None = None  # (position, hash) of this process's last commit
    _pending: tuple[int, str] | None = None

    def use_in_transaction(
        self, work: InTransaction, before_insert: InTransaction | None = None
    ) -> None:
        self.in_transaction, self.before_insert = work, before_insert

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
        tracking_table_name: str = "notification_tracking",
    ) -> None:
        super().__init__(
            datastore,
            events_table_name=events_table_name,
            tracking_table_name=tracking_table_name,
        )
        schema = Identifier(datastore.schema)
        events = Identifier(events_table_name)
        self.sql_create_statements.extend(SQL(s).format(schema=schema) for s in CHAIN_TABLES)
        self.sql_create_statements.append(SQL(IDEMPOTENCY_TABLE).format(schema=schema))

        def q(statement: str) -> Composed:
            return SQL(statement).format(schema=schema, events=events)

        self._tail = q("SELECT hash FROM {schema}.event_hashes ORDER BY position DESC LIMIT 1")
        self._add_hash = q("INSERT INTO {schema}.event_hashes VALUES (%s, %s, %s)")
        self._add_checkpoint = q(
            "INSERT INTO {schema}.audit_checkpoints VALUES (%s, %s, %s) ON CONFLICT DO NOTHING"
        )
        self._rows = q(
            "SELECT notification_id AS position, topic, originator_id::text AS originator_id, "
            "originator_version, state FROM {schema}.{events} "
            "WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
        )
        self._entries = q(
            "SELECT position, digest, hash FROM {schema}.event_hashes WHERE position > %s "
            "ORDER BY position LIMIT %s"
        )
        self._by_digest = q("SELECT position FROM {schema}.event_hashes WHERE digest = %s")
        self._head = q(
            "SELECT position, hash FROM {schema}.event_hashes ORDER BY position DESC LIMIT 1"
        )
        self._version = q("SELECT value FROM {schema}.akkoord_meta WHERE key = 'store_version'")
        self._mark_version = q(
            "INSERT INTO {schema}.akkoord_meta VALUES ('store_version', %s) ON CONFLICT DO NOTHING"
        )
        self._replace_version = q(
            "INSERT INTO {schema}.akkoord_meta VALUES ('store_version', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
        self._any_hash = q("SELECT 1 AS found FROM {schema}.event_hashes LIMIT 1")

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # The library's database-function path would leave out the tracking record of a
        # process recorder; here the function runs inside a transaction of our own, with the
        # tracking record and the chain beside it.
        self._pending = None
        positions = self._insert_in_transaction(stored_events, **kwargs)
        self._committed = self._pending or self._committed  # only once the commit is done
        return positions

    @property
    def committed_position(self) -> int | None:
        """The last position of this recorder's last committed insert (None before one)."""
        return None if self._committed is None else self._committed[0]

    def _lock_table(self, curs: Any) -> None:
        # The library's statements (the lock timeout, then the table lock): in the insert's
        # pipeline they go out together without waiting (a pipeline cannot send them as one).
        for statement in self.lock_table_statements:
            curs.execute(statement)

    def _insert_in_transaction(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        tracking: Tracking | None = kwargs.get("tracking")
        # In pipeline mode: statements whose results are not read (BEGIN, the lock, the chain,
        # the read models' updates, COMMIT) go out without waiting for the server, so a
        # command costs a round trip per read it makes, not one per statement.
        with (
            self.datastore.get_connection() as conn,
            conn.pipeline(),
            conn.transaction(),
            conn.cursor() as curs,
        ):
            # The table lock comes first: positions are then committed in the order they are
            # issued (a follower never passes a gap), and this is the chain's only writer.
            self._lock_table(curs)
            if tracking is not None:
                self._insert_tracking(curs, tracking)
            if not stored_events:
                return []
            if self.before_insert is not None:
                # Reads the work after the insert will make, sent now: they come back with the
                # insert's positions instead of costing a wait each.
                self.before_insert(curs, stored_events, **kwargs)
            positions = self._insert(curs, stored_events)
            claim_postgres(curs, self.datastore.schema, positions, kwargs)
            previous = tail_after(self._committed, positions[0])
            if previous is None:
                with reading(curs) as read:
                    read.execute(self._tail, prepare=True)
                    tail = read.fetchone()
                previous = tail["hash"] if tail else GENESIS
            hashes, checkpoints = [], []
            for position, stored in zip(positions, stored_events, strict=True):
                d = digest(
                    stored.topic, stored.originator_id, stored.originator_version, stored.state
                )
                previous = chain_hash(previous, position, d)
                hashes.append((position, d, previous))
                if position % CHECKPOINT_EVERY == 0:
                    checkpoints.append((position, previous, datetime.now(UTC).isoformat()))
            # One statement per row: in the pipeline they cost no wait each (and psycopg's
            # executemany there can leave a later read on this cursor its last INSERT's result).
            for row in hashes:
                curs.execute(self._add_hash, row, prepare=True)
            self._pending = (hashes[-1][0], hashes[-1][2])
            for row in checkpoints:
                curs.execute(self._add_checkpoint, row, prepare=True)
            self._after_chain(curs, hashes, stored_events)
            if self.in_transaction is not None:
                self.in_transaction(curs, positions, stored_events, **kwargs)
        return positions

    def _after_chain(
        self, curs: Any, hashes: list[tuple[int, str, str]], stored_events: Sequence[StoredEvent]
    ) -> None:
        """Called in the insert's transaction with (position, digest, hash) of each new event:
        where the transparency log (`transparency_postgres`) extends its tree."""

    def _insert(self, curs: Any, stored_events: Sequence[StoredEvent]) -> list[int]:
        rows = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in stored_events
        ]
        with reading(curs) as read:
            if self.datastore.enable_db_functions:
                read.execute(self.sql_invoke_pg_function_insert_events, (rows,), prepare=True)
                return [int(r[self.pg_function_name_insert_events]) for r in read.fetchall()]
            read.execute(self.insert_events_statement, (rows,), prepare=True)
            return [int(r["notification_id"]) for r in read.fetchall()]

    # Reading the chain back ----------------------------------------------------------------

    def _page(self, statement: Composed, after: int) -> list[Any]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement, (after, PAGE), prepare=True)
            return [tuple(r.values()) for r in curs.fetchall()]  # rows as tuples, as on SQLite

    def log_rows(self) -> Iterator[LogRow]:
        for r in paged(lambda after: self._page(self._rows, after)):
            yield LogRow(r[0], r[1], uuid_text(r[2]), int(r[3]), bytes(r[4]))

    def chain_entries(self, after: int = 0) -> Iterator[ChainEntry]:
        for r in paged(lambda after: self._page(self._entries, after), after):
            yield ChainEntry(int(r[0]), r[1], r[2])

    def digest_positions(self, d: str) -> list[int]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._by_digest, (d,))
            return [int(r["position"]) for r in curs.fetchall()]

    def chain_head(self) -> tuple[int, str]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._head)
            row = curs.fetchone()
        return (int(row["position"]), row["hash"]) if row else (0, GENESIS)

    def record_checkpoint(self) -> tuple[int, str]:
        position, head = self.chain_head()
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self._add_checkpoint, (position, head, datetime.now(UTC).isoformat()))
        return position, head

    def store_version(self) -> int | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._version)
            row = curs.fetchone()
        return None if row is None else int(row["value"])

    def mark_store_version(self, version: int, *, replace: bool = False) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self._replace_version if replace else self._mark_version, (str(version),))

    def add_missing_chain(
        self, entries: list[tuple[int, str, str]], checkpoints: list[tuple[int, str]]
    ) -> bool:
        """The chain of a log written before there was one, in one transaction; False (nothing
        written) if a chain entry is there by now."""
        stamp = datetime.now(UTC).isoformat()
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)  # no event is written meanwhile
            curs.execute(self._any_hash)
            if curs.fetchone() is not None:
                return False
            curs.executemany(self._add_hash, entries)
            curs.executemany(self._add_checkpoint, [(p, h, stamp) for p, h in checkpoints])
        return True
