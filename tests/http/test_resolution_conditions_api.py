"""The API's conditions with effects of their own: table with `lifts`, then meet, revoke and
fail a condition; refusals are one JSON error with a 4xx and nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.entrypoints.http.app import create_app
from tests.http.support import AZWA, IZA, Api, issue_tokens, store_path

LETTER = "004_6d089373693b9d06.txt"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = store_path(tmp_path)
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False), raise_server_exceptions=False) as client:
        yield Api(client, tokens, settings)


@pytest.fixture
def rid(api: Api) -> str:
    api.ok("officer", "POST", "/api/agreements", json=IZA)
    api.ok("officer", "POST", "/api/agreements", json=AZWA)
    body = {
        "title": "Stop met gesprekken vervolg IZA",
        "conditions": ["Gelijkwaardigheid", "Structurele financiering"],
        "suspends": ["VNG:IZA", "VNG:AZWA"],
        "lifts": ["1:talks:AZWA"],
        "reason": "agenda item 8",
    }
    resolution: str = api.ok("officer", "POST", "/api/resolutions", json=body)["id"]
    api.ok(
        "officer",
        "POST",
        f"/api/resolutions/{resolution}/decision",
        json={"yes_pct": "93.4", "reason": "ALV"},
    )
    return resolution


def post(api: Api, rid: str, path: str, evidence: str = LETTER) -> Any:
    return api.as_("officer").post(
        f"/api/resolutions/{rid}/conditions/{path}", {"evidence": evidence, "reason": "r"}
    )


def vng(api: Api, agreement: str) -> dict[str, Any]:
    answer = api.ok("officer", "GET", f"/api/status?party=VNG&agreement={agreement}")
    [row] = answer["status"]
    return dict(row)


def head(api: Api) -> int:
    position: int = api.ok("auditor", "GET", "/api/audit/checkpoint")["position"]
    return position


def test_meet_fail_and_revoke_move_the_partial_state(api: Api, rid: str) -> None:
    assert post(api, rid, "1").json() == {"recorded": True}
    assert vng(api, "AZWA")["status"] == "talks resumed"
    assert vng(api, "IZA")["detail"].startswith("1 of 2 conditions met")
    assert post(api, rid, "2/fail", "brief VWS").json() == {"recorded": True}
    assert "condition 2 failed" in vng(api, "AZWA")["detail"]
    assert post(api, rid, "2/revoke", "nieuw overleg").json() == {"recorded": True}
    assert post(api, rid, "1/revoke", "ingetrokken").json() == {"recorded": True}
    assert vng(api, "AZWA")["status"] == "participation suspended"
    shown = api.ok("officer", "GET", f"/api/resolutions/{rid}")
    assert [c["state"] for c in shown["conditions"]] == ["open", "open"]


@pytest.mark.parametrize(
    ("path", "status", "code", "text"),
    [
        ("1/revoke", 409, "condition_state", "nothing to revoke"),
        ("3/fail", 422, "invalid_input", "conditions 1..2, not 3"),
        ("0/revoke", 422, "invalid_request", ""),
    ],
)
def test_an_invalid_change_is_a_json_error_and_writes_nothing(
    api: Api, rid: str, path: str, status: int, code: str, text: str
) -> None:
    before = head(api)
    response = post(api, rid, path)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code, body
    assert text in body["error"]["message"]
    assert head(api) == before


def test_a_bad_lift_is_refused(api: Api) -> None:
    api.ok("officer", "POST", "/api/agreements", json=IZA)
    before = head(api)
    for lifts, status in ((["talks"], 422), (["1:signing"], 422), (["2:talks"], 422)):
        response = api.as_("officer").post(
            "/api/resolutions",
            {
                "title": "t",
                "conditions": ["c"],
                "suspends": ["VNG:IZA"],
                "lifts": lifts,
                "reason": "r",
            },
        )
        assert response.status_code == status, response.text
        assert set(response.json()) == {"error"}
    assert head(api) == before
