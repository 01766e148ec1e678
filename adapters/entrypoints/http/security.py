"""What guards every request before it reaches a route: a bounded body, security headers,
the same-origin rule for what a browser sends by itself, and a bounded rate of logins."""

from __future__ import annotations

import math
import time
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.config import logs
from adapters.config.settings import WebSettings
from adapters.entrypoints.http.errors import error_body
from adapters.entrypoints.http.operations.metrics import note_refusal

# No inline script or style anywhere on our pages: what the page runs comes from /static.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
# Swagger UI (vendored) writes style attributes from its script; its own init is a static file.
DOCS_CSP = PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RefusedError(Exception):
    """A request turned away before any route ran: answered as JSON on /api, a page elsewhere."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.headers = headers or {}


def _log_refusal(scope: Scope, status: int, code: str, reason: str) -> None:
    logs.logger(actor=None, method=scope.get("method"), path=scope.get("path")).warning(
        "refused", status=status, code=code, reason=reason
    )
    note_refusal(scope, status, code)  # operations: /metrics counts it


class SecurityHeaders:
    """CSP, nosniff, no framing, no referrer off the site: on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope.get("path") == "/docs" else PAGE_CSP

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (name.encode(), value.encode())
                    for name, value in {**HEADERS, "content-security-policy": csp}.items()
                    if name.encode() not in present
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


class _BodyTooLargeError(Exception):
    pass


class BodyLimit:
    """No request body larger than `limit` bytes is held: refused on its Content-Length, or
    the moment the bytes read pass the limit (chunked bodies), before any route or token check.

    Starlette's own `max_body_size` answers some of these cases in plain text; ours is always
    the API's JSON error, so this small middleware owns the limit.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        received = 0
        exceeded = False
        started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise _BodyTooLargeError
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise _BodyTooLargeError
            return message

        async def unless_exceeded(message: Message) -> None:
            nonlocal started
            # Whatever the route made of a cut-off body (FastAPI calls it unparsable), the
            # answer is the 413 below.
            if exceeded:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, unless_exceeded)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        message = f"the request body is larger than the limit of {self.limit} bytes"
        _log_refusal(scope, 413, "too_large", message)
        response = JSONResponse(
            error_body("too_large", message), status_code=413, headers={"Connection": "close"}
        )

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, no_body, send)


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.lower()
    default = {"http": ":80", "https": ":443"}.get(parts.scheme.lower(), "")
    if default and host.endswith(default):
        host = host.removesuffix(default)
    return f"{parts.scheme.lower()}://{host}"


def expected_origin(request: Request, web: WebSettings) -> str:
    if web.public_origin:
        return _origin_of(web.public_origin)
    return _origin_of(f"{request.url.scheme}://{request.url.netloc}")


def require_same_origin(request: Request, web: WebSettings) -> None:
    """A state-changing request a browser could send by itself must come from our own pages.

    SameSite=Strict is per site, and another port of the same host is the same site: only the
    origin (or, lacking it, the referer) tells our pages from a neighbour's.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        raise RefusedError(403, "cross_origin", f"a {fetch_site} request may not change anything")
    sent = request.headers.get("origin") or request.headers.get("referer")
    if not sent or sent == "null":
        raise RefusedError(
            403, "cross_origin", "a form must come from this site (no Origin header)"
        )
    ours = expected_origin(request, web)
    if _origin_of(sent) != ours:
        raise RefusedError(
            403, "cross_origin", f"a form from {_origin_of(sent)} may not act on {ours}"
        )


def secure_cookies(request: Request, web: WebSettings) -> bool:
    # Behind a TLS-terminating proxy the scheme is https only with AKKOORD_TRUST_PROXY
    # (uvicorn then honours X-Forwarded-Proto), or say so with AKKOORD_SECURE_COOKIES.
    return web.secure_cookies or request.url.scheme == "https"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class LoginLimiter:
    """At most `per_minute` login attempts per client address, in a moving window (in memory:
    per server process)."""

    def __init__(self, per_minute: int) -> None:
        self.item = RateLimitItemPerMinute(per_minute)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def attempt(self, client: str) -> None:
        if self.limiter.hit(self.item, "login", client):
            return
        reset_at, _ = self.limiter.get_window_stats(self.item, "login", client)
        wait = max(1, math.ceil(reset_at - time.time()))
        raise RefusedError(
            429,
            "too_many_attempts",
            f"too many login attempts; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )


def refusal_body(exc: RefusedError) -> dict[str, Any]:
    return error_body(exc.code, str(exc))
