"""Health and metrics on an app: `install` when it is made, `Figures` while it runs."""

from __future__ import annotations

from fastapi import FastAPI

from adapters.bootstrap import Engine
from adapters.config.operations import OpsSettings
from adapters.config.settings import MailSettings, Settings
from adapters.entrypoints.http.operations import health, metrics
from adapters.entrypoints.http.operations.figures import Leading, StoreFigures
from adapters.mail.outbox import Outbox


def install(app: FastAPI, settings: OpsSettings) -> None:
    """The routes, the counters and the timing middleware (outermost: a request refused by
    the body limit is timed and counted too)."""
    app.state.ops_settings = settings
    app.state.metrics = metrics.Metrics(settings)
    app.add_middleware(metrics.Measure, metrics=app.state.metrics)
    app.include_router(health.router)
    app.include_router(metrics.router)


class Figures:
    """The store's gauges for as long as the app runs (`close` at its end)."""

    def __init__(
        self,
        app: FastAPI,
        settings: Settings,
        mail: MailSettings,
        engine: Engine,
        scheduler: Leading | None,
    ) -> None:
        self.registry = metrics.metrics_of(app).registry
        self.outbox = Outbox(settings, mail)
        self.collector = StoreFigures(engine, self.outbox, scheduler)
        self.registry.register(self.collector)

    def close(self) -> None:
        self.registry.unregister(self.collector)
        self.outbox.close()
