"""The FastAPI application: JSON API, dashboard, and the deadline scheduler inside."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from adapters import logs
from adapters.bootstrap import build
from adapters.http import api, dashboard, errors
from adapters.http.context import Server
from adapters.scheduler import DeadlineScheduler
from adapters.settings import Settings
from adapters.tokens import TokenStore


def create_app(settings: Settings, *, scheduler: bool = True) -> FastAPI:
    """An app on the store in `settings`; with `scheduler`, deadlines fire inside it too."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # On PostgreSQL a node never creates tables (`akkoord db init` does, once).
        engine = build(settings, create=settings.database_url is None)
        logs.configure(settings.log_path)
        tokens = TokenStore(settings)
        app.state.server = Server(engine=engine, tokens=tokens)
        timer = None
        if scheduler:
            timer = DeadlineScheduler(
                engine,
                settings.backend.leadership(),
                lock=app.state.server.write_lock,
            )
            timer.start()
        try:
            yield
        finally:
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

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="akkoord API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    errors.install(app)
    app.include_router(api.router)
    app.include_router(dashboard.router)
    static = str(files("adapters.http").joinpath("static"))
    app.mount("/static", StaticFiles(directory=static), name="static")
    return app
