"""Nodes (`serve`, `scheduler run`) started while their database is unreachable wait for it
instead of exiting: a node and its database are often started together, and a service manager
restarting the node in a loop helps no one. A database that answers but holds no akkoord store
is still refused at once: waiting would not make its tables."""

from __future__ import annotations

import time
from collections.abc import Callable

from eventsourcing.persistence import PersistenceError

from adapters.config import logs
from adapters.config.settings import Settings
from adapters.store import NoStoreError, no_store_message, store_exists

FIRST_DELAY = 0.5
MAX_DELAY = 10.0


def wait_for_store(
    settings: Settings,
    *,
    give_up_after: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Return once the store answers; one log line per failed attempt, the pause doubling from
    0.5 s to 10 s. Raises the last connection error after `give_up_after` seconds (None: keep
    trying), and NoStoreError at once for a reachable database without akkoord's tables."""
    if settings.database_url is None:
        return  # SQLite files: there is nothing to wait for
    started = time.monotonic()
    delay = FIRST_DELAY
    attempt = 1
    while True:
        try:
            exists = store_exists(settings)
        except PersistenceError as e:
            waited = time.monotonic() - started
            if give_up_after is not None and waited + delay > give_up_after:
                raise
            if attempt == 1:  # say so where the operator looks (a refusal stays one line)
                settings.data_dir.mkdir(parents=True, exist_ok=True)
                logs.configure(settings.log_path, console=True)
            logs.logger(component="startup").warning(
                "waiting for the database",
                attempt=attempt,
                retry_in=delay,
                error=" ".join(str(e).split()),
            )
            sleep(delay)
            delay = min(delay * 2, MAX_DELAY)
            attempt += 1
            continue
        if not exists:
            raise NoStoreError(no_store_message(settings))
        if attempt > 1:
            logs.logger(component="startup").info("database reachable", attempts=attempt)
        return
