"""The API's and the dashboard's known-at: `POST .../decision/correction` corrects a mistyped
percentage; `GET /api/status?known_at=` and the status page's "bekend op" show what the record
said before it. Refusals are one JSON error with a 4xx (or a line on the page), nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.config.settings import WebSettings
from adapters.entrypoints.http.app import create_app
from tests.http.dashboard_client import Sessions
from tests.http.support import IZA, UNKNOWN, Api, issue_tokens, store_path

TITLE = "Stop met gesprekken vervolg IZA"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = store_path(tmp_path)
    tokens = issue_tokens(settings)
    app = create_app(settings, scheduler=False, web=WebSettings(login_attempts_per_minute=1000))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield Api(client, tokens, settings)


@pytest.fixture
def rid(api: Api) -> str:
    api.ok("officer", "POST", "/api/agreements", json=IZA)
    body = {
        "title": TITLE,
        "conditions": ["Gelijkwaardigheid"],
        "suspends": ["VNG:IZA"],
        "reason": "agenda item 8",
    }
    resolution: str = api.ok("officer", "POST", "/api/resolutions", json=body)["id"]
    api.ok(
        "officer",
        "POST",
        f"/api/resolutions/{resolution}/decision",
        json={"yes_pct": "94.3", "reason": "ALV"},
    )
    return resolution


def correct(api: Api, rid: str, pct: str, role: str = "officer") -> Any:
    return api.as_(role).post(
        f"/api/resolutions/{rid}/decision/correction",
        {"yes_pct": pct, "reason": "typefout in de notulen"},
    )


def vng(api: Api, **params: str) -> dict[str, Any]:
    answer = api.ok("auditor", "GET", "/api/status", params={"party": "VNG", **params})
    [row] = answer["status"]
    return {**row, "known_at": answer["known_at"]}


def head(api: Api) -> int:
    position: int = api.ok("auditor", "GET", "/api/audit/checkpoint")["position"]
    return position


def test_known_at_before_the_correction_shows_the_mistyped_figure(api: Api, rid: str) -> None:
    before = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    assert correct(api, rid, "93.4").json() == {"recorded": True}
    now = vng(api)
    assert now["known_at"] is None
    assert f"'{TITLE}' adopted with 93.4% in favour" in now["decision"]
    then = vng(api, known_at=before)
    assert then["decision"] == f"'{TITLE}' adopted with 94.3% in favour"
    assert datetime.fromisoformat(then["known_at"]) == datetime.fromisoformat(before)
    assert then["status"] == now["status"] == "participation suspended"
    assert api.ok("auditor", "GET", f"/api/resolutions/{rid}")["yes_pct"] == "93.4"
    timeline = api.ok("auditor", "GET", "/api/timeline", params={"aggregate": rid})
    assert timeline[-1]["event"] == "Resolution.DecisionCorrected"
    assert correct(api, rid, "93.40").json() == {"recorded": False}


@pytest.mark.parametrize(
    ("pct", "role", "status", "code", "text"),
    [
        ("40", "officer", 409, "correction_refused", "cannot change the outcome"),
        ("abc", "officer", 422, "invalid_input", "a percentage like 93.4"),
        ("93.4", "auditor", 403, "not_allowed", "officer"),
    ],
)
def test_a_refused_correction_is_a_json_error_and_writes_nothing(
    api: Api, rid: str, pct: str, role: str, status: int, code: str, text: str
) -> None:
    before = head(api)
    response = correct(api, rid, pct, role)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code, body
    assert text in body["error"]["message"]
    assert head(api) == before


def test_an_unknown_resolution_and_a_bad_body_are_refused(api: Api, rid: str) -> None:
    before = head(api)
    assert correct(api, UNKNOWN, "93.4").status_code == 404
    missing = api.as_("officer").post(
        f"/api/resolutions/{rid}/decision/correction", {"yes_pct": "93.4"}
    )
    assert missing.status_code == 422 and set(missing.json()) == {"error"}
    assert head(api) == before


@pytest.mark.parametrize(
    ("known_at", "code"),
    [
        ("gisteren", "invalid_request"),
        ("2025-03-30T02:30", "invalid_time"),
        ("2025-02-30", "invalid_time"),
    ],
)
def test_a_malformed_known_at_is_a_json_error(api: Api, rid: str, known_at: str, code: str) -> None:
    response = api.as_("auditor").get("/api/status", params={"known_at": known_at})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code


def test_the_openapi_schema_documents_known_at_and_the_correction(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    status = schema["paths"]["/api/status"]["get"]
    assert "known_at" in {p["name"] for p in status["parameters"]}
    post = schema["paths"]["/api/resolutions/{resolution_id}/decision/correction"]["post"]
    assert {"403", "404", "409", "422"} <= set(post["responses"])


def test_the_status_page_has_a_known_at_field(api: Api, rid: str) -> None:
    before = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "+00:00"
    assert correct(api, rid, "93.4").status_code == 200
    Sessions(api.client, api.tokens).use("auditor")
    now = api.client.get("/")
    assert now.status_code == 200
    assert '<label for="known_at">bekend op</label>' in now.text
    assert "93.4% in favour" in now.text
    then = api.client.get("/", params={"known_at": before})
    assert then.status_code == 200
    assert "94.3% in favour" in then.text and "93.4% in favour" not in then.text
    assert "zoals bekend op" in then.text
    bad = api.client.get("/", params={"known_at": "gisteren"})
    assert bad.status_code == 200 and 'role="alert"' in bad.text
