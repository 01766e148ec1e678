"""The application every process service runs on: one event log for all of the processes.

One application (not one per process) because auditors replay, hash and export *the* log, and
because SQLite keeps one notification sequence per file.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent, project_aggregate
from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.persistence import IntegrityError, Notification, Recording
from eventsourcing.projection import EventSourcedProjection
from eventsourcing.utils import EnvType, get_topic

from domain.errors import ConflictError, NotFoundError
from domain.messages import N_
from workflows.clock import Clock, SystemClock

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")

CONFLICT_RETRIES = 5
PAGE = 500
# The recorder receives the events it stores both as stored events and, under this keyword, as
# the domain events they were made from: work in the insert's transaction (the read models)
# then need not decode what the application already holds.
DOMAIN_EVENTS = "akkoord_domain_events"


# The notifications recorded inside `saved_notifications()`, per thread of control.
_SAVED: ContextVar[list[Notification] | None] = ContextVar("akkoord_saved", default=None)


@contextmanager
def saved_notifications() -> Iterator[list[Notification]]:
    """What the commands in this block recorded, in order: each event's position and stored
    form, as the library's `save` returns them several calls below an entry point. An answer
    that names what was just written (a ballot's receipt) then need not read it back."""
    saved: list[Notification] = []
    token = _SAVED.set(saved)
    try:
        yield saved
    finally:
        _SAVED.reset(token)


class ConcurrentChangeError(ConflictError):
    code = "concurrent_change"


class GovernanceBase(EventSourcedProjection[UUID]):
    """An application that also follows its own log: the process managers react to its events
    and record their reactions atomically with the position they reached (a process recorder)."""

    name = "Governance"

    def __init__(self, env: EnvType | None = None, clock: Clock | None = None) -> None:
        super().__init__(env)
        self.clock: Clock = clock or SystemClock()

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        processing_event.saved_kwargs[DOMAIN_EVENTS] = processing_event.events
        recordings = super()._record(processing_event)
        saved = _SAVED.get()
        if saved is not None:
            saved.extend(r.notification for r in recordings)
        return recordings

    def _load(self, kind: type[A], aggregate_id: UUID, missing: NotFoundError) -> A:
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise missing from None
        if not isinstance(aggregate, kind):
            raise missing
        return aggregate

    def _change(
        self,
        kind: type[A],
        aggregate_id: UUID,
        missing: NotFoundError,
        command: Callable[[A], R],
        *,
        retry: bool = True,
    ) -> R:
        """Get, apply `command`, save; on a concurrent write, reload and try again (bounded).

        Without `retry` a concurrent write is a conflict for the caller to resolve: moving a
        deadline that someone else just moved means two people want different things.
        """
        for _ in range(CONFLICT_RETRIES if retry else 1):
            aggregate = self._load(kind, aggregate_id, missing)
            result = command(aggregate)
            try:
                self.save(aggregate)
            except IntegrityError:
                continue
            return result
        raise ConcurrentChangeError(
            N_(
                "%(kind)s %(aggregate_id)s was changed by someone else at the same "
                "moment; look at it again and retry",
                kind=kind.__name__.lower(),
                aggregate_id=aggregate_id,
            )
        )

    def _find(self, kind: type[A], aggregate_id: UUID) -> A | None:
        try:
            found: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, kind) else None

    def notifications(
        self, start: int = 1, topics: Sequence[str] = (), stop: int | None = None
    ) -> Iterator[Notification]:
        """Stream the log from position `start`, a page at a time (the library caps its own log)."""
        position = start
        while True:
            page = self.recorder.select_notifications(
                start=position, limit=PAGE, stop=stop, topics=topics
            )
            yield from page
            if len(page) < PAGE:
                return
            position = page[-1].id + 1

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def aggregates_of(self, kind: type[A], created_topic: str) -> Iterator[A]:
        for notification in self.notifications(topics=[created_topic]):
            found: Aggregate = self.repository.get(UUID(str(notification.originator_id)))
            if isinstance(found, kind):
                yield found

    def many_small(self, kind: type[A], created_topics: Collection[str]) -> list[A]:
        """Every aggregate of `kind` begun by one of `created_topics`, as it stands now, in the
        order they were begun, rebuilt in one pass over the events of `kind`: for many small
        aggregates (the 342 members), where a `get` each costs a query and a copy each. Large
        ones (a consultation's ballots) are cheaper from the repository's cache
        (`aggregates_of`). They are fresh objects: a caller may change and save one."""
        current: dict[Any, Any] = {}
        begun: dict[Any, str] = {}
        for notification in self.notifications(topics=event_topics(kind)):
            event = self.mapper.to_domain_event(notification)
            key = event.originator_id
            begun.setdefault(key, notification.topic)
            current[key] = project_aggregate(current.get(key), (event,))
        return [  # by kind of beginning first, as a query per beginning would list them
            current[key]
            for topic in created_topics
            for key, first in begun.items()
            if first == topic and isinstance(current[key], kind)
        ]


@cache
def event_topics(kind: type[Aggregate]) -> list[str]:
    """The topics of every event class of the aggregate class `kind` (its own and inherited)."""
    found = {
        get_topic(value)
        for value in (getattr(kind, name) for name in dir(kind))
        if isinstance(value, type) and issubclass(value, CanMutateAggregate)
    }
    return sorted(found)


class ProcessService:
    """The commands and queries of one process, on the one application they all share.

    Composition, not mixins: a reader finds a process's commands in one class, and the only way
    from one process to another is a service handed in at construction (see `Governance`).
    """

    def __init__(self, app: GovernanceBase) -> None:
        self.app = app

    @property
    def clock(self) -> Clock:
        return self.app.clock

    def save(self, *aggregates: Aggregate) -> None:
        self.app.save(*aggregates)

    def _load(self, kind: type[A], aggregate_id: UUID, missing: NotFoundError) -> A:
        return self.app._load(kind, aggregate_id, missing)

    def _change(
        self,
        kind: type[A],
        aggregate_id: UUID,
        missing: NotFoundError,
        command: Callable[[A], R],
        *,
        retry: bool = True,
    ) -> R:
        return self.app._change(kind, aggregate_id, missing, command, retry=retry)

    def _find(self, kind: type[A], aggregate_id: UUID) -> A | None:
        return self.app._find(kind, aggregate_id)

    def aggregates_of(self, kind: type[A], created_topic: str) -> Iterator[A]:
        return self.app.aggregates_of(kind, created_topic)
