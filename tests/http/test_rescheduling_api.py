"""The API's reschedule routes and date rules: JSON 4xx with the one error body, nothing written
on a refusal, and the schema documenting what the routes answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.http.support import UNKNOWN, Api, in_future, seed_story
from tests.http.test_api import open_api
from tests.stores import log_fingerprint


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from open_api(tmp_path)


def refused(api: Api, role: str, path: str, body: Any, status: int, code: str) -> None:
    before = log_fingerprint(api.settings.data_dir)
    response = api.as_(role).post(path, body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and "\n" not in error["message"]
    assert log_fingerprint(api.settings.data_dir) == before


def test_reschedule_a_ratification_and_the_rules_around_it(api: Api) -> None:
    ids = seed_story(api)
    rid, cid = ids["ratification"], ids["consultation"]
    path = f"/api/ratifications/{rid}/reschedule"
    target = in_future(days=17)
    moved = api.ok("officer", "POST", path, json={"date": target, "reason": "verplaatst"})
    assert datetime.fromisoformat(moved["scheduled_for"]) == datetime.fromisoformat(target)
    assert api.ok("auditor", "GET", f"/api/ratifications/{rid}")["late"] is False

    refused(api, "board", path, {"date": in_future(days=18), "reason": "r"}, 403, "not_allowed")
    refused(api, "officer", path, {"date": "2099-13-01T10:00", "reason": "r"}, 422, "invalid_time")
    refused(api, "officer", path, {"date": in_future(days=1), "reason": "r"}, 409, "date_conflict")
    refused(
        api,
        "officer",
        f"/api/ratifications/{UNKNOWN}/reschedule",
        {"date": in_future(days=18), "reason": "r"},
        404,
        "unknown_ratification",
    )
    api.ok(
        "officer",
        "POST",
        path,
        json={"date": in_future(days=1), "reason": "spoed", "confirm_conflict": True},
    )

    # a second ratification for the consultation
    second = {
        "title": "Nog een",
        "date": in_future(days=20),
        "consultation": cid,
        "agreements": ["AZWA"],
        "reason": "r",
    }
    refused(api, "officer", "/api/ratifications", second, 409, "ratification_exists")


def test_extend_past_the_ratification_needs_confirm_conflict(api: Api) -> None:
    ids = seed_story(api)  # ratification in 10 days, consultation closes in 3
    path = f"/api/consultations/{ids['consultation']}/extend"
    past_it = {"closes": in_future(days=11), "reason": "storing"}
    refused(api, "officer", path, past_it, 409, "date_conflict")
    api.ok("officer", "POST", path, json={**past_it, "confirm_conflict": True})


def test_reschedule_an_alv(api: Api) -> None:
    aid = api.ok(
        "officer",
        "POST",
        "/api/assemblies",
        json={"title": "Najaars-ALV", "date": in_future(days=20), "reason": "r"},
    )["id"]
    path = f"/api/assemblies/{aid}/reschedule"
    target = in_future(days=30)
    moved = api.ok("officer", "POST", path, json={"date": target, "reason": "zaal"})
    assert datetime.fromisoformat(moved["held_on"]) == datetime.fromisoformat(target)
    refused(api, "officer", path, {"date": "2000-01-01T10:00", "reason": "r"}, 422,
            "invalid_deadline")  # fmt: skip
    refused(api, "officer", path, {"date": in_future(days=31)}, 422, "invalid_request")
    api.ok("officer", "POST", f"/api/assemblies/{aid}/close", json={"reason": "r"})
    refused(api, "officer", path, {"date": in_future(days=40), "reason": "r"}, 409,
            "assembly_state")  # fmt: skip


def test_the_schema_documents_the_reschedule_routes(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    for path in (
        "/api/ratifications/{ratification_id}/reschedule",
        "/api/assemblies/{assembly_id}/reschedule",
    ):
        responses = schema["paths"][path]["post"]["responses"]
        assert {"401", "403", "404", "409", "422", "503"} <= set(responses)
    extend = schema["paths"]["/api/consultations/{consultation_id}/extend"]["post"]
    body_ref = extend["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    extend_in = schema["components"]["schemas"][body_ref.rsplit("/", 1)[-1]]
    assert "confirm_conflict" in extend_in["properties"]
