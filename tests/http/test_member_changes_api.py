"""The register's changes through the API: a real merger recorded by an officer, the register
as of a date, and refusals as JSON 4xx that write nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.http.support import Api
from tests.http.test_api import head, open_api


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    for api in open_api(tmp_path):
        api.ok("officer", "POST", "/api/members/load", json={"reason": "CBS 2024"})
        yield api


def refused(api: Api, path: str, body: dict[str, Any], status: int, code: str) -> str:
    response = api.as_("officer").post(path, body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    return str(error["message"])


def test_a_merger_into_a_surviving_code_and_the_register_as_of_a_date(api: Api) -> None:
    merged = api.ok(
        "officer",
        "POST",
        "/api/members/merge",
        json={
            "predecessors": ["GM0363", "GM0344"],
            "successor": "GM0363",
            "effective": "2030-01-01",
            "reason": "synthetisch: Utrecht bij Amsterdam",
        },
    )
    assert merged["effective"] == "2030-01-01T00:00:00+01:00"
    assert {m["code"] for m in merged["members"]} == {"GM0363", "GM0344"}
    assert len(api.ok("auditor", "GET", "/api/members", params={"as_of": "2029-12-31"})) == 342
    assert len(api.ok("auditor", "GET", "/api/members", params={"as_of": "2030-01-01"})) == 341
    assert len(api.ok("auditor", "GET", "/api/members")) == 342  # now: before 2030
    assert len(api.ok("auditor", "GET", "/api/members", params={"all": "true"})) == 342
    both = api.as_("auditor").get("/api/members", params={"all": "true", "as_of": "2030-01-01"})
    assert both.status_code == 422 and both.json()["error"]["code"] == "invalid_input"
    utrecht = api.ok("auditor", "GET", "/api/members/GM0344")
    assert utrecht["ended"] == "2030-01-01T00:00:00+01:00" and utrecht["successors"] == ["GM0363"]


def test_refusals_are_json_and_write_nothing(api: Api) -> None:
    before = head(api)
    body = {"predecessors": ["GM0363", "GM9999"], "successor": "GM0363", "reason": "r"}
    assert "GM9999" in refused(
        api, "/api/members/merge", {**body, "effective": "2030-01-01"}, 404, "unknown_member"
    )
    refused(api, "/api/members/merge", {**body, "effective": "2030-02-30"}, 422, "invalid_time")
    refused(api, "/api/members/merge", {**body, "effective": "gisteren"}, 422, "invalid_request")
    rename = {"code": "GM0014", "successor": "GM0014", "name": "Grunn", "reason": "r"}
    assert "new CBS code" in refused(
        api, "/api/members/rename", {**rename, "effective": "2030-01-01"}, 422, "invalid_input"
    )
    api.ok(
        "officer",
        "POST",
        "/api/members/rename",
        json={**rename, "successor": "GM1999", "effective": "2030-01-01"},
    )
    after_rename = head(api)
    assert after_rename == before + 2
    assert "GM0014 Groningen ended on 2030-01-01" in refused(
        api,
        "/api/members/split",
        {
            "predecessor": "GM0014",
            "successors": ["GM0037", "GM0047"],
            "effective": "2031-01-01",
            "reason": "r",
        },
        409,
        "member_ended",
    )
    assert head(api) == after_rename
