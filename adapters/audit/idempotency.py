"""Safe retries: an idempotency key is stored with the events its request caused.

A request that carries a key runs with a `Pending` claim in a context variable. The recorder's
insert (SQLite and PostgreSQL alike) calls `claim_sqlite`/`claim_postgres` inside the very
transaction that stores the command's events: the key row is then committed with them, or not
at all. The answer itself is known only once the command returned, so it is written just after
(`KeyStore.finish`); a command that wrote no events stores its key and answer in that one small
transaction. A retry finds the key and gets the stored answer; nothing runs, nothing is written.
The table lives in the event store, so a retry is answered the same on any node and after a
restart. Between the events' commit and the answer's, a crash leaves the key "in doubt": a retry
is then refused (409) rather than run twice.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sys
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import Tracking

from adapters.audit.pipeline import reading
from domain.errors import ConflictError, InvalidInputError

# psycopg is imported where PostgreSQL is in use: a SQLite store (and each CLI command on one)
# never loads the driver.
if TYPE_CHECKING:
    from psycopg.sql import Composed

HEADER = "Idempotency-Key"
PATTERN = r"^[A-Za-z0-9._:\-]{8,128}$"
MAX_KEY = 128

SQLITE_TABLE = (
    "CREATE TABLE IF NOT EXISTS idempotency_keys (key TEXT PRIMARY KEY, "
    "request_hash TEXT NOT NULL, owner TEXT NOT NULL, status INTEGER, response TEXT, "
    "position INTEGER, recorded_at TEXT NOT NULL)"
)
POSTGRES_TABLE = (
    "CREATE TABLE IF NOT EXISTS {schema}.idempotency_keys (key text PRIMARY KEY, "
    "request_hash text NOT NULL, owner text NOT NULL, status integer, response text, "
    "position bigint, recorded_at text NOT NULL)"
)


class IdempotencyKeyReusedError(InvalidInputError):
    code = "idempotency_key_reused"


class IdempotencyKeyInDoubtError(ConflictError):
    code = "idempotency_key_in_doubt"


class IdempotencyKeyBusyError(ConflictError):
    code = "idempotency_key_busy"


def check_key(key: str) -> str:
    import re

    if not re.fullmatch(PATTERN, key):
        raise InvalidInputError(
            f"an {HEADER} is 8..{MAX_KEY} characters of letters, digits and . _ : -"
        )
    return key


def request_hash(*parts: str | bytes) -> str:
    """What makes two requests the same: method, path, who asks, and the exact body."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\x00")
    return h.hexdigest()


@dataclass
class Pending:
    """A keyed request being run: the key to claim with the first events it writes."""

    key: str
    request_hash: str
    owner: str = field(default_factory=lambda: secrets.token_hex(8))
    position: int | None = None


@dataclass(frozen=True)
class Stored:
    request_hash: str
    status: int | None
    response: str | None
    position: int | None


PENDING: ContextVar[Pending | None] = ContextVar("akkoord_idempotency", default=None)


def _to_claim(positions: Any, kwargs: dict[str, Any]) -> Pending | None:
    pending = PENDING.get()
    # A workflow's reaction is recorded with its tracking position: it is not the request's.
    if pending is None or not positions or isinstance(kwargs.get("tracking"), Tracking):
        return None
    return pending


def _owned(owner: str | None, pending: Pending, first: int) -> None:
    if owner != pending.owner:
        raise IdempotencyKeyBusyError(
            f"another request with {HEADER} {pending.key} was recorded first; retry to get "
            "its answer"
        )
    if pending.position is None:
        pending.position = first


def claim_sqlite(cursor: Any, positions: Any, kwargs: dict[str, Any]) -> None:
    """Inside the recorder's insert transaction (SQLite): store the key with these events."""
    pending = _to_claim(positions, kwargs)
    if pending is None:
        return
    cursor.execute(
        "INSERT OR IGNORE INTO idempotency_keys VALUES (?, ?, ?, NULL, NULL, ?, ?)",
        (
            pending.key,
            pending.request_hash,
            pending.owner,
            positions[0],
            datetime.now(UTC).isoformat(),
        ),
    )
    cursor.execute("SELECT owner FROM idempotency_keys WHERE key = ?", (pending.key,))
    row = cursor.fetchone()
    _owned(row[0] if row else None, pending, int(positions[0]))


def claim_postgres(cursor: Any, schema: str, positions: Any, kwargs: dict[str, Any]) -> None:
    """Inside the recorder's insert transaction (PostgreSQL): store the key with these events."""
    from psycopg.sql import SQL, Identifier

    pending = _to_claim(positions, kwargs)
    if pending is None:
        return
    table = Identifier(schema, "idempotency_keys")
    cursor.execute(
        SQL("INSERT INTO {} VALUES (%s, %s, %s, NULL, NULL, %s, %s) ON CONFLICT DO NOTHING").format(
            table
        ),
        (
            pending.key,
            pending.request_hash,
            pending.owner,
            positions[0],
            datetime.now(UTC).isoformat(),
        ),
    )
    with reading(cursor) as read:
        read.execute(SQL("SELECT owner FROM {} WHERE key = %s").format(table), (pending.key,))
        row = read.fetchone()
    _owned(row["owner"] if row else None, pending, int(positions[0]))


class KeyStore:
    """The keys of one event store, read and finished outside the events' transactions."""

    def __init__(self, recorder: Any) -> None:
        self.datastore = recorder.datastore
        # A PostgreSQL datastore exists only once its module is loaded: no need to load it here.
        postgres = sys.modules.get("eventsourcing.postgres")
        self.postgres = postgres is not None and isinstance(
            self.datastore, postgres.PostgresDatastore
        )

    def _q(self, statement: str) -> str | Composed:
        if not self.postgres:
            return statement
        from psycopg.sql import SQL, Identifier

        table = Identifier(self.datastore.schema, "idempotency_keys")
        return SQL(statement.replace("?", "%s").replace("idempotency_keys", "{t}")).format(t=table)

    def lookup(self, key: str) -> Stored | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                self._q(
                    "SELECT request_hash, status, response, position FROM idempotency_keys "
                    "WHERE key = ?"
                ),
                (key,),
            )
            row = c.fetchone()
        if row is None:
            return None
        values = list(row.values()) if isinstance(row, dict) else list(row)
        return Stored(values[0], values[1], values[2], values[3])

    def finish(self, pending: Pending, status: int, response: str) -> None:
        """Store the answer: beside the events' key row, or (no events) as a row of its own."""
        now = datetime.now(UTC).isoformat()
        with self.datastore.transaction(commit=True) as c:
            if pending.position is not None:
                c.execute(
                    self._q(
                        "UPDATE idempotency_keys SET status = ?, response = ? "
                        "WHERE key = ? AND owner = ?"
                    ),
                    (status, response, pending.key, pending.owner),
                )
                return
            insert = (
                "INSERT INTO idempotency_keys VALUES (?, ?, ?, ?, ?, NULL, ?) "
                "ON CONFLICT DO NOTHING"
                if self.postgres
                else "INSERT OR IGNORE INTO idempotency_keys VALUES (?, ?, ?, ?, ?, NULL, ?)"
            )
            c.execute(
                self._q(insert),
                (pending.key, pending.request_hash, pending.owner, status, response, now),
            )


def replay(stored: Stored, digest: str, key: str) -> tuple[int, str]:
    """The stored answer for a retry, or why the key cannot answer this request."""
    if stored.request_hash != digest:
        raise IdempotencyKeyReusedError(
            f"{HEADER} {key} was used for a different request; use a new key for a new request"
        )
    if stored.status is None or stored.response is None:
        raise IdempotencyKeyInDoubtError(
            f"the request with {HEADER} {key} was recorded (log position {stored.position}) "
            "but its answer was lost; look at the log before acting again"
        )
    return stored.status, stored.response


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
