"""Tamper evidence: a hash chain over the whole event log, written with the events themselves.

Every stored event gets a digest of what was stored (topic, aggregate id, version, state) and a
chain hash over the previous hash, its position and that digest, inserted in the same
transaction as the event. Checkpoints (position, hash) are recorded every CHECKPOINT_EVERY
events. Verification recomputes the chain from the stored events and reports the first position
where it breaks: an event changed (modified), an event gone (missing), an event without a chain
entry (inserted), or an event whose content belongs to another position (reordered).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.persistence import PersistenceError, StoredEvent
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder

from adapters.audit.idempotency import SQLITE_TABLE as IDEMPOTENCY_TABLE
from adapters.audit.idempotency import claim_sqlite

GENESIS = hashlib.sha256(b"akkoord event log").hexdigest()
CHECKPOINT_EVERY = 1000
PAGE = 1000


def digest(topic: str, originator_id: UUID | str, version: int, state: bytes) -> str:
    h = hashlib.sha256()
    for part in (topic, str(originator_id), str(version)):
        h.update(part.encode())
        h.update(b"\x00")
    h.update(state)
    return h.hexdigest()


def chain_hash(previous: str, position: int, event_digest: str) -> str:
    return hashlib.sha256(f"{previous}|{position}|{event_digest}".encode()).hexdigest()


def tail_after(committed: tuple[int, str] | None, first: int) -> str | None:
    """The chain's last hash before position `first`, if this process's own last commit ended
    right before it: positions are handed out in commit order under the insert's lock, so no
    other event can lie between (another writer's, or one rolled back, moves `first` on).
    None: read it from the store."""
    if committed is not None and first == committed[0] + 1:
        return committed[1]
    return None


# The shape of the store this code writes; a store marked higher was written by a newer akkoord,
# one marked lower (or not at all, yet holding events) by an older one: `akkoord db upgrade`.
#   no mark: before the mark existed (the first releases): perhaps no hash chain at all, read
#            models in views.sqlite, no Merkle tree.
#   1:       a hash chain over every event; perhaps no Merkle tree (or its state without
#            `upto`), read models in views.sqlite, tokens without scopes.
#   2:       all of that in place: the chain, the tree built from it, the read models beside the
#            events, marked only once every step of the upgrade is done.
STORE_VERSION = 2
UPGRADE_COMMAND = "akkoord db upgrade"

# Work that must commit with the events (the read models, the workflows' scan mark), called by
# the recorder inside the insert's transaction with (cursor, positions, stored events, kwargs
# the application saved them with). Installed by the wiring: the audit log knows no read model.
InTransaction = Callable[..., None]

CHAIN_TABLES = [
    "CREATE TABLE IF NOT EXISTS akkoord_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS event_hashes ("
    "position INTEGER PRIMARY KEY, digest TEXT NOT NULL, hash TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS event_hashes_digest ON event_hashes (digest)",
    "CREATE TABLE IF NOT EXISTS audit_checkpoints ("
    "position INTEGER PRIMARY KEY, hash TEXT NOT NULL, recorded_at TEXT NOT NULL)",
]


class ChainedSQLiteProcessRecorder(SQLiteProcessRecorder):
    """The library's SQLite process recorder, extending each insert with the chain."""

    in_transaction: InTransaction | None = None

    def use_in_transaction(
        self, work: InTransaction, before_insert: InTransaction | None = None
    ) -> None:
        # `before_insert` sends reads ahead on PostgreSQL; in-process SQLite has no wait to save.
        self.in_transaction = work

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *CHAIN_TABLES, IDEMPOTENCY_TABLE]

    _committed: tuple[int, str] | None = None  # (position, hash) of this process's last commit
    _pending: tuple[int, str] | None = None

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        self._pending = None
        positions = super().insert_events(stored_events, **kwargs)
        self._committed = self._pending or self._committed  # only once the commit is done
        return positions

    @property
    def committed_position(self) -> int | None:
        """The last position of this recorder's last committed insert (None before one)."""
        return None if self._committed is None else self._committed[0]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        claim_sqlite(c, positions, kwargs)  # a request's idempotency key, with its events
        if stored_events and positions:
            # The insert above holds SQLite's write lock, so the tail cannot move under us.
            previous = tail_after(self._committed, positions[0])
            if previous is None:
                c.execute("SELECT hash FROM event_hashes ORDER BY position DESC LIMIT 1")
                row = c.fetchone()
                previous = row[0] if row else GENESIS
            hashes: list[tuple[int, str, str]] = []
            for position, stored in zip(positions, stored_events, strict=True):
                d = digest(
                    stored.topic, stored.originator_id, stored.originator_version, stored.state
                )
                previous = chain_hash(previous, position, d)
                hashes.append((position, d, previous))
                if position % CHECKPOINT_EVERY == 0:
                    c.execute(
                        "INSERT INTO audit_checkpoints VALUES (?, ?, ?)",
                        (position, previous, datetime.now(UTC).isoformat()),
                    )
            c.executemany("INSERT INTO event_hashes VALUES (?, ?, ?)", hashes)
            self._pending = (hashes[-1][0], hashes[-1][2])
            self._after_chain(c, hashes, stored_events)
            if self.in_transaction is not None:
                self.in_transaction(c, positions, stored_events, **kwargs)
        return positions

    def _after_chain(
        self,
        c: SQLiteCursor,
        hashes: list[tuple[int, str, str]],
        stored_events: Sequence[StoredEvent],
    ) -> None:
        """Called in the insert's transaction with (position, digest, hash) of each new event:
        where the transparency log (`transparency_sqlite`) extends its tree."""

    # Reading the chain back, for verification and exports ---------------------------------

    def log_rows(self) -> Iterator[LogRow]:
        for r in paged(
            lambda after: self._page(
                "SELECT rowid, topic, originator_id, originator_version, state "
                "FROM stored_events WHERE rowid > ? ORDER BY rowid LIMIT ?",
                after,
            )
        ):
            yield LogRow(r[0], r[1], uuid_text(r[2]), r[3], bytes(r[4]))

    def chain_entries(self, after: int = 0) -> Iterator[ChainEntry]:
        for r in paged(
            lambda after: self._page(
                "SELECT position, digest, hash FROM event_hashes WHERE position > ? "
                "ORDER BY position LIMIT ?",
                after,
            ),
            after,
        ):
            yield ChainEntry(r[0], r[1], r[2])

    def _page(self, statement: str, after: int) -> list[Any]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, (after, PAGE))
            return list(c.fetchall())

    def digest_positions(self, d: str) -> list[int]:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT position FROM event_hashes WHERE digest = ?", (d,))
            return [r[0] for r in c.fetchall()]

    def chain_head(self) -> tuple[int, str]:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT position, hash FROM event_hashes ORDER BY position DESC LIMIT 1")
            row = c.fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    def record_checkpoint(self) -> tuple[int, str]:
        position, head = self.chain_head()
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                "INSERT OR IGNORE INTO audit_checkpoints VALUES (?, ?, ?)",
                (position, head, datetime.now(UTC).isoformat()),
            )
        return position, head

    def store_version(self) -> int | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT value FROM akkoord_meta WHERE key = 'store_version'")
            row = c.fetchone()
        return None if row is None else int(row[0])

    def mark_store_version(self, version: int, *, replace: bool = False) -> None:
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"{verb} INTO akkoord_meta VALUES ('store_version', ?)", (str(version),))

    def add_missing_chain(
        self, entries: list[tuple[int, str, str]], checkpoints: list[tuple[int, str]]
    ) -> bool:
        """The chain of a log written before there was one, in one transaction; False (nothing
        written) if a chain entry is there by now."""
        stamp = datetime.now(UTC).isoformat()
        with self.datastore.transaction(commit=True) as c:
            c.execute("DELETE FROM akkoord_meta WHERE key = ''")  # the write lock first
            c.execute("SELECT 1 FROM event_hashes LIMIT 1")
            if c.fetchone() is not None:
                return False
            c.executemany("INSERT INTO event_hashes VALUES (?, ?, ?)", entries)
            c.executemany(
                "INSERT OR IGNORE INTO audit_checkpoints VALUES (?, ?, ?)",
                [(p, h, stamp) for p, h in checkpoints],
            )
        return True


@dataclass(frozen=True)
class LogRow:
    position: int
    topic: str
    originator_id: str
    version: int
    state: bytes


@dataclass(frozen=True)
class ChainEntry:
    position: int
    digest: str
    hash: str


@dataclass(frozen=True)
class Break:
    position: int
    kind: str  # modified, missing, inserted, reordered
    detail: str


@dataclass
class Verification:
    checked: int = 0
    head_position: int = 0
    head_hash: str = GENESIS
    first_break: Break | None = None
    expected: str | None = None
    expected_at: int | None = None  # where the published hash was found in the chain
    heads_verified: int = 0  # signed tree heads the log reproduces
    tree_size: int = 0
    heads_foreign: int = 0  # of those, signed by a key this verifier does not hold
    tree_root: str = ""

    @property
    def ok(self) -> bool:
        return self.first_break is None and (self.expected is None or self.expected_at is not None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "head": {"position": self.head_position, "hash": self.head_hash},
            "break": None
            if self.first_break is None
            else {
                "position": self.first_break.position,
                "kind": self.first_break.kind,
                "detail": self.first_break.detail,
            },
            "expected": self.expected,
            "expected_found_at": self.expected_at,
            "signed_heads_verified": self.heads_verified,
            "signed_heads_by_other_keys": self.heads_foreign,
            "tree": {"size": self.tree_size, "root": self.tree_root},
        }


def _merge(
    rows: Iterator[LogRow], entries: Iterator[ChainEntry]
) -> Iterator[tuple[int, LogRow | None, ChainEntry | None]]:
    row, entry = next(rows, None), next(entries, None)
    while row is not None or entry is not None:
        if entry is None or (row is not None and row.position < entry.position):
            assert row is not None
            yield row.position, row, None
            row = next(rows, None)
        elif row is None or entry.position < row.position:
            yield entry.position, None, entry
            entry = next(entries, None)
        else:
            yield row.position, row, entry
            row, entry = next(rows, None), next(entries, None)


def verify_chain(
    rows: Iterator[LogRow],
    entries: Iterator[ChainEntry],
    *,
    start: str = GENESIS,
    digest_positions: Callable[[str], list[int]] | None = None,
    expected: str | None = None,
    progress: Callable[[int], None] | None = None,
    observe: Callable[[int, str, str], Break | None] | None = None,
) -> Verification:
    """Walk stored events and chain entries side by side; stop at the first break.

    `digest_positions(digest)` finds where a digest is recorded, to tell a reordering from an
    edit; `progress(n)` is told how many events were checked so far; `observe(position, digest,
    chain hash)` sees each event that passed, and may report a break of its own (the Merkle
    tree's signed heads).
    """
    result = Verification(expected=expected)
    previous, last = start, 0
    if expected == start:
        result.expected_at = 0
    for position, row, entry in _merge(rows, entries):
        found = _check(position, row, entry, previous, last, digest_positions)
        if isinstance(found, Break):
            result.first_break = found
            break
        if observe is not None and entry is not None:
            seen = observe(position, entry.digest, found)
            if seen is not None:
                result.first_break = seen
                break
        previous, last = found, position
        result.checked += 1
        result.head_position, result.head_hash = position, found
        if expected is not None and found == expected:
            result.expected_at = position
        if progress is not None:
            progress(result.checked)
    return result


def _check(
    position: int,
    row: LogRow | None,
    entry: ChainEntry | None,
    previous: str,
    last: int,
    digest_positions: Callable[[str], list[int]] | None,
) -> str | Break:
    """The chain hash at `position`, or how the chain breaks there."""
    if row is None:
        return Break(position, "missing", "the chain records an event here; the log has none")
    if entry is None:
        return Break(
            position,
            "inserted",
            f"{row.topic} v{row.version} of {row.originator_id} has no chain entry",
        )
    if last and position <= last:
        return Break(position, "reordered", f"position {position} comes after {last}")
    d = digest(row.topic, row.originator_id, row.version, row.state)
    if d != entry.digest:
        elsewhere = [p for p in (digest_positions(d) if digest_positions else []) if p != position]
        if elsewhere:
            return Break(
                position, "reordered", f"this event was recorded at position {elsewhere[0]}"
            )
        return Break(
            position,
            "modified",
            f"{row.topic} v{row.version} of {row.originator_id} differs from what was recorded",
        )
    computed = chain_hash(previous, position, d)
    if computed == entry.hash:
        return computed
    if last and position > last + 1:
        return Break(last + 1, "missing", f"positions {last + 1}..{position - 1} are gone")
    elsewhere = [p for p in (digest_positions(d) if digest_positions else []) if p != position]
    if elsewhere:
        return Break(position, "reordered", f"this event was recorded at position {elsewhere[0]}")
    return Break(position, "modified", "the chain entry does not follow from the one before")


@runtime_checkable
class ChainedRecorder(Protocol):
    """What auditing needs from a store, whichever database holds it."""

    def log_rows(self) -> Iterator[LogRow]: ...

    def chain_entries(self, after: int = 0) -> Iterator[ChainEntry]:
        """The chain's rows in log order, from the first position after `after`."""

    def digest_positions(self, d: str) -> list[int]: ...

    def chain_head(self) -> tuple[int, str]: ...

    def record_checkpoint(self) -> tuple[int, str]: ...

    def store_version(self) -> int | None: ...

    def mark_store_version(self, version: int, *, replace: bool = False) -> None: ...

    def add_missing_chain(
        self, entries: list[tuple[int, str, str]], checkpoints: list[tuple[int, str]]
    ) -> bool: ...

    def use_in_transaction(
        self, work: InTransaction, before_insert: InTransaction | None = None
    ) -> None: ...


def paged(fetch: Callable[[int], list[Any]], after: int = 0) -> Iterator[Any]:
    """Rows from `fetch(after_position)`, a page of PAGE at a time, from the first after `after`;
    a row's first column is its position."""
    position = after
    while True:
        page = fetch(position)
        yield from page
        if len(page) < PAGE:
            return
        position = int(page[-1][0])


def uuid_text(value: object) -> str:
    """An aggregate id as the digest saw it: a UUID with dashes, whatever the column held."""
    text = str(value)
    try:
        return str(UUID(text))
    except ValueError:
        return text


class NewerStoreError(PersistenceError):
    """The store was written by a newer version of akkoord than this one."""


class UpgradeNeededError(PersistenceError):
    """The store was written by an older akkoord: `akkoord db upgrade` brings it up to date."""


def version_of(found: int | None, has_events: bool) -> int | None:
    """The store's version as the upgrade sees it: a mark, 0 for a store with events from before
    the mark, None for a new (empty, unmarked) store."""
    if found is None:
        return 0 if has_events else None
    return found


def refuse_unless_current(version: int | None) -> None:
    """Raise unless this akkoord may serve and write a store of `version` (None: a new one)."""
    if version is None or version == STORE_VERSION:
        return
    if version > STORE_VERSION:
        raise NewerStoreError(
            f"the store is version {version}, written by a newer akkoord (this one writes "
            f"version {STORE_VERSION}); upgrade akkoord before using it"
        )
    raise UpgradeNeededError(
        f"the store is version {version}, written by an older akkoord (this one needs version "
        f"{STORE_VERSION}); run `{UPGRADE_COMMAND}` first (it takes a backup)"
    )


def check_store_version(recorder: ChainedRecorder, *, upgrading: bool = False) -> int:
    found = recorder.store_version()
    if found is None:
        head = recorder.chain_head()[0] or next(iter(recorder.log_rows()), None) is not None
        if not head:  # a new store: mark it once (reads never write)
            recorder.mark_store_version(STORE_VERSION)
            return STORE_VERSION
    version = version_of(found, True)
    assert version is not None
    if not (upgrading and version < STORE_VERSION):
        refuse_unless_current(version)
    return version


def chained(recorder: object) -> ChainedRecorder:
    if not isinstance(recorder, ChainedRecorder):
        raise TypeError(f"{type(recorder).__name__} keeps no hash chain")
    return recorder
