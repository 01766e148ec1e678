"""Every POST of the API under an `Idempotency-Key`: a retry gets the original answer.

The route class wraps each POST route's handler: a request with a key already answered gets the
stored status and body (header `Idempotent-Replayed: true`) and runs nothing; the same key with
another request (method, path, caller or body differ) is a 422; otherwise the route runs with the
key pending, so the recorder stores it with the events it causes (see `adapters.audit.idempotency`).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.dependencies.utils import get_dependant
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from adapters.audit.idempotency import (
    HEADER,
    MAX_KEY,
    PATTERN,
    PENDING,
    KeyStore,
    Pending,
    check_key,
    replay,
    request_hash,
)
from adapters.entrypoints.http.context import server, token_from
from adapters.entrypoints.http.documented import error_responses


def _has_parameters(endpoint: Callable[..., Any]) -> bool:
    """Whether the endpoint reads anything from the request (path, query, header or body)
    besides the server and the caller, which every route has."""
    dependant = get_dependant(path="", call=endpoint)
    return bool(dependant.path_params or dependant.query_params or dependant.body_params)


Handler = Callable[[Request], Coroutine[Any, Any, Response]]

# Two requests with one key on this node run one after the other (across nodes the key's
# primary key decides); the locks go away with their last user.
_LOCKS: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


async def idempotency_header(  # async: nothing to wait for, so no thread-pool hop
    key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            pattern=PATTERN,
            max_length=MAX_KEY,
            description="Any unique value per intended change (e.g. a UUID): a retry with the "
            "same key gets the original answer and writes nothing.",
        ),
    ] = None,
) -> None:
    """Documents the header (the route class does the work, before the body is parsed)."""


class IdempotentRoute(APIRoute):
    """The API's routes: every POST takes an Idempotency-Key; every route documents the
    refusals it can give (see `documented`)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = set(kwargs.get("methods") or ())
        if "POST" in methods:
            kwargs["dependencies"] = [
                *(kwargs.get("dependencies") or []),
                Depends(idempotency_header),
            ]
        has_parameters = "POST" in methods or _has_parameters(endpoint)
        kwargs["responses"] = {
            **error_responses(methods, path, has_parameters),
            **(kwargs.get("responses") or {}),
        }
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        if "POST" not in (self.methods or set()):
            return handler

        async def keyed(request: Request) -> Response:
            key = request.headers.get(HEADER)
            if key is None:
                return await handler(request)
            check_key(key)
            s = server(request)
            token = token_from(request)
            # In the pool: a database read on the event loop would stall every request (and
            # the health checks) while the database is slow or away.
            found = await run_in_threadpool(s.tokens.authenticate, token) if token else None
            if found is None:
                return await handler(request)  # refused as unauthenticated, keyed or not
            digest = request_hash(
                request.method, request.url.path, str(found[0]), await request.body()
            )
            store = KeyStore(s.engine.app.recorder)
            lock = _LOCKS.setdefault(key, asyncio.Lock())
            async with lock:
                stored = await run_in_threadpool(store.lookup, key)
                if stored is not None:
                    status, body = replay(stored, digest, key)
                    return Response(
                        body,
                        status_code=status,
                        media_type="application/json",
                        headers={"Idempotent-Replayed": "true"},
                    )
                pending = Pending(key, digest)
                reset = PENDING.set(pending)
                try:
                    response = await handler(request)
                finally:
                    PENDING.reset(reset)
                if pending.position is not None or response.status_code < 300:
                    body = bytes(response.body).decode("utf-8")
                    await run_in_threadpool(store.finish, pending, response.status_code, body)
                return response

        return keyed
