"""What every request reaches: the engine, the tokens, and who is asking."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from fastapi import Request

from adapters.bootstrap import Engine
from adapters.tokens import TokenStore
from domain.actor import Actor

R = TypeVar("R")
COOKIE = "akkoord_token"


class UnauthenticatedError(Exception):
    """No token, or one that is unknown or revoked."""


@dataclass
class Server:
    engine: Engine
    tokens: TokenStore
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
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(COOKIE, "")


def current_actor(request: Request) -> Actor:
    token = token_from(request)
    found = server(request).tokens.authenticate(token) if token else None
    if found is None:
        raise UnauthenticatedError("a valid bearer token is required")
    actor, name = found
    request.state.actor = str(actor)
    request.state.holder = name
    return actor
