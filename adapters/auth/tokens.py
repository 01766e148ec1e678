"""API tokens: bearer secrets bound to an actor and a role. Only a hash of each is stored.

Tokens are credentials, not governance decisions, so they live beside the event log (in
`auth.sqlite`, or a table of the PostgreSQL store), not in it; issuing and revoking still
record who did it, when, and why.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Engine, MetaData, String, Table, delete, insert, select, update

from adapters.store import backend_for
from domain.actor import Actor, Role
from domain.errors import InvalidInputError, NotFoundError

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
)
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


def token_tables(engine: Engine) -> None:
    metadata.create_all(engine)


class TokenStore:
    def __init__(self, settings: Settings) -> None:
        self.engine = backend_for(settings).tokens_engine(token_tables)
        self._own_engine = settings.database_url is None  # on PostgreSQL it is the store's

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
        token = PREFIX + secrets.token_urlsafe(32)
        token_id = secrets.token_hex(4)
        with self.engine.begin() as conn:
            conn.execute(
                insert(tokens).values(
                    token_id=token_id,
                    digest=_digest(token),
                    actor=str(actor),
                    name=name.strip(),
                    issued_by=str(issued_by),
                    issued_at=datetime.now(UTC).isoformat(),
                    reason=reason.strip() or "issued",
                    revoked_at=None,
                    revoked_by=None,
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

    def authenticate(self, token: str) -> tuple[Actor, str] | None:
        """The token's actor and holder name, or None for an unknown or revoked token."""
        if not token.startswith(PREFIX):
            return None
        wanted = _digest(token)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(tokens.c.digest, tokens.c.actor, tokens.c.name).where(
                    tokens.c.digest == wanted, tokens.c.revoked_at.is_(None)
                )
            ).first()
        if row is None or not hmac.compare_digest(row.digest, wanted):
            return None
        return Actor.parse(row.actor), row.name
