"""Safe retries: a POST with an Idempotency-Key, sent again, gets the original answer and writes
nothing, also after a restart; the key is stored with the events it caused.

Real app, real store (SQLite files, or PostgreSQL when the suite runs against it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.audit.idempotency import KeyStore
from adapters.config.settings import Settings
from adapters.entrypoints.http.app import create_app
from tests.http.support import (
    Api,
    bearer,
    consultation_body,
    issue_tokens,
    seed_story,
    store_path,
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return store_path(tmp_path)


@pytest.fixture
def tokens(settings: Settings) -> dict[str, str]:
    return issue_tokens(settings)


@pytest.fixture
def api(settings: Settings, tokens: dict[str, str]) -> Iterator[Api]:
    with TestClient(create_app(settings, scheduler=False)) as client:
        yield Api(client, tokens, settings)


def head(client: TestClient, token: str) -> int:
    response = client.get("/api/audit/checkpoint", headers=bearer(token))
    assert response.status_code == 200, response.text
    position: int = response.json()["position"]
    return position


def keyed(api: Api, role: str, path: str, body: Any, key: str) -> Any:
    headers = {**bearer(api.tokens[role]), "Idempotency-Key": key}
    return api.client.post(path, json=body, headers=headers)


def test_a_retry_gets_the_original_answer_and_writes_nothing(api: Api) -> None:
    seed_story(api, cast=False)
    body = consultation_body(title="Tweede raadpleging")
    first = keyed(api, "officer", "/api/consultations", body, "open-second-consultation")
    assert first.status_code == 201, first.text
    length = head(api.client, api.tokens["officer"])

    retry = keyed(api, "officer", "/api/consultations", body, "open-second-consultation")

    assert (retry.status_code, retry.json()) == (201, first.json())
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert head(api.client, api.tokens["officer"]) == length
    titles = [c["title"] for c in api.ok("officer", "GET", "/api/consultations")]
    assert titles.count("Tweede raadpleging") == 1


def test_the_key_is_stored_with_the_events_it_caused(api: Api) -> None:
    ids = seed_story(api, cast=False)
    before = head(api.client, api.tokens["officer"])
    path = f"/api/consultations/{ids['consultation']}/ballots"
    cast = keyed(api, "amsterdam", path, {"member": "GM0363", "choice": "yes"}, "ballot-ams-1")
    assert cast.status_code == 200, cast.text

    engine = api.client.app.state.server.engine  # type: ignore[attr-defined]
    stored = KeyStore(engine.app.recorder).lookup("ballot-ams-1")
    assert stored is not None and stored.position == before + 1
    assert stored.status == 200
    event = next(engine.app.notifications(start=stored.position, stop=stored.position))
    assert event.topic.endswith("Consultation.BallotCast")


def test_a_retry_after_a_restart_gets_the_same_answer(
    settings: Settings, tokens: dict[str, str]
) -> None:
    with TestClient(create_app(settings, scheduler=False)) as client:
        api = Api(client, tokens, settings)
        ids = seed_story(api, cast=False)
        path = f"/api/consultations/{ids['consultation']}/ballots"
        body = {"member": "GM0363", "choice": "no", "explanation": "Te weinig geld."}
        first = keyed(api, "amsterdam", path, body, "ballot-ams-restart")
        assert first.status_code == 200, first.text
        length = head(client, tokens["officer"])

    with TestClient(create_app(settings, scheduler=False)) as client:
        api = Api(client, tokens, settings)
        retry = keyed(api, "amsterdam", path, body, "ballot-ams-restart")
        assert (retry.status_code, retry.json()) == (200, first.json())
        assert head(client, tokens["officer"]) == length


def test_the_same_key_for_another_request_is_refused_and_writes_nothing(api: Api) -> None:
    ids = seed_story(api, cast=False)
    path = f"/api/consultations/{ids['consultation']}/ballots"
    first = keyed(api, "amsterdam", path, {"member": "GM0363", "choice": "yes"}, "ballot-reuse")
    assert first.status_code == 200, first.text
    length = head(api.client, api.tokens["officer"])

    other = keyed(api, "amsterdam", path, {"member": "GM0363", "choice": "no"}, "ballot-reuse")

    assert other.status_code == 422, other.text
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert head(api.client, api.tokens["officer"]) == length
    tally = api.ok("officer", "GET", f"/api/consultations/{ids['consultation']}/tally")
    assert tally["yes_weight"] > 0 and tally["no_weight"] == 0


def test_another_caller_with_the_same_key_is_refused(api: Api) -> None:
    ids = seed_story(api, cast=False)
    path = f"/api/consultations/{ids['consultation']}/close"
    first = keyed(api, "officer", path, {"reason": "done"}, "close-once-please")
    assert first.status_code == 200, first.text
    other = keyed(api, "board", path, {"reason": "done"}, "close-once-please")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_a_command_that_writes_nothing_keeps_its_answer_too(api: Api) -> None:
    ids = seed_story(api, cast=False)
    path = f"/api/consultations/{ids['consultation']}/close"
    assert keyed(api, "officer", path, {"reason": "done"}, "close-first").json() == {"closed": True}
    length = head(api.client, api.tokens["officer"])
    second = keyed(api, "officer", path, {"reason": "done"}, "close-second")
    assert second.json() == {"closed": False}
    retry = keyed(api, "officer", path, {"reason": "done"}, "close-second")
    assert (retry.status_code, retry.json()) == (200, {"closed": False})
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert head(api.client, api.tokens["officer"]) == length


def test_a_refusal_is_not_kept_so_the_corrected_request_may_use_the_key(api: Api) -> None:
    ids = seed_story(api, cast=False)
    path = f"/api/consultations/{ids['consultation']}/ballots"
    refused = keyed(api, "utrecht", path, {"member": "GM0363", "choice": "yes"}, "k-refused")
    assert refused.status_code == 403
    assert (
        keyed(api, "utrecht", path, {"member": "GM0363", "choice": "yes"}, "k-refused").status_code
        == 403
    )


def test_a_malformed_key_is_refused(api: Api) -> None:
    seed_story(api, cast=False)
    response = keyed(api, "officer", "/api/consultations", consultation_body(), "bad key!")
    assert response.status_code == 422
    assert response.json()["error"]["code"] in {"invalid_input", "invalid_request"}


def test_every_post_documents_the_header() -> None:
    schema = create_app(Settings(Path("unused")), scheduler=False).openapi()
    for path, operations in schema["paths"].items():
        if "post" in operations and path.startswith("/api/"):
            names = {p["name"] for p in operations["post"].get("parameters", [])}
            assert "Idempotency-Key" in names, path
