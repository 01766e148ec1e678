"""Any database error behind a request is a JSON `503 storage_unavailable` with Retry-After, and
anything unexpected a JSON 500: never a plain-text `Internal Server Error`.

Here the token store (SQLite's `auth.sqlite`, read on every request) is held under an exclusive
lock by another connection: SQLAlchemy's OperationalError "database is locked" used to escape
as a bare 500. The PostgreSQL counterpart (a database restarting under load) is in
test_postgres_outage_under_load.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from adapters.bootstrap import build
from adapters.config.settings import Settings
from adapters.entrypoints.http.app import create_app
from adapters.entrypoints.http.errors import install
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from domain.actor import Actor, Role
from tests.http.support import bearer, issue_tokens


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        db.execute("ROLLBACK")
        db.close()


def storage_unavailable(response: object) -> dict[str, str]:
    assert getattr(response, "status_code", None) == 503, getattr(response, "text", response)
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-type"].startswith("application/json")
    assert int(headers["Retry-After"]) > 0
    error: dict[str, str] = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == "storage_unavailable" and "\n" not in error["message"]
    return error


@pytest.mark.sqlite_only("SQLite's file lock on the token store")
def test_a_locked_token_store_answers_json_503_with_retry_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The one SQLite lock wait (30 s unless set) holds for the token store too: 1 s here.
    monkeypatch.setenv("GOVERNANCE_SQLITE_LOCK_TIMEOUT", "1")
    settings = Settings(tmp_path / "store")
    with build(settings, create=True) as e:
        e.app.members.load_members(
            read_members_csv(shipped_members_path()), actor=Actor(Role.OFFICER, "t"), reason="CBS"
        )
        e.catch_up()
    tokens = issue_tokens(settings)
    app = create_app(settings, scheduler=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        officer = bearer(tokens["officer"])
        assert client.get("/api/members", headers=officer).status_code == 200
        with exclusive_lock(settings.auth_path):
            error = storage_unavailable(client.get("/api/members", headers=officer))
        assert "database is locked" in error["message"]
        assert client.get("/api/members", headers=officer).status_code == 200  # by itself


def test_an_unexpected_error_is_a_json_500_not_plain_text() -> None:
    app = FastAPI()
    install(app)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["code"] == "internal_error"
    assert "a bug" not in response.text  # the details are in the server's log, not the answer


def test_a_driver_error_outside_the_store_is_a_503_too() -> None:
    """sqlite3's own OperationalError (not wrapped by SQLAlchemy or the library)."""
    app = FastAPI()
    install(app)

    @app.get("/locked")
    def locked() -> None:
        raise sqlite3.OperationalError("database is locked")

    with TestClient(app, raise_server_exceptions=False) as client:
        storage_unavailable(client.get("/locked"))
