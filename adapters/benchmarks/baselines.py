"""What akkoord is compared with: the bare eventsourcing library and raw `sqlite3`.

Each baseline runs on the same kind of store as akkoord, in a place of its own (a file in its
own directory, or a schema of its own on the same PostgreSQL server), configured like akkoord's:
the environment akkoord's event store gets (its aggregate cache, lock timeout and pool
settings; see `adapters.store.backends`), minus akkoord's own recorder class, and on SQLite the
same `PRAGMA synchronous` as akkoord's event-store connection.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from eventsourcing.application import Application

from adapters.benchmarks.bare_model import (
    SYNCHRONOUS_ENV,
    SYNCHRONOUS_LEVELS,
    TUNED_SQLITE,
    BareApplication,
    Poll,
    cast_once,
)
from adapters.benchmarks.figures import Stopwatch, latencies_ms, per_second
from adapters.config.settings import Settings
from adapters.store import backend_for
from adapters.store.sqlite_statements import CACHING_SQLITE

EVENT_SIZE = 300  # bytes in a raw sqlite3 row, about the size of a stored ballot
AKKOORD_ONLY = ("PROCESS_RECORDER_TOPIC",)  # akkoord's chained, transparent recorder


def sqlite_env(path: Path) -> dict[str, str]:
    """The library's SQLite defaults (the bulk baselines: one batched save, no cache needed)."""
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


def synchronous_of(app: Application[Any]) -> str | None:
    """`PRAGMA synchronous` on akkoord's event-store connection (None on PostgreSQL)."""
    datastore = getattr(app.recorder, "datastore", None)
    if datastore is None or not hasattr(datastore, "pool"):
        return None
    try:
        with datastore.transaction(commit=False) as cursor:
            cursor.execute("PRAGMA synchronous")
            row = cursor.fetchone()
    except Exception:  # not SQLite after all: nothing to copy
        return None
    return SYNCHRONOUS_LEVELS.get(str(row[0])) if row else None


def bare_env(store: Settings, synchronous: str | None = None) -> dict[str, str]:
    """The environment akkoord would give its event store at `store`, for the bare library."""
    env = {k: v for k, v in backend_for(store).event_store_env().items() if k not in AKKOORD_ONLY}
    if env.get("PERSISTENCE_MODULE") == CACHING_SQLITE:
        env["PERSISTENCE_MODULE"] = TUNED_SQLITE
        if synchronous:
            env[SYNCHRONOUS_ENV] = synchronous
    env["CREATE_TABLE"] = "y"  # akkoord's nodes leave it to `db init`; the baseline has none
    return env


class BareCommands:
    """The library's get + one-event change + save on one poll of `members`, each saved alone,
    cycling through the members: the aggregate's state stays the same size all run long."""

    def __init__(self, env: dict[str, str], members: list[str], prefill: int) -> None:
        self.app = BareApplication(env=env)
        poll = Poll("benchmark")
        for member in members[:prefill]:
            poll.cast(member, "yes")
        self.app.save(poll)
        self.poll_id = poll.id
        self.members = members
        self.issued = 0

    def cast(self) -> None:
        member = self.members[self.issued % len(self.members)]
        # Prefilled ballots say yes: the first pass re-casts no, the next yes, and so on.
        choice = "no" if (self.issued // len(self.members)) % 2 == 0 else "yes"
        self.issued += 1
        cast_once(self.app, self.poll_id, member, choice)

    def run(self, count: int) -> float:
        """Issue `count` commands; returns commands per second."""
        with Stopwatch() as watch:
            for _ in range(count):
                self.cast()
        return per_second(count, watch.seconds)

    def close(self) -> None:
        self.app.close()


def _raw_connection(path: Path, synchronous: str | None = None) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")  # as the library sets it
    if synchronous in SYNCHRONOUS_LEVELS.values():
        conn.execute(f"PRAGMA synchronous={synchronous}")  # one of four words
    return conn


class RawCommits:
    """Raw `sqlite3`: one row inserted and committed per transaction."""

    def __init__(self, directory: Path, synchronous: str | None = None) -> None:
        self.conn = _raw_connection(directory / "raw-commits.sqlite", synchronous)
        self.conn.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        self.body = b"x" * EVENT_SIZE

    def run(self, count: int) -> float:
        """Commit `count` rows one by one; returns commits per second."""
        with Stopwatch() as watch:
            for _ in range(count):
                self.conn.execute("BEGIN")
                self.conn.execute("INSERT INTO rows (body) VALUES (?)", (self.body,))
                self.conn.execute("COMMIT")
        return per_second(count, watch.seconds)

    def close(self) -> None:
        self.conn.close()


def bare_batched_save_events_per_second(directory: Path, count: int, name: str) -> float:
    """The library's batched save: `count` new small aggregates in one `save()`."""
    app = BareApplication(env=sqlite_env(directory / f"bare-batch-{name}.sqlite"))
    try:
        with Stopwatch() as watch:
            polls = [Poll(f"poll-{i}") for i in range(count)]
            app.save(*polls)
        return per_second(count, watch.seconds)
    finally:
        app.close()


class LogReader(BareApplication):
    """The bare library on akkoord's own log (on PostgreSQL the table is named after the
    application)."""

    name = "Governance"


def bare_read_decode(store: Settings, page: int = 1000) -> tuple[int, float]:
    """The library reading and decoding the whole notification log: (events, seconds)."""
    env = {k: v for k, v in backend_for(store).event_store_env().items() if k not in AKKOORD_ONLY}
    app = LogReader(env=env)
    try:
        decoded = 0
        with Stopwatch() as watch:
            start = 1
            while True:
                notifications = app.recorder.select_notifications(start=start, limit=page)
                for notification in notifications:
                    app.mapper.to_domain_event(notification)
                decoded += len(notifications)
                if len(notifications) < page:
                    break
                start = notifications[-1].id + 1
        return decoded, watch.seconds
    finally:
        app.close()


def raw_row_read_ms(database: Path, table: str, key: str, value: str, times: int) -> list[float]:
    """Raw `sqlite3` reading one row by its primary key: the floor under any query."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, isolation_level=None)
    try:
        statement = f"SELECT * FROM {table} WHERE {key} = ?"  # names are ours, not input

        def read() -> None:
            conn.execute(statement, (value,)).fetchall()

        return latencies_ms(read, times)
    finally:
        conn.close()


def raw_tally_update_us(
    directory: Path, voters: list[tuple[str, str, int]], ballots: list[tuple[str, str]]
) -> float:
    """Raw `sqlite3` doing a ballot's row work, per ballot in microseconds: read the voter, add
    to the consultation's and the province's counters, set the voter's ballot; 1000 ballots per
    transaction, as the projector batches them. `voters` are (member, province, weight),
    `ballots` (member, choice)."""
    conn = _raw_connection(directory / "raw-tally.sqlite")
    try:
        conn.executescript(
            "CREATE TABLE consultations (cid TEXT PRIMARY KEY, yes_weight INT, no_weight INT,"
            " yes_members INT, no_members INT);"
            "CREATE TABLE provinces (cid TEXT, province TEXT, yes_weight INT, no_weight INT,"
            " yes_members INT, no_members INT, PRIMARY KEY (cid, province));"
            "CREATE TABLE voters (cid TEXT, member TEXT, province TEXT, weight INT, choice TEXT,"
            " explanation TEXT, cast_at TEXT, PRIMARY KEY (cid, member));"
        )
        cid = "c"
        conn.execute("BEGIN")
        conn.execute("INSERT INTO consultations VALUES (?, 0, 0, 0, 0)", (cid,))
        conn.executemany(
            "INSERT INTO provinces VALUES (?, ?, 0, 0, 0, 0)",
            [(cid, p) for p in sorted({p for _, p, _ in voters})],
        )
        conn.executemany(
            "INSERT INTO voters VALUES (?, ?, ?, ?, NULL, '', NULL)",
            [(cid, m, p, w) for m, p, w in voters],
        )
        conn.execute("COMMIT")
        counters = "yes_weight = yes_weight + ?, no_weight = no_weight + ?, " + (
            "yes_members = yes_members + ?, no_members = no_members + ?"
        )
        with Stopwatch() as watch:
            for start in range(0, len(ballots), 1000):
                conn.execute("BEGIN IMMEDIATE")
                for member, choice in ballots[start : start + 1000]:
                    province, weight, previous = conn.execute(
                        "SELECT province, weight, choice FROM voters WHERE cid = ? AND member = ?",
                        (cid, member),
                    ).fetchone()
                    yes = int(choice == "yes") - int(previous == "yes")
                    no = int(choice == "no") - int(previous == "no")
                    delta = (yes * weight, no * weight, yes, no)
                    conn.execute(
                        f"UPDATE consultations SET {counters} WHERE cid = ?", (*delta, cid)
                    )
                    conn.execute(
                        f"UPDATE provinces SET {counters} WHERE cid = ? AND province = ?",
                        (*delta, cid, province),
                    )
                    conn.execute(
                        "UPDATE voters SET choice = ?, explanation = ?, cast_at = ? "
                        "WHERE cid = ? AND member = ?",
                        (choice, "", "2025-10-01T12:00:00+00:00", cid, member),
                    )
                conn.execute("COMMIT")
        return watch.seconds * 1e6 / max(len(ballots), 1)
    finally:
        conn.close()
