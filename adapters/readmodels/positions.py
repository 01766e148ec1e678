"""Where each read model stands in the log, and whether the read models' tables are the shape
this release writes: what every command's own transaction reads and moves, in plain SQL (see
`adapters/readmodels/driver.py`: a cast run as a process of its own needs no SQLAlchemy)."""

from __future__ import annotations

from functools import cache
from typing import Any

from adapters.readmodels.driver import Driver, Sql

# `schema_fingerprint()` of this release's tables (`adapters/readmodels/tables.py`); a store
# whose read models carry another one has them rebuilt on open. `tests/unit/test_plain_sql.py`
# fails when the tables change and this does not.
SCHEMA_FINGERPRINT = "556803a217a04f2efbf0a15b0adb361d1b7cfed1a65529c5ef50b4635b9b9216"

POSITIONS = Sql("SELECT name, position FROM {projection_positions}")
ADD_POSITION = Sql("INSERT INTO {projection_positions} (name, position) VALUES (:n, :p)")
FINGERPRINT = Sql("SELECT fingerprint FROM {readmodel_schema}")


@cache
def _set_positions(count: int) -> Sql:
    """UPDATE ... WHERE name IN (:n0, ..., :n<count-1>), made once per count (the driver keeps
    a statement's text by identity)."""
    names = ", ".join(f":n{i}" for i in range(count))
    return Sql(f"UPDATE {{projection_positions}} SET position = :p WHERE name IN ({names})")


def read_positions(conn: Driver) -> dict[str, int]:
    return {str(name): int(at) for name, at in conn.rows(POSITIONS)}


def set_positions(conn: Driver, moved: dict[str, int], known: dict[str, int]) -> None:
    """Move several positions: one statement per position they move to (a command moves them
    all to one), and new rows for names `known` (what `positions` read in this transaction)
    does not have."""
    # A command moves every read model it fed to the same position: one statement for them all
    # (on PostgreSQL one round trip where a batch of six took a pipeline's several).
    targets: dict[int, list[str]] = {}
    for name, at in moved.items():
        if name in known:
            targets.setdefault(at, []).append(name)
    for at, names in targets.items():
        params: dict[str, Any] = {"p": at, **{f"n{i}": n for i, n in enumerate(names)}}
        conn.execute(_set_positions(len(names)), params)
    conn.executemany(
        ADD_POSITION, [{"n": name, "p": at} for name, at in moved.items() if name not in known]
    )


def schema_is_current(conn: Driver) -> bool:
    """Whether the read models' tables are this release's (read on the event store's own
    connection; a store without them yet is not current)."""
    try:
        found = conn.scalar(FINGERPRINT)
    except Exception:  # no such table yet: each driver raises its own error class
        return False
    return bool(found == SCHEMA_FINGERPRINT)
