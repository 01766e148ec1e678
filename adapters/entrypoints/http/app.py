"""The FastAPI application: JSON API, dashboard, and the deadline scheduler inside."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from adapters.auth.sessions import SessionStore
from adapters.auth.tokens import TokenStore
from adapters.bootstrap import build
from adapters.config import logs
from adapters.config.operations import OpsSettings  # operations
from adapters.config.settings import Settings, WebSettings
from adapters.entrypoints.http import api, dashboard, errors, invitations
from adapters.entrypoints.http.context import Server
from adapters.entrypoints.http.mail_page import router as mail_page_router
from adapters.entrypoints.http.operations.install import Figures  # operations
from adapters.entrypoints.http.operations.install import install as install_operations
from adapters.entrypoints.http.operations.metrics import note_refusal
from adapters.entrypoints.http.security import (
    BodyLimit,
    LoginLimiter,
    RefusedError,
    SecurityHeaders,
    refusal_body,
)
from adapters.entrypoints.scheduler import DeadlineScheduler
from adapters.mail.sending import MailLoop, mail_settings
from adapters.store import backend_for
from domain.errors import InvalidInputError

# Swagger UI from vendored assets, started by a static script: no inline script under the CSP.
DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>akkoord API</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/swagger/init.js"></script>
</body>
</html>
"""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: Settings,
    *,
    scheduler: bool = True,
    web: WebSettings | None = None,
    now: Callable[[], datetime] = _utc_now,
) -> FastAPI:
    """An app on the store in `settings`; with `scheduler`, deadlines fire inside it too.

    `web` overrides the web settings of the environment; `now` is the sessions' clock.
    """
    try:
        web = web or settings.web
    except ValueError as e:
        raise InvalidInputError(str(e)) from None
    mail = mail_settings()  # mail: a malformed AKKOORD_SMTP_URL stops `serve` in one line
    try:  # operations: a malformed AKKOORD_READY_MAX_LAG stops `serve` in one line
        ops = OpsSettings.from_env()
    except ValueError as e:
        raise InvalidInputError(str(e)) from None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # On PostgreSQL a node never creates tables (`akkoord db init` does, once).
        engine = build(settings, create=settings.database_url is None)
        logs.configure(settings.log_path)
        tokens = TokenStore(settings)
        sessions = SessionStore(
            tokens.engine,
            idle=timedelta(seconds=web.session_idle_seconds),
            absolute=timedelta(seconds=web.session_absolute_seconds),
            now=now,
        )
        app.state.server = Server(engine=engine, tokens=tokens, sessions=sessions, web=web)
        timer = None
        if scheduler:
            timer = DeadlineScheduler(
                engine,
                backend_for(settings).leadership(),
                lock=app.state.server.write_lock,
            )
            timer.start()
        # operations: /metrics' gauges. Before the mail loop: its thread and this both make
        # the outbox's tables on a new store, and two at once collide.
        figures = Figures(app, settings, mail, engine, timer)
        # --- mail: where deadlines fire, the outbox is filled and (with SMTP) sent too ---
        mailing = MailLoop(settings, mail) if scheduler else None
        if mailing is not None:
            mailing.start()
        # --- end mail ---
        try:
            yield
        finally:
            figures.close()  # operations
            if mailing is not None:  # mail
                mailing.stop()
            if timer is not None:
                timer.stop()
            tokens.close()
            engine.close()

    app = FastAPI(
        title="akkoord",
        version="0.1.0",
        description="Governance workflows of the VNG around the care agreements: every command "
        "and query, behind bearer tokens (`akkoord tokens issue`).",
        lifespan=lifespan,
        docs_url=None,  # served below from vendored assets: no CDN, no outside network
        redoc_url=None,
    )

    app.state.login_limiter = LoginLimiter(web.login_attempts_per_minute)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    errors.install(app)

    @app.exception_handler(RefusedError)
    async def refused(request: Request, exc: RefusedError) -> Response:
        logs.logger(
            actor=getattr(request.state, "actor", None),
            method=request.method,
            path=request.url.path,
        ).warning("refused", status=exc.status, code=exc.code, reason=str(exc))
        note_refusal(request.scope, exc.status, exc.code)  # operations: /metrics counts it
        if request.url.path.startswith("/api/"):
            return JSONResponse(refusal_body(exc), status_code=exc.status, headers=exc.headers)
        shown = dashboard.page(request, "error.html", actor=None, error=str(exc))
        shown.status_code = exc.status
        shown.headers.update(exc.headers)
        return shown

    # The last added runs first: the body is bounded before anything else reads it.
    app.add_middleware(BodyLimit, limit=web.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    install_operations(app, ops)  # /healthz, /readyz, /metrics, and request timing
    app.include_router(api.router)
    app.include_router(dashboard.router)
    app.include_router(mail_page_router)  # /mail: the outbox for officers and auditors
    invitations.install(app)  # sign-in links (/stem/...), the remind button, links' scope
    static = str(files("adapters.entrypoints.http").joinpath("static"))
    app.mount("/static", StaticFiles(directory=static), name="static")
    return app
