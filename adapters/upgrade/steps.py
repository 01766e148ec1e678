"""`akkoord db upgrade`: a store of any earlier version to the current one.

The event log and its chain entries are never rewritten: what a version lacks is built beside
them. The steps, after the backup:

1. the hash chain, for a log written before there was one (the first releases): computed from
   the stored events, in one transaction with its checkpoints; a log with a chain is left as it
   is, and one only partly chained is refused (that cannot be mended without rewriting hashes);
2. the read models' old file (views.sqlite, before they moved into the events file) goes: they
   are derived, and step 4 rebuilds them;
3. the store opened as a node opens it: missing tables made, the Merkle tree built from the
   chain (and a head signed), the token tables given their scope columns;
4. every read model rebuilt from the whole log and swapped in;
5. the version mark, last: an upgrade cut short is still refused and is simply run again (each
   step finds its work done or does it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from adapters.audit.chain import (
    CHECKPOINT_EVERY,
    GENESIS,
    STORE_VERSION,
    ChainedRecorder,
    chain_hash,
    chained,
    digest,
)
from adapters.auth.tokens import TokenStore
from adapters.bootstrap import build
from adapters.config.settings import Settings
from adapters.store import backend_for
from adapters.store.backends import OLD_VIEWS_FILE
from adapters.upgrade.backups import take_backup
from adapters.upgrade.status import store_version
from domain.errors import ConflictError
from workflows.governance import Governance


class CannotUpgradeError(ConflictError):
    code = "cannot_upgrade"


@dataclass(frozen=True)
class Upgraded:
    from_version: int | None
    to_version: int
    backup: Path | None = None
    backup_schema: str | None = None
    chained: int = 0  # events given chain entries
    events: int = 0  # the log's length, replayed into the read models

    @property
    def done(self) -> bool:
        return self.from_version != self.to_version


def upgrade_store(settings: Settings) -> Upgraded:
    found = store_version(settings)
    if found.newer:
        raise CannotUpgradeError(
            f"the store is version {found.version}, written by a newer akkoord (this one writes "
            f"version {STORE_VERSION}); upgrade akkoord instead"
        )
    if not found.needs_upgrade:
        return Upgraded(found.version, STORE_VERSION)
    backup, schema = take_backup(settings)
    chained_now = _chain_the_log(settings)
    for path in _old_views_files(settings):
        path.unlink(missing_ok=True)
    with build(settings, upgrading=True) as engine:
        TokenStore(settings).close()
        events = engine.rebuild()
        chained(engine.app.recorder).mark_store_version(STORE_VERSION, replace=True)
    return Upgraded(found.version, STORE_VERSION, backup, schema, chained_now, events)


def _old_views_files(settings: Settings) -> list[Path]:
    if settings.database_url is not None:
        return []
    old = settings.data_dir / OLD_VIEWS_FILE
    return [old, old.with_name(old.name + "-wal"), old.with_name(old.name + "-shm")]


def _chain_the_log(settings: Settings) -> int:
    backend = backend_for(settings)
    if settings.database_url is not None:
        from adapters.store.postgres import PostgresBackend

        assert isinstance(backend, PostgresBackend)
        env = backend.event_store_env(create_tables=True)  # what older versions lacked
    else:
        env = backend.event_store_env()  # SQLite makes missing tables on open
    app = Governance(env=env)
    try:
        return add_chain(chained(app.recorder))
    finally:
        app.close()


def add_chain(recorder: ChainedRecorder) -> int:
    """Chain entries for a log that has none; 0 where it has them already."""
    first_entry = next(iter(recorder.chain_entries()), None)
    if first_entry is not None:
        first_row = next(iter(recorder.log_rows()), None)
        if first_row is not None and first_row.position < first_entry.position:
            raise CannotUpgradeError(
                f"events {first_row.position} to {first_entry.position - 1} were written before "
                "the hash chain and later ones after it; this cannot be upgraded without "
                "rewriting hashes (the store was left as it was; its backup is kept)"
            )
        return 0
    entries: list[tuple[int, str, str]] = []
    checkpoints: list[tuple[int, str]] = []
    previous = GENESIS
    for row in recorder.log_rows():
        d = digest(row.topic, row.originator_id, row.version, row.state)
        previous = chain_hash(previous, row.position, d)
        entries.append((row.position, d, previous))
        if row.position % CHECKPOINT_EVERY == 0:
            checkpoints.append((row.position, previous))
    if not entries or not recorder.add_missing_chain(entries, checkpoints):
        return 0
    return len(entries)
