"""Health for load balancers: `/healthz` says the process answers (no database), `/readyz` that
this node can serve (the store answers at its version, the read models keep up with the log);
both without a token, JSON only, 200 or 503 with the reason."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from adapters.audit.chain import STORE_VERSION
from adapters.config.settings import Settings
from adapters.entrypoints.http.app import create_app
from adapters.store import backend_for
from adapters.store.postgres import EVENTS_TABLE, PostgresBackend
from domain.errors import InvalidInputError
from tests.http.support import Api, issue_tokens, seed_story, store_path

BOUND = 5  # AKKOORD_READY_MAX_LAG for these tests: a handful of events


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = store_path(Path(tmp_path_factory.mktemp("health")))
    tokens = issue_tokens(settings)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AKKOORD_READY_MAX_LAG", str(BOUND))
        app = create_app(settings, scheduler=False)
    with TestClient(app) as client:
        api = Api(client, tokens, settings)
        seed_story(api)
        yield api


def _execute(settings: Settings, statement: str) -> None:
    """A statement on the store from outside the server, like an operator's console."""
    backend = backend_for(settings)
    if isinstance(backend, PostgresBackend):
        with psycopg.connect(backend.target.conninfo(), autocommit=True) as conn:
            conn.execute(f'SET search_path TO "{backend.target.schema}"')
            conn.execute(sql.SQL(statement))  # type: ignore[arg-type]
        return
    with sqlite3.connect(settings.events_path) as db:
        db.execute(statement)


def events_table(settings: Settings) -> str:
    backend = backend_for(settings)
    return EVENTS_TABLE if isinstance(backend, PostgresBackend) else "stored_events"


@contextmanager
def renamed(settings: Settings, table: str) -> Iterator[None]:
    """The store's table gone from under the running server, and back afterwards."""
    _execute(settings, f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        yield
    finally:
        _execute(settings, f"ALTER TABLE {table}_away RENAME TO {table}")


def test_a_malformed_lag_bound_is_refused_in_one_line(api: Api) -> None:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AKKOORD_READY_MAX_LAG", "lots")
        with pytest.raises(InvalidInputError, match="AKKOORD_READY_MAX_LAG must be a whole number"):
            create_app(api.settings, scheduler=False)


def test_healthz_answers_without_token_and_without_the_database(api: Api) -> None:
    response = api.client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "ok"}
    with renamed(api.settings, events_table(api.settings)):
        assert api.client.get("/healthz").json() == {"status": "ok"}


def test_readyz_is_ok_on_a_current_store(api: Api) -> None:
    response = api.client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok"}


def test_readyz_is_unavailable_when_the_events_are_gone(api: Api) -> None:
    with renamed(api.settings, events_table(api.settings)):
        response = api.client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["reason"].startswith("database: "), body
        assert events_table(api.settings) in body["reason"]
    assert api.client.get("/readyz").status_code == 200


def test_readyz_is_unavailable_on_a_store_of_another_version(api: Api) -> None:
    newer = STORE_VERSION + 1
    _execute(api.settings, f"UPDATE akkoord_meta SET value = '{newer}' WHERE key = 'store_version'")
    try:
        response = api.client.get("/readyz")
    finally:
        _execute(
            api.settings,
            f"UPDATE akkoord_meta SET value = '{STORE_VERSION}' WHERE key = 'store_version'",
        )
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": f"store version {newer}, this akkoord expects {STORE_VERSION}",
    }
    assert api.client.get("/readyz").status_code == 200


def test_readyz_is_unavailable_while_a_read_model_lags_behind(api: Api) -> None:
    engine = api.client.app.state.server.engine  # type: ignore[attr-defined]
    timeline = next(p for p in engine.projectors if p.projection.name == "timeline")
    timeline.reset(engine.writing)  # as a rebuild of that one read model starts
    head = engine.app.head()
    assert head > BOUND
    response = api.client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": f"read model timeline is {head} events behind the log (at most {BOUND})",
    }
    api.ok("officer", "GET", "/api/deadlines")  # a read catches the read models up
    assert api.client.get("/readyz").json() == {"status": "ok"}
