"""Reads inside a PostgreSQL insert that runs in psycopg's pipeline mode (`postgres_chain`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def reading(curs: Any) -> Iterator[Any]:
    """A cursor of its own for a statement whose rows are read inside the insert's pipeline.
    psycopg may hand a cursor the result of its earlier statement while a later one is being
    sent (the read then finds an INSERT's status, not its rows); a new cursor has none."""
    with curs.connection.cursor() as read:
        yield read
