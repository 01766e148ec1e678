"""The bare library, as the baselines use it: one small aggregate, the library's Application, and
the library's SQLite factory with the connection settings akkoord's event store has.

Kept free of akkoord imports but the statement cache akkoord's store has (a module of the
library's own imports only), so the one-shot script (`bare_cast`) and the bare server
(`bare_server`) start as fast as the library itself allows.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.sqlite import SQLiteConnection, SQLiteFactory
from eventsourcing.utils import EnvType, get_topic

from adapters.store.sqlite_statements import cache_statements

# Set by the benchmark from akkoord's own event-store connection (PRAGMA synchronous), so a
# baseline never flushes less (or more) than akkoord does.
SYNCHRONOUS_ENV = "BENCH_SQLITE_SYNCHRONOUS"
SYNCHRONOUS_LEVELS = {"0": "OFF", "1": "NORMAL", "2": "FULL", "3": "EXTRA"}


class Poll(Aggregate):
    """A ballot box over a fixed set of members: each cast is one small event, and the state
    stays as large as the set of members, however many casts there are."""

    @event("Opened")
    def __init__(self, name: str) -> None:
        self.name = name
        self.choices: dict[str, str] = {}

    @event("Cast")
    def cast(self, member: str, choice: str) -> None:
        self.choices[member] = choice


class BareApplication(Application[UUID]):
    """The library as it comes: no akkoord aggregates, workflows, chain or read models."""

    def __init__(self, env: EnvType | None = None) -> None:
        super().__init__(env)


class TunedSQLiteFactory(SQLiteFactory):
    """The library's SQLite persistence with akkoord's statement cache, each new connection given
    `PRAGMA synchronous` from BENCH_SQLITE_SYNCHRONOUS (when set); WAL is the library's own
    default, as for akkoord."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        cache_statements(self)
        level = (self.env.get(SYNCHRONOUS_ENV) or "").strip().upper()
        level = SYNCHRONOUS_LEVELS.get(level, level)
        if level not in SYNCHRONOUS_LEVELS.values():
            return
        pool = self.datastore.pool
        create = pool._create_connection

        def tuned() -> SQLiteConnection:
            connection = create()
            connection.cursor().execute(f"PRAGMA synchronous={level}")  # one of four words
            return connection

        pool._create_connection = tuned  # type: ignore[method-assign]


TUNED_SQLITE = get_topic(TunedSQLiteFactory)


def cast_once(app: Application[UUID], poll_id: UUID, member: str, choice: str) -> None:
    """What every baseline command is: get the aggregate, one new event, save."""
    poll: Poll = app.repository.get(poll_id)
    poll.cast(member, choice)
    app.save(poll)
