"""The PostgreSQL side of `no_tree`: the same store, its inserts without the tree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent

from adapters.audit.transparency_postgres import TransparentPostgresProcessRecorder
from adapters.store.postgres import PostgresBackend

# The library's setting that names the recorder class (no_tree.py names it too: it imports this
# module, so this one may not import it back).
RECORDER_TOPIC = "PROCESS_RECORDER_TOPIC"


class NoTreePostgresProcessRecorder(TransparentPostgresProcessRecorder):
    """The chain's own hook is where the tree grows: here it does nothing, so the insert is the
    chained recorder's, with the read models in its transaction as before."""

    def _after_chain(
        self, curs: Any, hashes: list[tuple[int, str, str]], stored_events: Sequence[StoredEvent]
    ) -> None:
        pass

    def ensure_tree(self) -> int:
        return 0  # `build` asks for the tree of every store it opens


class NoTreePostgresBackend(PostgresBackend):
    def event_store_env(self, *, create_tables: bool = False) -> dict[str, str]:
        recorder = f"{__name__}:{NoTreePostgresProcessRecorder.__name__}"
        return {**super().event_store_env(create_tables=create_tables), RECORDER_TOPIC: recorder}
