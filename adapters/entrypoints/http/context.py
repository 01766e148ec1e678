"""What every request reaches: the engine, the tokens and sessions, and who is asking.

The API knows only bearer tokens. The dashboard also knows its session cookie, which holds a
random session id, never a token (adapters/auth/sessions.py). `ActorDep` and `ServerDep` are
what a route declares to get them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from adapters.auth.sessions import Session, SessionStore
from adapters.auth.tokens import Scope, TokenStore
from adapters.bootstrap import Engine
from adapters.config.settings import WebSettings
from domain.actor import Actor

R = TypeVar("R")
COOKIE = "akkoord_session"
LOGIN_COOKIE = "akkoord_login_csrf"  # the login form's CSRF token, before there is a session


class UnauthenticatedError(Exception):
    """No token, or one that is unknown or revoked."""


@dataclass
class Server:
    engine: Engine
    tokens: TokenStore
    sessions: SessionStore
    web: WebSettings
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    def act(self, command: Callable[[Engine], R]) -> R:
        """One write at a time through the one engine; workflows and read models follow it."""
        with self.write_lock:
            result = command(self.engine)
            self.engine.catch_up()
            return result

    def read(self) -> Engine:
        with self.write_lock:
            self.engine.catch_up()
        return self.engine


def server(request: Request) -> Server:
    found: Server = request.app.state.server
    return found


def token_from(request: Request) -> str:
    """The bearer token of the Authorization header; cookies never carry one."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return ""


class OutOfScopeError(Exception):
    """A sign-in link's token or session asked for something beyond its one consultation
    (answered 403 by adapters/entrypoints/http/invitations.py)."""


def _known(request: Request, actor: Actor, name: str, scope: Scope | None = None) -> Actor:
    request.state.actor = str(actor)
    request.state.holder = name
    if scope is not None and not scope.allows(request.url.path):
        raise OutOfScopeError(
            f"this sign-in link is for consultation {scope.consultation} only; "
            "sign in with your own token for anything else"
        )
    return actor


def current_actor(request: Request) -> Actor:
    """The API's caller: by bearer token only."""
    token = token_from(request)
    found = server(request).tokens.authenticate(token) if token else None
    if found is None:
        raise UnauthenticatedError("a valid bearer token is required")
    return _known(request, *found)


def dashboard_actor(request: Request) -> Actor | None:
    """The dashboard's caller: a bearer token, else the session of the cookie; None if neither.

    `request.state.session` is set only for a cookie session, the one kind a browser sends
    by itself, so the one that needs the CSRF and origin checks.
    """
    request.state.session = None
    if token_from(request):
        try:
            return current_actor(request)
        except UnauthenticatedError:
            return None
    session_id = request.cookies.get(COOKIE, "")
    found = server(request).sessions.find(session_id) if session_id else None
    if found is None:
        return None
    request.state.session = found
    return _known(request, found.actor, found.name, found.scope)


def session_of(request: Request) -> Session | None:
    found: Session | None = getattr(request.state, "session", None)
    return found


# What a route declares to be told who asks and to reach the engine (FastAPI's Annotated deps).
ActorDep = Annotated[Actor, Depends(current_actor)]


async def _server(request: Request) -> Server:
    # On the event loop: FastAPI runs a plain `def` dependency in its thread pool, a hop of
    # its own on every request for an attribute read.
    return server(request)


ServerDep = Annotated[Server, Depends(_server)]
