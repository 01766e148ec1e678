"""Errors as JSON with a stable code: domain refusals are 4xx, never a 200, never a 500."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
from eventsourcing.persistence import MapperDeserialisationError, PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException

from adapters.config import logs
from adapters.entrypoints.http.context import UnauthenticatedError
from adapters.entrypoints.http.operations.metrics import note_refusal
from domain.errors import DomainError

STATUS = {"invalid": 422, "not_found": 404, "conflict": 409, "forbidden": 403}
RETRY_AFTER_SECONDS = 5

# Every way the database says "not now": the event store (the library's PersistenceError), the
# read models and tokens (SQLAlchemy's DBAPIError wrapping psycopg's or sqlite3's), and the
# drivers' own errors where something talks to them directly.
STORAGE_ERRORS: tuple[type[Exception], ...] = (
    PersistenceError,
    DBAPIError,
    psycopg.OperationalError,
    sqlite3.OperationalError,
)


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": " ".join(message.split())}}


def _log_refusal(request: Request, status: int, code: str, message: str) -> None:
    logs.logger(
        actor=getattr(request.state, "actor", None), method=request.method, path=request.url.path
    ).warning("refused", status=status, code=code, reason=message)
    note_refusal(request.scope, status, code)  # operations: /metrics counts it


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        status = STATUS[exc.kind]
        _log_refusal(request, status, exc.code, str(exc))
        return JSONResponse(error_body(exc.code, str(exc)), status_code=status)

    async def storage_error(request: Request, exc: Exception) -> JSONResponse:
        # The database is away, restarting or locked: the request may be retried, and nothing
        # was written (a write is one transaction).
        reason = " ".join(str(exc).split()) or type(exc).__name__
        if isinstance(exc, DBAPIError) and exc.orig is not None:
            reason = " ".join(str(exc.orig).split()) or reason  # not SQLAlchemy's SQL dump
        logs.logger(method=request.method, path=request.url.path).error(
            "storage error", error=reason
        )
        return JSONResponse(
            error_body("storage_unavailable", f"storage unavailable: {reason}"),
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    for kind in STORAGE_ERRORS:
        app.add_exception_handler(kind, storage_error)

    @app.exception_handler(MapperDeserialisationError)
    async def damaged(request: Request, exc: MapperDeserialisationError) -> JSONResponse:
        logs.logger(method=request.method, path=request.url.path).error(
            "undecodable event", error=str(exc)
        )
        message = "a stored event cannot be read; run `akkoord audit verify`"
        return JSONResponse(error_body("damaged_store", message), status_code=500)

    @app.exception_handler(UnauthenticatedError)
    async def unauthenticated(request: Request, exc: UnauthenticatedError) -> JSONResponse:
        _log_refusal(request, 401, "unauthenticated", str(exc))
        return JSONResponse(
            error_body("unauthenticated", str(exc)),
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg"))
        _log_refusal(request, 422, "invalid_request", message)
        return JSONResponse(error_body("invalid_request", message), status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        # A body that cannot be decoded is bad input like any other: 422, not a bare 400.
        status = 422 if exc.status_code == 400 else exc.status_code
        code = {404: "not_found", 405: "method_not_allowed", 422: "invalid_request"}.get(
            status, "http_error"
        )
        _log_refusal(request, status, code, str(exc.detail))
        return JSONResponse(
            error_body(code, str(exc.detail)),
            status_code=status,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Never a plain-text 500: a client always gets the JSON error shape.
        if isinstance(exc, STORAGE_ERRORS):  # wrapped where the specific handler did not see it
            return await storage_error(request, exc)
        logs.logger(method=request.method, path=request.url.path).exception(
            "unexpected error", error=type(exc).__name__
        )
        return JSONResponse(
            error_body("internal_error", "an unexpected error; it is in the server's log"),
            status_code=500,
        )
