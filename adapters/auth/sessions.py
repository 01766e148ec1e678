"""Dashboard sessions: logging in trades a bearer token for a random session id.

The browser keeps only the session id (in a cookie); the store keeps its SHA-256, the token it
was opened with, a CSRF token, and when it ends: after `idle` without a request, or `absolute`
after login, at logout, or when its token is revoked. Sessions are credentials, not events:
they live beside the tokens and never reach the event log.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update

from adapters.auth.tokens import PREFIX, Scope, expired, scope_of, sessions, tokens
from domain.actor import Actor

# Writing last_seen on every request (htmx polls every 5 s) would make each read a write.
TOUCH_EVERY = timedelta(seconds=60)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _stamp(moment: datetime) -> str:
    # A fixed width keeps the strings ordered like the instants (for the purge below).
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Session:
    actor: Actor
    name: str
    csrf: str
    scope: Scope | None = None  # opened with a sign-in link: one consultation, until its deadline


class SessionStore:
    def __init__(
        self,
        engine: Engine,
        *,
        idle: timedelta,
        absolute: timedelta,
        now: Callable[[], datetime] = _now,
    ) -> None:
        self.engine = engine
        self.idle = idle
        self.absolute = absolute
        self.now = now

    def open(self, token: str) -> tuple[str, Session] | None:
        """A new session for an active token: (the id for the cookie, the session), or None."""
        if not token.startswith(PREFIX):
            return None
        now = self.now()
        with self.engine.begin() as conn:
            row = conn.execute(
                select(
                    tokens.c.token_id,
                    tokens.c.actor,
                    tokens.c.name,
                    tokens.c.consultation,
                    tokens.c.expires_at,
                ).where(tokens.c.digest == _digest(token), tokens.c.revoked_at.is_(None))
            ).first()
            if row is None or expired(row.expires_at, now):
                return None
            scope = scope_of(row.consultation, row.expires_at)
            # A link's session ends with its link, at the deadline, whichever comes first.
            ends = now + self.absolute
            if scope is not None:
                ends = min(ends, scope.expires_at)
            conn.execute(delete(sessions).where(sessions.c.expires_at < _stamp(now)))
            session_id = secrets.token_urlsafe(32)
            csrf = secrets.token_urlsafe(32)
            conn.execute(
                insert(sessions).values(
                    digest=_digest(session_id),
                    token_id=row.token_id,
                    csrf=csrf,
                    created_at=_stamp(now),
                    last_seen=_stamp(now),
                    expires_at=_stamp(ends),
                )
            )
        return session_id, Session(Actor.parse(row.actor), row.name, csrf, scope)

    def find(self, session_id: str) -> Session | None:
        """The live session with this id (its idle clock restarted), or None."""
        if not session_id:
            return None
        wanted = _digest(session_id)
        now = self.now()
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    sessions.c.csrf,
                    sessions.c.last_seen,
                    sessions.c.expires_at,
                    tokens.c.actor,
                    tokens.c.name,
                    tokens.c.consultation,
                    tokens.c.expires_at.label("link_expires_at"),
                )
                .join(tokens, tokens.c.token_id == sessions.c.token_id)
                .where(sessions.c.digest == wanted, tokens.c.revoked_at.is_(None))
            ).first()
        if row is None:
            return None
        last_seen = datetime.fromisoformat(row.last_seen)
        if now >= datetime.fromisoformat(row.expires_at) or now - last_seen >= self.idle:
            self.close(session_id)
            return None
        if now - last_seen >= min(TOUCH_EVERY, self.idle / 4):
            with self.engine.begin() as conn:
                conn.execute(
                    update(sessions)
                    .where(sessions.c.digest == wanted)
                    .values(last_seen=_stamp(now))
                )
        return Session(
            Actor.parse(row.actor),
            row.name,
            row.csrf,
            scope_of(row.consultation, row.link_expires_at),
        )

    def close(self, session_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.digest == _digest(session_id)))
