"""API tokens: bearer secrets bound to an actor and a role. Only a hash of each is stored.

Tokens are credentials, not governance decisions, so they live beside the event log (in
`auth.sqlite`, or a table of the PostgreSQL store), not in it; issuing and revoking still
record who did it, when, and why.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from sqlalchemy import (
    Column,
    Engine,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import OperationalError

from adapters.store import backend_for
from domain.actor import Actor, Role
from domain.errors import InvalidInputError, NotFoundError, UnknownMemberError

if TYPE_CHECKING:
    from adapters.config.settings import Settings

PREFIX = "akk_"
metadata = MetaData()
tokens = Table(
    "tokens",
    metadata,
    Column("token_id", String(16), primary_key=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("actor", String(80), nullable=False),
    Column("name", String(120), nullable=False),
    Column("issued_by", String(80), nullable=False),
    Column("issued_at", String(40), nullable=False),
    Column("reason", String(400), nullable=False),
    Column("revoked_at", String(40)),
    Column("revoked_by", String(80)),
    # A personal sign-in link's token: good for one consultation only, until its deadline.
    # Added later: `scoped_columns` adds them to a table made before.
    Column("consultation", String(36)),
    Column("expires_at", String(40)),
)
SCOPED_COLUMNS = {"consultation": "VARCHAR(36)", "expires_at": "VARCHAR(40)"}
# Dashboard sessions (adapters/sessions.py): the cookie holds a random id, this table its hash.
# The actor comes from the token the session was opened with, so revoking the token ends them.
sessions = Table(
    "sessions",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("token_id", String(16), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("last_seen", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
)


# Built once: every API request authenticates, and building the statement anew was about a
# fifth of the lookup's time.
_LIVE_TOKEN = select(
    tokens.c.digest, tokens.c.actor, tokens.c.name, tokens.c.consultation, tokens.c.expires_at
).where(tokens.c.digest == bindparam("digest"), tokens.c.revoked_at.is_(None))


class UnknownTokenError(NotFoundError):
    code = "unknown_token"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_actor(role: str, name: str) -> Actor:
    """`officer` + `j.devries` is officer:j.devries; `secretary:GM0090` names its municipality."""
    base = role.strip()
    if ":" in base:
        return Actor.parse(base)
    actor = Actor.parse(f"{base}:{name.strip()}")
    if actor.role is Role.SYSTEM:
        raise InvalidInputError("no token acts as the system")
    return actor


@dataclass(frozen=True)
class Issued:
    token_id: str
    token: str
    actor: Actor


@dataclass(frozen=True)
class Scope:
    """What a sign-in link's token may reach: one consultation, until `expires_at`."""

    consultation: UUID
    expires_at: datetime

    def allows(self, path: str) -> bool:
        """The consultation's own pages and API (its ballot, tally, receipt), and logging out;
        nothing else, so a link forwarded by mistake opens one ballot and no more."""
        if path == "/logout":
            return True
        own = f"/consultations/{self.consultation}"
        return any(path == base or path.startswith(base + "/") for base in (own, "/api" + own))


class Holder(NamedTuple):
    """Who a token speaks for; `scope` only for a sign-in link's token."""

    actor: Actor
    name: str
    scope: Scope | None = None


def scope_of(consultation: str | None, expires_at: str | None) -> Scope | None:
    if not consultation or not expires_at:
        return None
    return Scope(UUID(consultation), datetime.fromisoformat(expires_at))


def expired(expires_at: str | None, now: datetime) -> bool:
    return expires_at is not None and now >= datetime.fromisoformat(expires_at)


def scoped_columns(engine: Engine) -> None:
    """Add the sign-in links' columns to a tokens table made before they existed."""
    with engine.connect() as conn:
        schema = (conn.get_execution_options().get("schema_translate_map") or {}).get(None)
        present = {c["name"] for c in inspect(conn).get_columns("tokens", schema=schema)}
    missing = {k: v for k, v in SCOPED_COLUMNS.items() if k not in present}
    if not missing:
        return
    table = f'"{schema}".tokens' if schema else "tokens"
    exists = " IF NOT EXISTS" if engine.dialect.name == "postgresql" else ""
    for column, kind in missing.items():
        try:
            with engine.begin() as conn:
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN{exists} {column} {kind}"))
        except OperationalError as e:  # SQLite: another process added it a moment ago
            if "duplicate column" not in str(e):
                raise


def token_tables(engine: Engine) -> None:
    metadata.create_all(engine)


class TokenStore:
    def __init__(self, settings: Settings) -> None:
        self.engine = backend_for(settings).tokens_engine(token_tables)
        self._own_engine = settings.database_url is None  # on PostgreSQL it is the store's
        scoped_columns(self.engine)

    def close(self) -> None:
        if self._own_engine:
            self.engine.dispose()

    def issue(self, *, role: str, name: str, issued_by: Actor, reason: str) -> Issued:
        issued_by.require(Role.OFFICER, doing="issue tokens")
        if not name.strip():
            raise InvalidInputError("give the token holder's name: --name")
        actor = token_actor(role, name)
        if actor.role is Role.SYSTEM:
            raise InvalidInputError("no token acts as the system")
        return self._insert(actor, name.strip(), issued_by, reason.strip() or "issued")

    def issue_link(
        self,
        member: str,
        consultation_id: UUID,
        expires_at: datetime,
        issued_by: Actor,
        reason: str,
        *,
        known: Collection[str] | None = None,
    ) -> Issued:
        """A personal sign-in link's token: the secretary of `member`, for one consultation,
        until `expires_at` (its deadline). `known`, when given, are the members that exist."""
        issued_by.require(Role.OFFICER, Role.SYSTEM, doing="issue sign-in links")
        actor = Actor.parse(f"secretary:{member.strip().upper()}")
        if known is not None and actor.identity not in known:
            raise UnknownMemberError(f"unknown member {actor.identity}: no sign-in link for it")
        if expires_at.tzinfo is None:
            raise InvalidInputError("a sign-in link expires at a time with a time zone")
        if expires_at <= datetime.now(UTC):
            raise InvalidInputError(
                f"a sign-in link expiring at {expires_at.isoformat()} would never work"
            )
        return self._insert(
            actor,
            f"sign-in link {actor.identity}",
            issued_by,
            reason.strip() or "sign-in link",
            consultation=str(consultation_id),
            expires_at=expires_at.astimezone(UTC).isoformat(),
        )

    def _insert(
        self,
        actor: Actor,
        name: str,
        issued_by: Actor,
        reason: str,
        *,
        consultation: str | None = None,
        expires_at: str | None = None,
    ) -> Issued:
        """A new token's row (only its hash); the secret is returned once, never stored."""
        token = PREFIX + secrets.token_urlsafe(32)
        token_id = secrets.token_hex(4)
        with self.engine.begin() as conn:
            conn.execute(
                insert(tokens).values(
                    token_id=token_id,
                    digest=_digest(token),
                    actor=str(actor),
                    name=name,
                    issued_by=str(issued_by),
                    issued_at=datetime.now(UTC).isoformat(),
                    reason=reason,
                    revoked_at=None,
                    revoked_by=None,
                    consultation=consultation,
                    expires_at=expires_at,
                )
            )
        return Issued(token_id, token, actor)

    def revoke(self, token_id: str, *, revoked_by: Actor) -> None:
        revoked_by.require(Role.OFFICER, doing="revoke tokens")
        with self.engine.begin() as conn:
            done = conn.execute(
                update(tokens)
                .where(tokens.c.token_id == token_id, tokens.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC).isoformat(), revoked_by=str(revoked_by))
            )
            if done.rowcount:
                conn.execute(delete(sessions).where(sessions.c.token_id == token_id))
        if done.rowcount == 0:
            raise UnknownTokenError(f"no active token {token_id!r}")

    def list(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(tokens).order_by(tokens.c.issued_at)).mappings().all()
        return [{k: v for k, v in r.items() if k != "digest"} for r in rows]

    def authenticate(self, token: str) -> Holder | None:
        """The token's actor, holder name and scope, or None for an unknown, revoked or
        expired token."""
        if not token.startswith(PREFIX):
            return None
        wanted = _digest(token)
        with self.engine.connect() as conn:
            row = conn.execute(_LIVE_TOKEN, {"digest": wanted}).first()
        if row is None or not hmac.compare_digest(row.digest, wanted):
            return None
        if expired(row.expires_at, datetime.now(UTC)):
            return None
        return Holder(Actor.parse(row.actor), row.name, scope_of(row.consultation, row.expires_at))
