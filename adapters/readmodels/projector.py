"""Read models follow the log in two ways, both writing rows and positions in one transaction.

- **Live, in the command's own transaction** (`LiveProjections`): the recorder hands over the
  events it has just inserted, and every read model that had seen everything before them
  applies them and moves its position, before the one commit. A command is then one commit:
  events, audit records, read-model rows and positions.
- **Catch-up** (`catch_up_all`): for what was written without that (a store from before, a
  rebuild, a read model added later), in batches; two processes catching up at once queue on
  the store's write lock (SQLite) or an advisory lock (PostgreSQL) instead of counting twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, Protocol

from eventsourcing.persistence import Notification, StoredEvent, Tracking

from adapters.readmodels.driver import Driver, Sql
from adapters.readmodels.positions import POSITIONS, read_positions, set_positions
from workflows.base import DOMAIN_EVENTS, GovernanceBase

if TYPE_CHECKING:
    from sqlalchemy import Table

BATCH = 1000

Writing = Callable[[], AbstractContextManager[Driver]]


class Projection(Protocol):
    name: str
    topics: list[str]

    def process(self, event: Any, view: Any, position: int) -> None: ...


class BulkSql(Protocol):
    """A read model stated as SQL over the stored events, which a rebuild runs instead of the
    projection (see `rebuild`); it must end with the same rows."""

    topics: frozenset[str]
    # Fields of events (by topic) that only this read model reads: a rebuild's replay of the
    # others reads those events without them (a consultation's electorate is most of the log).
    private_fields: dict[str, tuple[str, ...]]

    def statements(self, events: Any, scratch: str) -> list[str]: ...


@dataclass(frozen=True)
class Projector:
    projection: Projection
    make_view: Callable[[Driver], Any]
    table_names: tuple[str, ...]
    bulk: BulkSql | None = None
    # The reads its view will make for these events, sent ahead (`Driver.prefetch`).
    prefetch: Callable[[Driver, Sequence[Any]], None] | None = None

    @property
    def tables(self) -> tuple[Table, ...]:
        """The read model's tables, described (for a rebuild's scratch copies)."""
        from adapters.readmodels.tables import metadata

        return tuple(metadata.tables[name] for name in self.table_names)

    def catch_up(self, app: GovernanceBase, writing: Writing, batch: int = BATCH) -> int:
        """Apply every event not yet applied to this read model alone."""
        return catch_up_all([self], app, writing, batch)

    def reset(self, writing: Writing) -> None:
        with writing() as conn:
            for name in reversed(self.table_names):
                conn.execute(_delete_all(name))
            set_positions(conn, {self.projection.name: 0}, read_positions(conn))


@cache
def _delete_all(table: str) -> Sql:
    """Made once per table: the driver keeps a statement's text by the statement's identity."""
    return Sql(f"DELETE FROM {{{table}}}")


def _apply(
    projectors: Sequence[Projector],
    conn: Driver,
    behind: dict[str, int],
    notifications: Sequence[tuple[int, str, Callable[[], Any]]],
) -> dict[str, int]:
    """Hand each event to every projection that wants it and has not seen it; write the views'
    buffers; return the positions that moved."""
    targets = [(p, frozenset(p.projection.topics)) for p in projectors]
    # A view is made for the first event it is handed: a command's events reach one or two
    # read models, and the others' views (SQLAlchemy's statements) need not even be loaded.
    views: dict[str, Any] = {}
    for position, topic, decode in notifications:
        event = None
        for projector, its_topics in targets:
            name = projector.projection.name
            if position > behind[name] and topic in its_topics:
                event = event or decode()
                view = views.get(name)
                if view is None:
                    view = views[name] = projector.make_view(conn)
                projector.projection.process(event, view, position)
    for view in views.values():
        flush = getattr(view, "flush", None)  # a view that buffers writes them now
        if flush is not None:
            flush()
    last = notifications[-1][0]
    return {p.projection.name: last for p in projectors if last > behind[p.projection.name]}


class Select(Protocol):
    """How a replay reads the log: the library's `select_notifications`, or a leaner read."""

    def __call__(
        self, start: int, limit: int, stop: int | None, topics: Sequence[str]
    ) -> Sequence[Notification]: ...


def replay(
    projectors: Sequence[Projector],
    app: GovernanceBase,
    conn: Driver,
    after: int,
    stop: int | None = None,
    batch: int = BATCH,
    select: Select | None = None,
) -> int:
    """Apply the events after `after` (up to `stop`) to read models that have seen everything
    up to `after`, all on `conn`'s one open transaction; returns how many were applied. Pages
    of `batch`: the views' buffers are written at the end of each, so memory stays flat."""
    topics = sorted({t for p in projectors for t in p.projection.topics})
    behind = {p.projection.name: after for p in projectors}
    applied = 0
    read: Select = select or (
        lambda start, limit, stop, topics: app.recorder.select_notifications(
            start=start, limit=limit, stop=stop, topics=topics
        )
    )
    while projectors and (stop is None or after < stop):
        page = read(after + 1, batch, stop, topics)
        if not page:
            break
        _apply(
            projectors,
            conn,
            behind,
            [(n.id, n.topic, lambda n=n: app.mapper.to_domain_event(n)) for n in page],  # type: ignore[misc]
        )
        applied += len(page)
        after = page[-1].id
        behind = dict.fromkeys(behind, after)
        if len(page) < batch:
            break
    return applied


def catch_up_all(
    projectors: list[Projector], app: GovernanceBase, writing: Writing, batch: int = BATCH
) -> int:
    """Bring every read model up to date in one pass over the log: each event is read and
    decoded once, and handed to every projection that wants it, in one transaction per batch."""
    topics = sorted({t for p in projectors for t in p.projection.topics})
    applied = 0
    while True:
        with writing() as conn:
            known = read_positions(conn)
            behind = {p.projection.name: known.get(p.projection.name, 0) for p in projectors}
            page = app.recorder.select_notifications(
                start=min(behind.values(), default=0) + 1, limit=batch, topics=topics
            )
            if not page:
                return applied
            moved = _apply(
                projectors,
                conn,
                behind,
                [
                    (n.id, n.topic, lambda n=n: app.mapper.to_domain_event(n))  # type: ignore[misc]
                    for n in page
                ],
            )
            set_positions(conn, moved, known)
        applied += len(page)
        if len(page) < batch:
            return applied


@dataclass
class LiveProjections:
    """Called by the recorder inside the transaction that inserts events (see the module)."""

    projectors: list[Projector]
    app: GovernanceBase
    postgres: bool
    schema: str | None
    serialize: Callable[[Driver], None]
    workflow_topics: frozenset[str]
    workflow_name: str
    _marked: int | None = None  # the position this process's last insert marked scanned
    # Per thread (a server's commands run in several): the driver `before_insert` sent reads
    # ahead on, for the `__call__` of the same insert.
    _ahead: threading.local = field(default_factory=threading.local)

    def before_insert(self, cursor: Any, stored: Sequence[StoredEvent], **kwargs: Any) -> None:
        """On PostgreSQL, before the insert in its pipeline: take the read models' lock and send
        the reads `__call__` will make (the positions, the views' own), so that they come back
        with the insert's positions: a command then waits for the server twice (the insert,
        the commit) however many read models it moves."""
        conn = self._ahead.driver = Driver(
            cursor, postgres=True, schema=self.schema, pipelined=True
        )
        self.serialize(conn)
        conn.prefetch(POSITIONS)
        domain_events: Sequence[Any] = kwargs.get(DOMAIN_EVENTS) or ()
        if len(domain_events) == len(stored):
            for projector in self.projectors:
                if projector.prefetch is not None:
                    projector.prefetch(conn, domain_events)

    def __call__(
        self, cursor: Any, positions: Sequence[int], stored: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        ahead: Driver | None = getattr(self._ahead, "driver", None)
        self._ahead.driver = None
        if not positions:
            return
        if ahead is not None and ahead.cursor is cursor:
            conn = ahead  # the lock is taken and the reads are on their way
        else:
            conn = Driver(
                cursor, postgres=self.postgres, schema=self.schema, pipelined=self.postgres
            )
            self.serialize(conn)
        first = positions[0]
        known = read_positions(conn)
        # Only a read model that has seen everything before these events may take them; one
        # that is behind (a store from before, a rebuild under way) is left to catch-up. The
        # event before ours is usually at first - 1; on PostgreSQL a failed insert leaves a gap.
        seen = {p.projection.name: known.get(p.projection.name, 0) for p in self.projectors}
        previous = first - 1
        if any(at != previous for at in seen.values()):
            previous = self._previous_position(conn, first)
        ready = [p for p in self.projectors if seen[p.projection.name] >= previous]
        domain_events: Sequence[Any] | None = kwargs.get(DOMAIN_EVENTS)
        if ready:
            items = [
                (position, s.topic, self._decoder(s, domain_events, i))
                for i, (position, s) in enumerate(zip(positions, stored, strict=True))
            ]
            behind = {p.projection.name: first - 1 for p in ready}
            set_positions(conn, _apply(ready, conn, behind, items), known)
        self._mark_workflows_scanned(conn, cursor, first, positions[-1], stored)

    def _previous_position(self, conn: Driver, first: int) -> int:
        """The log's last position before `first` (the insert holds the log's write lock)."""
        rows = conn.select(*self.previous_sql(first))
        return int(rows[0][0] or 0) if rows else 0

    def previous_sql(self, first: int) -> tuple[str, tuple[int]]:
        table: str = getattr(self.app.recorder, "events_table_name", "stored_events")
        if self.postgres:
            return (
                f'SELECT max(notification_id) FROM "{self.schema}"."{table}" '
                "WHERE notification_id < %s",
                (first,),
            )
        return f'SELECT max(rowid) FROM "{table}" WHERE rowid < ?', (first,)

    @cached_property
    def current_sql(self) -> str:
        """One read that says whether the workflows and every read model have seen the whole
        log: (head, workflows' position, lowest read-model position, read models known)."""
        recorder: Any = self.app.recorder
        events: str = getattr(recorder, "events_table_name", "stored_events")
        if self.postgres:
            q = f'"{self.schema}".'
            head = f'SELECT max(notification_id) FROM {q}"{events}"'
            tracking = f'{q}"{getattr(recorder, "tracking_table_name", "notification_tracking")}"'
        else:
            q = ""
            head = f'SELECT max(rowid) FROM "{events}"'
            tracking = "tracking"
        app = "%(app)s" if self.postgres else ":app"  # the driver's own named parameters
        names = ", ".join(f"'{p.projection.name}'" for p in self.projectors)
        positions = f"{q}projection_positions WHERE name IN ({names})"
        return (
            f"SELECT ({head}) AS head, "
            f"(SELECT max(notification_id) FROM {tracking} WHERE application_name = {app}) "
            f"AS reacted, (SELECT min(position) FROM {positions}) AS lowest, "
            f"(SELECT count(*) FROM {positions}) AS known"
        )

    def _decoder(
        self, stored: StoredEvent, domain_events: Sequence[Any] | None, index: int
    ) -> Callable[[], Any]:
        if domain_events is not None and len(domain_events) > index:
            event = domain_events[index]
            return lambda: event
        return lambda: self.app.mapper.to_domain_event(stored)

    def _mark_workflows_scanned(
        self, conn: Driver, cursor: Any, first: int, last: int, stored: Sequence[StoredEvent]
    ) -> None:
        """Workflows in constant time: when none of these events is one the process managers
        react to, and they had reacted to everything before, they need not scan them later.
        (The library's own tracking statements, on this transaction's cursor.)"""
        marked, self._marked = self._marked, None
        if any(s.topic in self.workflow_topics for s in stored):
            return
        recorder: Any = self.app.recorder
        # When this process's last commit ended right before these events and marked them
        # scanned, the workflows have seen everything before: no need to read their position
        # (it only grows). A rolled-back mark is not a commit, so it never counts.
        ours = marked is not None and first == marked + 1
        if not (ours and getattr(recorder, "committed_position", None) == marked):
            reacted = recorder._max_tracking_id(self.workflow_name, conn.read_cursor()) or 0
            if reacted != first - 1 and reacted < self._previous_position(conn, first):
                return
        if self.postgres:
            # The library's statement without its read-back (it checks that the position
            # moved): in the insert's pipeline a read would wait for the server, and a mark
            # that did not move (someone marked further) is as good as one that did.
            cursor.execute(
                recorder.insert_tracking_statement,
                {"application_name": self.workflow_name, "notification_id": last},
                prepare=True,
            )
        else:
            recorder._insert_tracking(cursor, Tracking(self.workflow_name, last))
        self._marked = last
