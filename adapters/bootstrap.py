"""The one wiring point: builds the application and its read models from settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from threading import Lock
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.utils import retry

from adapters.audit.chain import (
    NewerStoreError,
    UpgradeNeededError,
    chained,
    check_store_version,
    refuse_unless_current,
    version_of,
)
from adapters.audit.keys import Signer
from adapters.audit.transparency import transparent
from adapters.config.settings import Settings
from adapters.readmodels.driver import Driver
from adapters.readmodels.positions import schema_is_current
from adapters.readmodels.projector import LiveProjections, Projector, catch_up_all
from adapters.readmodels.tally_sql import TallySql
from adapters.readmodels.tally_view import SqlTallyView, prefetch_voters
from adapters.store import Backend, NoStoreError, backend_for, no_store_message
from projections.actions import ActionsProjection
from projections.deadlines import DeadlinesProjection
from projections.funding import FundingProjection
from projections.status import StatusProjection
from projections.tally import TallyProjection
from projections.timeline import TimelineProjection
from workflows.clock import Clock
from workflows.governance import Governance
from workflows.process_managers import TOPICS as WORKFLOW_TOPICS

if TYPE_CHECKING:
    from adapters.readmodels.tables import ReadModels, SqlRows
    from adapters.store.postgres import PostgresBackend

# What a command's own transaction writes needs no SQLAlchemy (the tally's and the positions'
# statements are plain SQL): the read models' engines, their other tables and queries load when
# first used, so a cast run as a process of its own never imports it.
TALLY_TABLES = ("tally_consultations", "tally_provinces", "tally_voters")


@dataclass
class Engine:
    settings: Settings
    app: Governance
    backend: Backend
    projectors: list[Projector] = field(default_factory=list)
    live: LiveProjections | None = None

    _views: ReadModels | None = field(default=None, init=False, repr=False)
    _views_lock: Lock = field(default_factory=Lock, init=False, repr=False)

    @property
    def views(self) -> ReadModels:
        """The read models' queries and their own write transactions, made on first use (by
        one of a server's threads: the others wait for it rather than make their own)."""
        if self._views is None:
            with self._views_lock:
                if self._views is None:
                    self._views = read_models(self.backend)
        return self._views

    @contextmanager
    def writing(self) -> Iterator[Driver]:
        """A read-model write transaction outside any command (catch-up, rebuild), serialised
        with every other writer of the read models."""
        assert self.live is not None
        with self.views.writing() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            yield Driver(cursor, postgres=self.live.postgres, schema=self.live.schema)

    def current(self) -> bool:
        """Whether the workflows and every read model have seen the whole log: after this
        process's own commands they have (those commit their read-model rows and the
        workflows' scan mark with the events), so catching up is this one read."""
        assert self.live is not None
        row = (_current_row_retried if self.live.postgres else _current_row)(self)
        head, reacted, lowest, known = (int(v or 0) for v in row)
        return known == len(self.projectors) and reacted >= head and lowest >= head

    def catch_up(self) -> int:
        """Let the workflows react to new events, then bring every read model up to date."""
        if self.current():
            return 0
        reacted = self.app.run_workflows()
        return reacted + catch_up_all(self.projectors, self.app, self.writing)

    def rebuild(self) -> int:
        """Rebuild every read model from the whole log beside the live ones, and swap them in
        at once (see `adapters/readmodels/rebuild.py`); returns the length of the log replayed."""
        assert self.live is not None
        from adapters.readmodels.rebuild import Store, rebuild

        store = Store(
            engine=self.views.writer,
            postgres=self.live.postgres,
            schema=self.live.schema,
            serialize=self.live.serialize,
        )
        rebuild(self.projectors, self.app, store)
        return self.app.head()

    def close(self) -> None:
        if self._views is not None:
            self._views.close()
        self.app.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@contextmanager
def _store_cursor(engine: Engine) -> Iterator[Any]:
    """A cursor for one read on the event store's own connection (the read models are tables
    of its database). On PostgreSQL the pool's autocommit connection: one statement reads one
    snapshot and needs no BEGIN and ROLLBACK around it (two round trips fewer per command)."""
    assert engine.live is not None
    datastore: Any = engine.app.recorder.datastore  # type: ignore[attr-defined]
    if engine.live.postgres:
        with datastore.get_connection() as conn, conn.cursor() as cursor:
            yield cursor
    else:
        with datastore.transaction(commit=False) as cursor:
            yield cursor


def _current_row(engine: Engine) -> Any:
    """`Engine.current`'s one read."""
    assert engine.live is not None
    with _store_cursor(engine) as cursor:
        if engine.live.postgres:
            cursor.execute(engine.live.current_sql, {"app": engine.app.name}, prepare=True)
            return tuple(cursor.fetchone().values())
        cursor.execute(engine.live.current_sql, {"app": engine.app.name})
        return cursor.fetchone()


# On PostgreSQL with the library's own retries for its reads: after the server comes back, the
# first request may meet a connection the pool lost, and tries again on a new one.
_current_row_retried = retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)(
    _current_row
)


def read_models(backend: Backend) -> ReadModels:
    from adapters.readmodels.tables import ReadModels

    writer, reader = backend.views_engines()
    return ReadModels(writer, reader, backend.serialize_views)


def create_tables(backend: Backend) -> None:
    """Every table of a new PostgreSQL store (called by `db init`, under its lock)."""
    # Only PostgreSQL asks (SQLite makes its tables on first use), so only it loads psycopg.
    from adapters.store.postgres import PostgresBackend

    assert isinstance(backend, PostgresBackend)
    app = Governance(env=backend.event_store_env(create_tables=True))
    try:
        # The tree's state row is left to the first `build`: a store copied into these tables
        # (a scratch copy) brings its own.
        check_store_version(chained(app.recorder))
    finally:
        app.close()
    read_models(backend)  # creates the read-model tables on first use
    from adapters.auth.tokens import token_tables  # the token store: only for a new store

    token_tables(backend.views_engines()[0])


def init_database(backend: PostgresBackend) -> list[str]:
    """`db init`: the schema and every table of a PostgreSQL store, once (see
    `adapters.store.postgres.init_database`); returns the tables this call created."""
    from adapters.store.postgres import init_database as init_postgres

    return init_postgres(backend, create_tables)


def build(
    settings: Settings,
    *,
    create: bool = False,
    clock: Clock | None = None,
    upgrading: bool = False,
) -> Engine:
    """Open the store in `settings.data_dir`; with `create`, make it if it is not there yet.
    A store of an older version is refused unless `upgrading` (`akkoord db upgrade` opens it)."""
    backend = backend_for(settings)
    if not backend.store_exists():
        if not create:
            raise NoStoreError(no_store_message(settings))
        backend.prepare(create_tables)
    elif settings.database_url is None and not upgrading:
        # Before the library opens it: on SQLite that makes missing tables, and an old store is
        # left untouched until the upgrade has its backup. (PostgreSQL makes no table on open.)
        from adapters.store.versions import read_mark

        mark = read_mark(settings)
        refuse_unless_current(version_of(mark.version, mark.has_events))
    app = Governance(env=backend.event_store_env(), clock=clock)
    try:
        check_store_version(chained(app.recorder), upgrading=upgrading)
        # The key signs the tree's heads; a store from before the tree gets its leaves now.
        transparent(app.recorder).use_signer(Signer(settings.audit_key_path))
        transparent(app.recorder).ensure_tree()
    except (NewerStoreError, UpgradeNeededError):
        app.close()
        raise
    projectors = [
        Projector(
            TallyProjection(), SqlTallyView, TALLY_TABLES, bulk=TallySql(), prefetch=prefetch_voters
        ),
        Projector(StatusProjection(), sql_rows, ("party_status",)),
        Projector(TimelineProjection(), sql_rows, ("timeline",)),
        Projector(DeadlinesProjection(), sql_rows, ("deadlines",)),
        Projector(ActionsProjection(), sql_rows, ("open_actions",)),
        Projector(
            FundingProjection(),
            sql_rows,
            ("funding_rules", "funding_allocations", "region_budgets"),
        ),
    ]
    lock = backend.views_lock_sql()

    def serialize(conn: Driver) -> None:
        if lock is not None:
            conn.write(*lock)

    live = LiveProjections(
        projectors=projectors,
        app=app,
        postgres=lock is not None,
        schema=backend.views_schema(),
        serialize=serialize,
        workflow_topics=frozenset(WORKFLOW_TOPICS),
        workflow_name=app.name,
    )
    chained(app.recorder).use_in_transaction(live, live.before_insert if live.postgres else None)
    engine = Engine(settings=settings, app=app, backend=backend, projectors=projectors, live=live)
    if not _views_current(engine):
        # A new store, or read models of another shape: made (or dropped, to be rebuilt by
        # catch-up) before any command writes into them.
        engine.views  # noqa: B018
    return engine


def _views_current(engine: Engine) -> bool:
    """Whether the read models' tables are this release's (see `adapters/readmodels/
    positions.py`)."""
    assert engine.live is not None
    with _store_cursor(engine) as cursor:
        return schema_is_current(
            Driver(cursor, postgres=engine.live.postgres, schema=engine.live.schema)
        )


def sql_rows(conn: Driver) -> SqlRows:
    """The row-operations port (SQLAlchemy's statements: loaded by the first event that needs
    one, which a ballot is not)."""
    from adapters.readmodels.tables import SqlRows

    return SqlRows(conn)
