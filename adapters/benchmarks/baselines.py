"""What akkoord is compared with: the bare eventsourcing library and raw `sqlite3`.

Each baseline runs on the same kind of store as akkoord (an SQLite file in WAL mode, the
library's own SQLite persistence module), in a directory of its own.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from adapters.benchmarks.figures import Stopwatch, latencies_ms, per_second

SMALL_AGGREGATES = 50  # the command baseline rotates over these, so each stays small
EVENT_SIZE = 300  # bytes in a raw sqlite3 row, about the size of a stored ballot


class Counter(Aggregate):
    """A small aggregate: a name and a number."""

    @event("Created")
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @event("Incremented")
    def increment(self, by: int) -> None:
        self.count += by


class BareApplication(Application[UUID]):
    """The library as it comes: no akkoord aggregates, workflows, chain or read models."""


def sqlite_env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


class BareCommands:
    """The library's get + one-event change + save on a small aggregate, each saved alone."""

    def __init__(self, directory: Path) -> None:
        self.app = BareApplication(env=sqlite_env(directory / "bare-commands.sqlite"))
        counters = [Counter(f"counter-{i}") for i in range(SMALL_AGGREGATES)]
        self.app.save(*counters)
        self.ids = [c.id for c in counters]
        self.issued = 0

    def run(self, count: int) -> float:
        """Issue `count` commands; returns commands per second."""
        with Stopwatch() as watch:
            for _ in range(count):
                counter: Counter = self.app.repository.get(self.ids[self.issued % len(self.ids)])
                counter.increment(1)
                self.app.save(counter)
                self.issued += 1
        return per_second(count, watch.seconds)

    def close(self) -> None:
        self.app.close()


def _raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")  # as the library sets it; synchronous as default
    return conn


class RawCommits:
    """Raw `sqlite3`: one row inserted and committed per transaction."""

    def __init__(self, directory: Path) -> None:
        self.conn = _raw_connection(directory / "raw-commits.sqlite")
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
            counters = [Counter(f"counter-{i}") for i in range(count)]
            app.save(*counters)
        return per_second(count, watch.seconds)
    finally:
        app.close()


def bare_read_decode(events_path: Path, page: int = 1000) -> tuple[int, float]:
    """The library reading and decoding the whole notification log: (events, seconds)."""
    app = BareApplication(env=sqlite_env(events_path))
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
