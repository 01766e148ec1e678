"""Catch-up of read models on the notification log (SQLite has no subscriptions to push them).

Each batch runs in one write transaction: read the tracked position, apply the next events, move
the position. Two processes catching up at once queue on the lock instead of counting twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Connection, Table, delete

from adapters.readmodels.tables import ReadModels
from workflows.base import GovernanceBase

BATCH = 1000


@runtime_checkable
class Buffered(Protocol):
    """A view that gathers a batch's changes and writes them at its end."""

    def flush(self) -> None: ...


class Projection(Protocol):
    name: str
    topics: list[str]

    def process(self, event: Any, view: Any, position: int) -> None: ...


@dataclass(frozen=True)
class Projector:
    projection: Projection
    make_view: Callable[[Connection], Any]
    tables: tuple[Table, ...]

    def catch_up(self, app: GovernanceBase, views: ReadModels, batch: int = BATCH) -> int:
        """Apply every event not yet applied to this read model alone."""
        return catch_up_all([self], app, views, batch)

    def reset(self, views: ReadModels) -> None:
        with views.writing() as conn:
            for table in reversed(self.tables):
                conn.execute(delete(table))
            views.set_position(conn, self.projection.name, 0)


def catch_up_all(
    projectors: list[Projector], app: GovernanceBase, views: ReadModels, batch: int = BATCH
) -> int:
    """Bring every read model up to date in one pass over the log: each event is read and
    decoded once, and handed to every projection that wants it, in one transaction per batch."""
    wanted = {p.projection.name: frozenset(p.projection.topics) for p in projectors}
    topics = sorted(set().union(*wanted.values()))
    applied = 0
    while True:
        with views.writing() as conn:
            positions = views.positions(conn)
            behind = {p.projection.name: positions.get(p.projection.name, 0) for p in projectors}
            page = app.recorder.select_notifications(
                start=min(behind.values(), default=0) + 1, limit=batch, topics=topics
            )
            if not page:
                return applied
            targets = [(p, p.make_view(conn), wanted[p.projection.name]) for p in projectors]
            for notification in page:
                event = None
                for projector, view, its_topics in targets:
                    name = projector.projection.name
                    if notification.id > behind[name] and notification.topic in its_topics:
                        event = event or app.mapper.to_domain_event(notification)
                        projector.projection.process(event, view, notification.id)
            for _, view, _ in targets:
                if isinstance(view, Buffered):
                    view.flush()  # in this transaction, before the position moves
            for projector in projectors:
                if page[-1].id > behind[projector.projection.name]:
                    views.set_position(conn, projector.projection.name, page[-1].id)
        applied += len(page)
        if len(page) < batch:
            return applied
