"""The API's ALV attendance, proxy and member-vote routes: a meeting to a derived result, the
attendance and tally in `GET /api/assemblies/{id}`, and every refusal a JSON 4xx that writes
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.http.support import UNKNOWN, Api, in_future
from tests.http.test_api import open_api
from tests.stores import log_fingerprint


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from open_api(tmp_path)


@pytest.fixture
def alv(api: Api) -> str:
    """Members loaded; an ALV that met an hour ago (at most 2 proxies per holder), one item."""
    api.ok("officer", "POST", "/api/members/load", json={"reason": "CBS 2024"})
    aid: str = api.ok(
        "officer",
        "POST",
        "/api/assemblies",
        json={"title": "Najaars-ALV", "date": in_future(hours=-1), "proxy_limit": 2, "reason": "r"},
    )["id"]
    api.ok(
        "officer", "POST", f"/api/assemblies/{aid}/items", json={"title": "Motie", "reason": "r"}
    )
    return aid


def refused(api: Api, role: str, path: str, body: Any, status: int, code: str) -> str:
    before = log_fingerprint(api.settings.data_dir)
    response = api.as_(role).post(path, body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and "\n" not in error["message"], error
    assert log_fingerprint(api.settings.data_dir) == before
    message: str = error["message"]
    return message


def test_a_meeting_through_the_api(api: Api, alv: str) -> None:
    base = f"/api/assemblies/{alv}"
    assert api.ok(
        "officer",
        "POST",
        f"{base}/attendance",
        json={"members": ["GM0363", "gm0090"], "reason": "presentielijst"},
    ) == {"present": ["GM0363", "GM0090"]}
    assert api.ok(
        "officer",
        "POST",
        f"{base}/proxies",
        json={"from_member": "GM0060", "to_member": "GM0090", "reason": "volmacht"},
    ) == {"from": "GM0060", "to": "GM0090"}
    for member, choice in [("GM0363", "no"), ("GM0090", "yes")]:
        assert api.ok(
            "officer",
            "POST",
            f"{base}/items/1/member-votes",
            json={"member": member, "choice": choice, "reason": "stemming"},
        )["recorded"]
    shown = api.ok("auditor", "GET", base)
    assert shown["items"][0]["tally"] == {
        "yes_weight": 61,
        "no_weight": 75,
        "abstain_weight": 0,
        "yes_pct": "44.85",
        "voters": 2,
        "represented": 1,
    }
    counted = api.ok("officer", "POST", f"{base}/items/1/close", json={"reason": "gesloten"})
    assert (counted["outcome"], counted["yes_pct"]) == ("rejected", "44.85")
    shown = api.ok("auditor", "GET", base)
    assert (shown["items"][0]["adopted"], shown["proxy_limit"]) == (False, 2)
    assert shown["proxies"] == [{"from": "GM0060", "to": "GM0090", "weight": 4}]
    assert [(a["member"], a["weight"], a["present"]) for a in shown["attendance"]] == [
        ("GM0090", 57, True),
        ("GM0363", 75, True),
    ]
    api.ok("officer", "POST", f"{base}/leave", json={"member": "GM0363", "reason": "weg"})
    assert api.ok("auditor", "GET", base)["present"]["members"] == 1
    assert api.ok(
        "officer", "POST", f"{base}/proxy-limit", json={"proxy_limit": 3, "reason": "r"}
    ) == {"proxy_limit": 3, "changed": True}


def test_refusals_are_json_4xx_and_write_nothing(api: Api, alv: str) -> None:
    base = f"/api/assemblies/{alv}"
    api.ok("officer", "POST", f"{base}/attendance", json={"members": ["GM0363"], "reason": "r"})
    api.ok(
        "officer",
        "POST",
        f"{base}/proxies",
        json={"from_member": "GM0060", "to_member": "GM0363", "reason": "r"},
    )
    vote = f"{base}/items/1/member-votes"
    cases: list[tuple[str, str, dict[str, Any], int, str]] = [
        ("board", f"{base}/attendance", {"members": ["GM0014"], "reason": "r"}, 403, "not_allowed"),
        ("officer", f"{base}/attendance", {"members": ["GM9999"], "reason": "r"}, 422,
         "not_in_register"),
        ("officer", f"{base}/attendance", {"members": ["GM0014", "GM0014"], "reason": "r"}, 422,
         "invalid_input"),
        ("officer", f"{base}/leave", {"member": "GM0014", "reason": "r"}, 409, "not_present"),
        ("officer", f"{base}/proxies",
         {"from_member": "GM0096", "to_member": "GM0096", "reason": "r"}, 409, "proxy_refused"),
        ("officer", f"{base}/proxies",
         {"from_member": "GM0060", "to_member": "GM0014", "reason": "r"}, 409, "proxy_refused"),
        ("officer", vote, {"member": "GM0014", "choice": "yes", "reason": "r"}, 409,
         "not_present"),
        ("officer", vote, {"member": "GM0060", "choice": "yes", "reason": "r"}, 409,
         "represented"),
        ("officer", vote, {"member": "GM0363", "choice": "blanco", "reason": "r"}, 422,
         "invalid_request"),
        ("officer", f"{base}/items/7/member-votes",
         {"member": "GM0363", "choice": "yes", "reason": "r"}, 422, "invalid_input"),
        ("officer", f"{base}/items/1/close", {"reason": "r"}, 409, "assembly_state"),
        ("officer", f"{base}/proxy-limit", {"proxy_limit": 0, "reason": "r"}, 409,
         "proxy_limit"),
        ("officer", f"{base}/proxy-limit", {"proxy_limit": -1, "reason": "r"}, 422,
         "invalid_request"),
        ("officer", f"/api/assemblies/{UNKNOWN}/attendance",
         {"members": ["GM0363"], "reason": "r"}, 404, "unknown_assembly"),
    ]  # fmt: skip
    for role, path, body, status, code in cases:
        refused(api, role, path, body, status, code)
    # the limit: with 2 per holder the third proxy is refused
    api.ok(
        "officer",
        "POST",
        f"{base}/proxies",
        json={"from_member": "GM0096", "to_member": "GM0363", "reason": "r"},
    )
    message = refused(
        api,
        "officer",
        f"{base}/proxies",
        {"from_member": "GM0093", "to_member": "GM0363", "reason": "r"},
        409,
        "proxy_limit",
    )
    assert "GM0363 holds 2 proxies" in message
