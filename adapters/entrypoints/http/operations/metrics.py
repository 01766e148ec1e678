"""What `serve` has done, counted as it happens: commands, refusals, request durations.

Each app has its own registry (not prometheus_client's global one): a process that builds
several apps, as the tests do, counts each apart. Routes are labelled by their template
(`/api/consultations/{consultation_id}/ballots`), never the raw path: ids would make a series
per consultation, and a scan of unknown paths one per path.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.config.operations import OpsSettings
from adapters.entrypoints.http.context import current_actor
from domain.actor import Role
from domain.errors import NotAllowedError

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UNMATCHED = "<unmatched>"  # every path no route knows, as one series
# The refusal kinds of the domain (DomainError.kind), and the same words for what the web
# layer refuses before the domain is asked.
KIND_OF_STATUS = {
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "invalid",
    409: "conflict",
    413: "invalid",
    422: "invalid",
    429: "too_many",
}
# Requests take milliseconds; a rebuild or a slow disk, seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self, settings: OpsSettings) -> None:
        self.settings = settings
        self.registry = CollectorRegistry(auto_describe=False)
        self.commands = Counter(
            "akkoord_commands",
            "State-changing requests that succeeded, by method and route",
            ["method", "route"],
            registry=self.registry,
        )
        self.refusals = Counter(
            "akkoord_refusals",
            "Requests refused (API and dashboard), by kind and stable error code",
            ["kind", "code"],
            registry=self.registry,
        )
        self.durations = Histogram(
            "akkoord_request_duration_seconds",
            "Time from request to the end of the response, by method and route",
            ["method", "route"],
            buckets=BUCKETS,
            registry=self.registry,
        )


def note_refusal(scope: Scope, status: int, code: str, kind: str | None = None) -> None:
    """Count a refusal where it is logged; the request then counts as no command either."""
    scope.setdefault("state", {})["refused"] = True
    metrics: Metrics | None = getattr(getattr(scope.get("app"), "state", None), "metrics", None)
    if metrics is not None:
        metrics.refusals.labels(kind or KIND_OF_STATUS.get(status, "refused"), code).inc()


def route_template(scope: Scope) -> str:
    """The path with each path parameter put back as `{name}`.

    Rebuilt from the parameters rather than read from the route: a route of an included
    router knows only its part of the path, and how FastAPI nests them is its own affair.
    """
    if scope.get("endpoint") is None:
        return UNMATCHED
    if scope.get("route") is None:  # a mounted app (/static): the file is the rest of the path
        return f"{scope.get('root_path', '')}/{{path}}"
    named = {str(v): "{" + k + "}" for k, v in dict(scope.get("path_params", {})).items()}
    path = str(scope.get("path", ""))
    return "/".join(named.get(segment, segment) for segment in path.split("/"))


class Measure:
    """Times every request and counts the commands that went through."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises past every handler

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            method = str(scope.get("method", ""))
            route = route_template(scope)
            self.metrics.durations.labels(method, route).observe(time.perf_counter() - started)
            refused = scope.get("state", {}).get("refused", False)
            if method in UNSAFE_METHODS and status < 400 and not refused:
                self.metrics.commands.labels(method, route).inc()


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """The Prometheus text format; for officers and auditors unless opened to a scraper."""
    found: Metrics = request.app.state.metrics
    if not found.settings.metrics_open:
        actor = current_actor(request)
        if actor.role not in (Role.OFFICER, Role.AUDITOR):
            raise NotAllowedError("the metrics are for officers and auditors")
    return Response(generate_latest(found.registry), media_type=CONTENT_TYPE_LATEST)


def metrics_of(app: Any) -> Metrics:
    found: Metrics = app.state.metrics
    return found
