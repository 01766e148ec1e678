"""The port most read models write through: plain row operations on named tables.

Projections decide *what* rows change; an adapter applies the operations inside the transaction
that also moves the projection's tracked position.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

Row = dict[str, Any]


class Rows(Protocol):
    def insert(self, table: str, row: Row) -> None: ...

    def update(self, table: str, where: Row, values: Row) -> None: ...

    def delete(self, table: str, where: Row) -> None: ...


def time_key(moment: datetime) -> str:
    """A fixed-width UTC text form: sorts and compares like the moments themselves."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_time_key(key: str) -> datetime:
    return datetime.strptime(key, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def event_ref(position: int, event: object) -> str:
    return f"{type(event).__qualname__}@{position}"
