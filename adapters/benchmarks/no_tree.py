"""akkoord with its Merkle tree switched off, for the benchmark only (`audit.tree_overhead`).

Everything else stays as the product runs it: the chain, the idempotency claims, the read models
and the workflows' scan mark written in the events' own transaction. The store is pointed at the
recorder below through the backend it is built with (`no_tree_settings`), so no product code
path learns that a store without its tree exists.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteCursor

from adapters.audit.transparency_sqlite import TransparentSQLiteProcessRecorder
from adapters.config.settings import Settings
from adapters.store.backends import Backend, SqliteBackend, kept_backend

RECORDER_TOPIC = "PROCESS_RECORDER_TOPIC"


class NoTreeSQLiteProcessRecorder(TransparentSQLiteProcessRecorder):
    """Inserts without extending the tree or signing heads."""

    def _after_chain(
        self,
        c: SQLiteCursor,
        hashes: list[tuple[int, str, str]],
        stored_events: Sequence[StoredEvent],
    ) -> None:
        pass

    def ensure_tree(self) -> int:
        return 0  # `build` asks for the tree of every store it opens


class NoTreeSqliteBackend(SqliteBackend):
    def event_store_env(self) -> dict[str, str]:
        recorder = f"{__name__}:{NoTreeSQLiteProcessRecorder.__name__}"
        return {**super().event_store_env(), RECORDER_TOPIC: recorder}


def _new_backend(settings: Settings) -> Backend:
    if settings.database_url is None:
        return NoTreeSqliteBackend(settings)
    # Imported only when asked for: a SQLite-only run never loads psycopg.
    from adapters.benchmarks.no_tree_postgres import NoTreePostgresBackend

    return NoTreePostgresBackend(settings)


def no_tree_settings(settings: Settings) -> Settings:
    """`settings`, their store built (by `build`, as any other) through a backend whose events go
    through a recorder without the tree. Call it before anything asks for their backend."""
    made: list[Backend] = []

    def make(s: Settings) -> Backend:
        made.append(_new_backend(s))
        return made[0]

    if kept_backend(settings, make) is not (made[0] if made else None):
        raise RuntimeError(f"{settings.data_dir}: these settings already have their backend")
    return settings
