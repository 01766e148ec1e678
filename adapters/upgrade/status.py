"""Whether a store needs `akkoord db upgrade`, read from the outside (nothing is written)."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.audit.chain import STORE_VERSION, refuse_unless_current, version_of
from adapters.config.settings import Settings
from adapters.store import NoStoreError, no_store_message, store_exists
from adapters.store.versions import read_mark


@dataclass(frozen=True)
class StoreVersion:
    version: int | None  # None: a new store, not marked yet and without events

    @property
    def current(self) -> int:
        return STORE_VERSION

    @property
    def needs_upgrade(self) -> bool:
        return self.version is not None and self.version < STORE_VERSION

    @property
    def newer(self) -> bool:
        return self.version is not None and self.version > STORE_VERSION


def store_version(settings: Settings) -> StoreVersion:
    if not store_exists(settings):
        raise NoStoreError(no_store_message(settings))
    mark = read_mark(settings)
    return StoreVersion(version_of(mark.version, mark.has_events))


def refuse_unless_upgraded(settings: Settings) -> None:
    """For a node about to serve: one line naming the command to run, before anything starts."""
    if store_exists(settings):
        refuse_unless_current(store_version(settings).version)
