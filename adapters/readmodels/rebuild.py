"""Rebuild every read model in bulk, beside the live ones, and swap them in at once.

1. **Build**, without any lock of the store, up to `p`, the log's head when the rebuild began,
   into scratch tables that are never synced or logged and vanish with the process:
   - read models SQL can state (`BulkSql`: the tally) are a few statements over the stored
     events, run by the database while Python does the rest: on SQLite in a thread of their
     own, into a scratch file with no journal (sqlite3 lets go of the GIL while a statement
     runs); on PostgreSQL sent first down the connection's pipeline, into `pg_temp` tables;
   - the others replay the events of their topics through their projections, a page at a time,
     into temporary tables (SQLite's temp database, PostgreSQL's `pg_temp`), each view writing
     a page's rows with one `executemany` per run of inserts.
   The live read models stay as they are, and commands go on updating them.
2. **Swap**, in one write transaction under the read models' lock: each live table is emptied
   and filled from its scratch copy, and the events recorded since `p` (commands that ran
   during the build) are applied on top, as catch-up would, before every position is set to the
   head. Readers see the old read models until the commit and the new ones after it; a rebuild
   that dies before the commit leaves the old ones whole.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Engine, Table
from sqlalchemy.schema import CreateIndex, CreateTable

from adapters.readmodels.driver import Driver
from adapters.readmodels.positions import read_positions, set_positions
from adapters.readmodels.projector import BATCH, Projector, replay
from adapters.readmodels.tally_sql import EventsTable
from workflows.base import GovernanceBase

BULK = "bulk"  # SQLite: the schema name the bulk scratch file is attached under for the swap


@dataclass(frozen=True)
class Store:
    """The read models' database, as a rebuild needs it."""

    engine: Engine  # the read models' writer
    postgres: bool
    schema: str | None
    serialize: Callable[[Driver], None]  # the read models' write lock, inside a transaction

    @property
    def scratch(self) -> str:
        return "pg_temp" if self.postgres else "temp"

    def live(self, table: Table) -> str:
        return f'"{self.schema}"."{table.name}"' if self.postgres else f'main."{table.name}"'

    def events(self, app: GovernanceBase, sqlite_schema: str = "main") -> EventsTable:
        name: str = getattr(app.recorder, "events_table_name", "stored_events")
        if self.postgres:
            return EventsTable(True, f'"{self.schema}"."{name}"', "notification_id")
        return EventsTable(False, f'{sqlite_schema}."{name}"', "rowid")


def rebuild(projectors: Sequence[Projector], app: GovernanceBase, store: Store) -> int:
    """Rebuild every read model of `projectors` from the whole log; returns the position the
    read models have seen when they are swapped in."""
    fairy = store.engine.raw_connection()
    dbapi = fairy.driver_connection
    # Off the pool, closed at the end: its temporary tables must not outlive the rebuild.
    fairy.detach()
    try:
        with tempfile.TemporaryDirectory(prefix="akkoord-rebuild-") as scratch_dir:
            return _Rebuild(dbapi, store, projectors, app, Path(scratch_dir)).run()
    finally:
        fairy.close()


def _create(cursor: Any, scratch: Driver, tables: Sequence[Table]) -> None:
    for table in tables:
        cursor.execute(scratch.sql(CreateTable(table)))
        for index in table.indexes:
            cursor.execute(scratch.sql(CreateIndex(index)))


class _Rebuild:
    def __init__(
        self,
        dbapi: Any,
        store: Store,
        projectors: Sequence[Projector],
        app: GovernanceBase,
        scratch_dir: Path,
    ) -> None:
        self.dbapi = dbapi
        self.store = store
        self.app = app
        self.projectors = projectors
        self.bulk = [p for p in projectors if p.bulk is not None]
        self.replayed = [p for p in projectors if p.bulk is None]
        self.bulk_file = scratch_dir / "bulk.sqlite"

    def run(self) -> int:
        position = int(self.app.recorder.max_notification_id() or 0)
        if self.store.postgres:
            self._build_postgres(position)
        else:
            self._build_sqlite(position)
        return self._swap(position)

    def _driver(self, cursor: Any, schema: str | None) -> Driver:
        return Driver(cursor, postgres=self.store.postgres, schema=schema)

    def _replay(self, cursor: Any, position: int) -> None:
        scratch = self._driver(cursor, self.store.scratch)
        _create(cursor, scratch, [t for p in self.replayed for t in p.tables])
        private: dict[str, tuple[str, ...]] = {}
        for projector in self.bulk:
            assert projector.bulk is not None
            for topic, fields in projector.bulk.private_fields.items():
                private[topic] = (*private.get(topic, ()), *fields)
        select = _LeanSelect(self.app, self.store, private) if private else None
        replay(self.replayed, self.app, scratch, 0, stop=position, batch=BATCH, select=select)

    def _build_postgres(self, position: int) -> None:
        cursor = self.dbapi.cursor()
        try:
            # The bulk statements go first down the pipeline: the server works through them
            # while the projections replay here, and the replay's writes (it never reads) need
            # no round trip each.
            with self.dbapi.pipeline():
                cursor.execute("SET LOCAL work_mem = '64MB'")  # the ballots sorted in memory
                scratch = self._driver(cursor, self.store.scratch)
                _create(cursor, scratch, [t for p in self.bulk for t in p.tables])
                events = self.store.events(self.app)
                for projector in self.bulk:
                    assert projector.bulk is not None
                    for statement in projector.bulk.statements(events, self.store.scratch):
                        cursor.execute(statement, {"p": position})
                self._replay(cursor, position)
            self.dbapi.commit()
        except BaseException:
            self.dbapi.rollback()
            raise

    def _build_sqlite(self, position: int) -> None:
        bulk = _SqliteBulk(self, position)
        bulk.start()
        cursor = self.dbapi.cursor()
        try:
            cursor.execute("BEGIN")  # the temp database only: no lock on the store
            self._replay(cursor, position)
            self.dbapi.commit()
        except BaseException:
            self.dbapi.rollback()
            raise
        finally:
            bulk.join()
        if bulk.failure is not None:
            raise bulk.failure

    def _swap(self, position: int) -> int:
        cursor = self.dbapi.cursor()
        live = self._driver(cursor, self.store.schema)
        bulk_schema = self.store.scratch
        if not self.store.postgres and self.bulk:
            bulk_schema = BULK
            cursor.execute(f"ATTACH DATABASE ? AS {BULK}", (str(self.bulk_file),))
        try:
            if self.store.postgres:
                self.store.serialize(live)
            else:
                cursor.execute("BEGIN IMMEDIATE")
            for projector in self.projectors:
                source = bulk_schema if projector.bulk is not None else self.store.scratch
                for table in projector.tables:
                    self._copy(cursor, table, source)
                    if source == self.store.scratch:
                        # Unqualified names are the store's again (temp tables come first).
                        cursor.execute(f'DROP TABLE {source}."{table.name}"')
            # Under the lock no command can add events: what came since `position` is all
            # there is to apply on top.
            head = max(int(self.app.recorder.max_notification_id() or 0), position)
            replay(self.projectors, self.app, live, position, stop=head, batch=BATCH)
            names = {p.projection.name: head for p in self.projectors}
            set_positions(live, names, read_positions(live))
            self.dbapi.commit()
        except BaseException:
            self.dbapi.rollback()
            raise
        return head  # (the scratch file stays attached until the connection is closed)

    def _copy(self, cursor: Any, table: Table, source: str) -> None:
        # Surrogate row numbers are drawn anew (on PostgreSQL from the live table's sequence)
        # in the scratch rows' order.
        numbered = [c for c in table.columns if c.autoincrement is True]
        columns = ", ".join(f'"{c.name}"' for c in table.columns if c.autoincrement is not True)
        order = f' ORDER BY "{numbered[0].name}"' if numbered else ""
        live = self.store.live(table)
        cursor.execute(f"DELETE FROM {live}")
        cursor.execute(
            f'INSERT INTO {live} ({columns}) SELECT {columns} FROM {source}."{table.name}"{order}'
        )


class _SqliteBulk(threading.Thread):
    """The SQLite bulk statements, on a connection of their own: the scratch file, with the
    store attached to read the events from."""

    def __init__(self, rebuild: _Rebuild, position: int) -> None:
        super().__init__(name="rebuild-bulk", daemon=True)
        self.rebuild = rebuild
        self.position = position
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as failure:  # handed to the rebuild's own thread
            self.failure = failure

    def _run(self) -> None:
        r = self.rebuild
        if not r.bulk:
            return
        store_path = r.store.engine.url.database
        assert store_path is not None
        conn = sqlite3.connect(r.bulk_file, isolation_level=None, timeout=30)
        try:
            conn.execute("PRAGMA journal_mode = OFF")  # thrown away after the swap
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute("ATTACH DATABASE ? AS store", (store_path,))
            cursor = conn.cursor()
            cursor.execute("BEGIN")
            for table in (t for p in r.bulk for t in p.tables):
                # Columns only: no key to keep up while the rows go in; the live table's
                # keys take them once, in the swap.
                cursor.execute(
                    f'CREATE TABLE "{table.name}" AS SELECT * FROM store."{table.name}" WHERE 0'
                )
            events = r.store.events(r.app, sqlite_schema="store")
            for projector in r.bulk:
                assert projector.bulk is not None
                for statement in projector.bulk.statements(events, "main"):
                    cursor.execute(statement, {"p": self.position})
            conn.commit()
        finally:
            conn.close()


class _LeanSelect:
    """The library's `select_notifications`, with fields only the bulk read models read left
    out of the events' state by the database (the JSON never reaches Python)."""

    def __init__(
        self, app: GovernanceBase, store: Store, private: dict[str, tuple[str, ...]]
    ) -> None:
        self.app = app
        self.postgres = store.postgres
        self.events = store.events(app).table
        self.private = private

    def __call__(
        self, start: int, limit: int, stop: int | None, topics: Sequence[str]
    ) -> list[Notification]:
        recorder: Any = self.app.recorder
        mark = "%s" if self.postgres else "?"
        at = "notification_id" if self.postgres else "rowid"
        lean = " ".join(
            f"WHEN topic = {mark} THEN {self._without(fields)}" for fields in self.private.values()
        )
        marks = ", ".join([mark] * len(topics))
        sql = (
            f"SELECT {at} AS id, originator_id, originator_version, topic, "
            f"CASE {lean} ELSE state END AS state FROM {self.events} "
            f"WHERE {at} >= {mark} AND {at} <= {mark} AND topic IN ({marks}) "
            f"ORDER BY {at} LIMIT {mark}"
        )
        params = (*self.private, start, stop if stop is not None else 2**62, *topics, limit)
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [
            Notification(
                id=row["id"],
                originator_id=recorder.convert_originator_id(row["originator_id"])
                if not self.postgres
                else row["originator_id"],
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=_bytes(row["state"]),
            )
            for row in rows
        ]

    def _without(self, fields: tuple[str, ...]) -> str:
        if self.postgres:
            json = "convert_from(state, 'UTF8')::jsonb" + "".join(f" - '{f}'" for f in fields)
            return f"convert_to(({json})::text, 'UTF8')"
        return "CAST(json_remove(state, " + ", ".join(f"'$.{f}'" for f in fields) + ") AS BLOB)"


def _bytes(state: Any) -> bytes:
    return bytes(state) if not isinstance(state, bytes) else state
