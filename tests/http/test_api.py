"""The JSON API on a real SQLite store: tokens, roles, error mapping, the whole story, the log.

The app is the real one (`create_app`, its lifespan run by the TestClient), without the
scheduler; tokens are issued on the store by an officer, as `akkoord tokens issue` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.auth.tokens import TokenStore
from adapters.config.settings import Settings
from adapters.entrypoints.http.app import create_app
from tests.http.support import (
    ACTORS,
    AZWA,
    ISSUER,
    IZA,
    SIGNING,
    UNKNOWN,
    Api,
    bearer,
    consultation_body,
    in_future,
    issue_tokens,
    seed_story,
    store_path,
)

SYSTEM_ACTORS = {"system:workflow", "system:scheduler"}


def api_routes() -> list[tuple[str, str]]:
    """(method, path) of every JSON API operation, read from the app itself."""
    schema = create_app(Settings(Path("unused")), scheduler=False).openapi()
    return sorted(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/")
        for method in operations
    )


ROUTES = api_routes()
POST_ROUTES = [path for method, path in ROUTES if method == "POST"]

# A valid body for every write: a refusal must then come from the role, not from the input.
BODIES: dict[str, dict[str, Any]] = {
    "/api/members/load": {"reason": "CBS 2024"},
    "/api/members/merge": {
        "predecessors": ["GM0014", "GM0037"],
        "successor": "GM1999",
        "name": "Synthetisch",
        "effective": "2030-01-01",
        "reason": "r",
    },
    "/api/members/split": {
        "predecessor": "GM0014",
        "successors": ["GM0037", "GM0047"],
        "effective": "2030-01-01",
        "reason": "r",
    },
    "/api/members/rename": {
        "code": "GM0014",
        "successor": "GM1999",
        "name": "Synthetisch",
        "effective": "2030-01-01",
        "reason": "r",
    },
    "/api/consultations": consultation_body(),
    "/api/consultations/{consultation_id}/ballots": {"member": "GM0363", "choice": "yes"},
    "/api/consultations/{consultation_id}/close": {"reason": "all votes are in"},
    "/api/consultations/{consultation_id}/extend": {"closes": in_future(days=9), "reason": "r"},
    "/api/consultations/{consultation_id}/cancel": {"reason": "withdrawn"},
    "/api/agreements": {**IZA, "code": "GALA", "name": "GALA", "full_name": "GALA"},
    "/api/agreements/{code}/status": {"parties": ["ZN"], "status": "signed", "reason": "r"},
    "/api/resolutions": {
        "title": "Opschorting",
        "conditions": ["gelijkwaardigheid"],
        "reason": "r",
    },
    "/api/resolutions/{resolution_id}/decision": {"yes_pct": "93.4", "reason": "ALV"},
    "/api/resolutions/{resolution_id}/decision/correction": {"yes_pct": "93.4", "reason": "r"},
    "/api/resolutions/{resolution_id}/conditions/{number}": {"evidence": "brief", "reason": "r"},
    "/api/resolutions/{resolution_id}/conditions/{number}/revoke": {
        "evidence": "brief",
        "reason": "r",
    },
    "/api/resolutions/{resolution_id}/conditions/{number}/fail": {
        "evidence": "brief",
        "reason": "r",
    },
    "/api/udos": {"agreement": "AZWA", "title": "UDO AZWA", "reason": "r"},
    "/api/udos/{udo_id}/participants": {"members": ["GM0363"], "reason": "r"},
    "/api/udos/{udo_id}/points": {"title": "Financiering", "reason": "r"},
    "/api/udos/{udo_id}/points/{point}/agreements": {
        "parties": ["VNG"],
        "text": "afspraak",
        "reason": "r",
    },
    "/api/udos/{udo_id}/complete": {"summary": "klaar", "reason": "r"},
    "/api/udos/{udo_id}/present": {"reference": "Lbr. 25/030", "reason": "r"},
    "/api/signings": SIGNING,
    "/api/ratifications": {
        "title": "Bekrachtiging",
        "date": in_future(days=10),
        "consultation": UNKNOWN,
        "agreements": ["AZWA"],
        "reason": "r",
    },
    "/api/ratifications/{ratification_id}/decision": {"decision": "ratify", "reason": "r"},
    "/api/ratifications/{ratification_id}/communicate": {"reference": "Lbr. 25/050", "reason": "r"},
    "/api/ratifications/{ratification_id}/reschedule": {"date": in_future(days=12), "reason": "r"},
    "/api/assemblies": {"title": "Najaars-ALV", "date": in_future(days=20), "reason": "r"},
    "/api/assemblies/{assembly_id}/items": {"title": "Bekrachtiging", "reason": "r"},
    "/api/assemblies/{assembly_id}/items/{number}/vote": {"outcome": "adopted", "reason": "r"},
    "/api/assemblies/{assembly_id}/reschedule": {"date": in_future(days=21), "reason": "r"},
    "/api/assemblies/{assembly_id}/hold": {"reason": "r"},
    "/api/assemblies/{assembly_id}/close": {"reason": "r"},
    "/api/assemblies/{assembly_id}/attendance": {"members": ["GM0363"], "reason": "r"},
    "/api/assemblies/{assembly_id}/leave": {"member": "GM0363", "reason": "r"},
    "/api/assemblies/{assembly_id}/proxies": {
        "from_member": "GM0090",
        "to_member": "GM0363",
        "reason": "r",
    },
    "/api/assemblies/{assembly_id}/proxy-limit": {"proxy_limit": 2, "reason": "r"},
    "/api/assemblies/{assembly_id}/items/{number}/member-votes": {
        "member": "GM0363",
        "choice": "yes",
        "reason": "r",
    },
    "/api/assemblies/{assembly_id}/items/{number}/close": {"reason": "r"},
}


def open_api(tmp: Path) -> Iterator[Api]:
    settings = store_path(tmp)
    tokens = issue_tokens(settings)
    app = create_app(settings, scheduler=False)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield Api(client, tokens, settings)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """A fresh store, for the tests that write or read the refusal log."""
    yield from open_api(tmp_path)


@pytest.fixture
def story(api: Api) -> dict[str, str]:
    return seed_story(api)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, dict[str, str]]]:
    """One store for the tests that only read or are refused (they check nothing is written):
    the story, plus a resolution, a UDO with a critical point and an ALV with an agenda item."""
    for api in open_api(tmp_path_factory.mktemp("shared")):
        ids = seed_story(api)
        ids["resolution"] = api.ok(
            "officer", "POST", "/api/resolutions", json=BODIES["/api/resolutions"]
        )["id"]
        ids["udo"] = api.ok("officer", "POST", "/api/udos", json=BODIES["/api/udos"])["id"]
        api.ok(
            "officer", "POST", f"/api/udos/{ids['udo']}/points", json={"title": "p", "reason": "r"}
        )
        ids["assembly"] = api.ok(
            "officer", "POST", "/api/assemblies", json=BODIES["/api/assemblies"]
        )["id"]
        api.ok(
            "officer",
            "POST",
            f"/api/assemblies/{ids['assembly']}/items",
            json={"title": "t", "reason": "r"},
        )
        yield api, ids


def fill(path: str, ids: dict[str, str]) -> str:
    """A route's path with real ids where the store has them (the unknown id elsewhere)."""
    values = {
        "consultation_id": ids.get("consultation", UNKNOWN),
        "ratification_id": ids.get("ratification", UNKNOWN),
        "resolution_id": ids.get("resolution", UNKNOWN),
        "udo_id": ids.get("udo", UNKNOWN),
        "assembly_id": ids.get("assembly", UNKNOWN),
        "signing_id": ids.get("signing", UNKNOWN),
        "aggregate_id": ids.get("consultation", UNKNOWN),
        "code": "AZWA",
        "member": "GM0363",
        "number": "1",
        "point": "1",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def error_of(response: Any, status: int, code: str) -> str:
    """The response is the JSON error with this status and code; returns its message."""
    assert response.status_code == status, (status, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    message: str = body["error"]["message"]
    assert message and "\n" not in message, body
    return message


def head(api: Api) -> int:
    """The position of the last event written."""
    position: int = api.ok("auditor", "GET", "/api/audit/checkpoint")["position"]
    return position


def refusals(api: Api) -> list[dict[str, Any]]:
    return [line for line in api.log_lines() if line.get("event") == "refused"]


# Authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_every_api_route_wants_a_token(
    shared: tuple[Api, dict[str, str]], method: str, path: str
) -> None:
    api, _ = shared
    url = fill(path, {})
    response = api.client.request(method, url, json=BODIES.get(path))
    error_of(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer akk_not-a-token-that-was-ever-issued",
        "Bearer not-even-the-prefix",
        "Bearer ",
        "Basic b2ZmaWNlcjpzZWNyZXQ=",
        "akk_without-the-scheme",
    ],
)
def test_a_bad_token_is_401(shared: tuple[Api, dict[str, str]], header: str) -> None:
    api, _ = shared
    response = api.client.get("/api/me", headers={"Authorization": header})
    error_of(response, 401, "unauthenticated")


def test_a_revoked_token_stops_working_at_once(shared: tuple[Api, dict[str, str]]) -> None:
    api, _ = shared
    store = TokenStore(api.settings)
    try:
        issued = store.issue(role="officer", name="tijdelijk", issued_by=ISSUER, reason="test")
        headers = bearer(issued.token)
        assert api.client.get("/api/me", headers=headers).json() == {
            "actor": "officer:tijdelijk",
            "role": "officer",
        }
        store.revoke(issued.token_id, revoked_by=ISSUER)
    finally:
        store.close()
    error_of(api.client.get("/api/me", headers=headers), 401, "unauthenticated")
    error_of(
        api.client.post("/api/members/load", json={"reason": "r"}, headers=headers),
        401,
        "unauthenticated",
    )


def test_each_token_stands_for_its_actor(shared: tuple[Api, dict[str, str]]) -> None:
    api, _ = shared
    for role, actor in ACTORS.items():
        assert api.ok(role, "GET", "/api/me")["actor"] == actor


def test_the_api_takes_no_token_from_a_cookie(shared: tuple[Api, dict[str, str]]) -> None:
    # A browser sends cookies by itself; the API acts only on the Authorization header
    # (the dashboard's cookie holds a session id: tests/http/test_sessions.py).
    api, _ = shared
    api.client.cookies.set("akkoord_token", api.tokens["board"])
    try:
        error_of(api.client.get("/api/me"), 401, "unauthenticated")
    finally:
        api.client.cookies.clear()


# Roles ------------------------------------------------------------------------------------


def test_every_write_has_a_body_in_this_module() -> None:
    assert set(POST_ROUTES) == set(BODIES), set(POST_ROUTES) ^ set(BODIES)


@pytest.mark.parametrize("path", POST_ROUTES)
def test_an_auditor_may_not_write_anything(shared: tuple[Api, dict[str, str]], path: str) -> None:
    api, ids = shared
    before = head(api)
    response = api.as_("auditor").post(fill(path, ids), BODIES[path])
    message = error_of(response, 403, "not_allowed")
    assert "auditor:a.jansen may not" in message
    assert head(api) == before  # nothing written


def test_a_secretary_casts_only_for_their_own_municipality(api: Api, story: dict[str, str]) -> None:
    cid = story["consultation"]
    before = head(api)
    response = api.as_("smallingerland").post(
        f"/api/consultations/{cid}/ballots", {"member": "GM0363", "choice": "no"}
    )
    message = error_of(response, 403, "not_allowed")
    assert "secretary:GM0090 may cast only for GM0090, not for GM0363" in message
    assert head(api) == before
    tally = api.ok("auditor", "GET", f"/api/consultations/{cid}/tally")
    assert (tally["yes_weight"], tally["no_weight"]) == (75, 0)  # Amsterdam's yes still stands
    # the secretary's own ballot goes through
    api.ok(
        "smallingerland",
        "POST",
        f"/api/consultations/{cid}/ballots",
        json={"member": "gm0090", "choice": "no"},
    )
    assert api.ok("auditor", "GET", f"/api/consultations/{cid}/tally")["no_weight"] == 57


@pytest.mark.parametrize(
    ("role", "method_path", "body"),
    [
        ("amsterdam", "/api/consultations", consultation_body()),
        ("board", "/api/consultations/{consultation_id}/close", {"reason": "r"}),
        (
            "officer",
            "/api/consultations/{consultation_id}/ballots",
            {"member": "GM0363", "choice": "no"},
        ),
        (
            "officer",
            "/api/ratifications/{ratification_id}/decision",
            {"decision": "ratify", "reason": "r"},
        ),
        (
            "amsterdam",
            "/api/ratifications/{ratification_id}/decision",
            {"decision": "ratify", "reason": "r"},
        ),
        ("board", "/api/members/load", {"reason": "r"}),
    ],
)
def test_each_role_does_only_its_own_work(
    shared: tuple[Api, dict[str, str]], role: str, method_path: str, body: dict[str, Any]
) -> None:
    api, ids = shared
    before = head(api)
    error_of(api.as_(role).post(fill(method_path, ids), body), 403, "not_allowed")
    assert head(api) == before


def test_verifying_the_log_is_for_auditors_officers_and_the_board(
    shared: tuple[Api, dict[str, str]],
) -> None:
    api, _ = shared
    for role in ("auditor", "officer", "board"):
        assert api.ok(role, "GET", "/api/audit/verify")["ok"] is True
    error_of(api.as_("amsterdam").get("/api/audit/verify"), 403, "not_allowed")


# Error mapping ----------------------------------------------------------------------------

NOT_FOUND = [
    ("GET", f"/api/consultations/{UNKNOWN}", None, "unknown_consultation"),
    ("GET", f"/api/consultations/{UNKNOWN}/tally", None, "unknown_consultation"),
    ("GET", f"/api/consultations/{UNKNOWN}/explanations", None, "unknown_consultation"),
    ("POST", f"/api/consultations/{UNKNOWN}/close", {"reason": "r"}, "unknown_consultation"),
    ("GET", "/api/members/GM9999", None, "unknown_member"),
    ("GET", "/api/agreements/GALA", None, "unknown_agreement"),
    ("GET", f"/api/ratifications/{UNKNOWN}", None, "unknown_ratification"),
    ("GET", f"/api/resolutions/{UNKNOWN}", None, "unknown_resolution"),
    ("GET", f"/api/signings/{UNKNOWN}", None, "unknown_signing"),
    ("GET", f"/api/udos/{UNKNOWN}", None, "unknown_udo"),
    ("GET", f"/api/assemblies/{UNKNOWN}", None, "unknown_assembly"),
    ("GET", f"/api/history/{UNKNOWN}", None, "unknown_aggregate"),
    ("GET", f"/api/timeline?aggregate={UNKNOWN}", None, "unknown_aggregate"),
    ("POST", "/api/signings", {**SIGNING, "agreement": "GALA"}, "unknown_agreement"),
    (
        "POST",
        "/api/agreements/AZWA/status",
        {"parties": ["NZa2"], "status": "signed", "reason": "r"},
        "unknown_party",
    ),
    ("GET", "/api/no-such-thing", None, "not_found"),
]


@pytest.mark.parametrize(("method", "path", "body", "code"), NOT_FOUND)
def test_unknown_things_are_404(
    shared: tuple[Api, dict[str, str]], method: str, path: str, body: Any, code: str
) -> None:
    api, _ = shared
    error_of(
        api.client.request(method, path, json=body, headers=bearer(api.tokens["officer"])),
        404,
        code,
    )


BAD_INPUT = [
    ("GET", "/api/consultations/not-a-uuid", None, "invalid_request"),
    ("GET", "/api/log?limit=0", None, "invalid_request"),
    ("GET", "/api/log?from=abc", None, "invalid_request"),
    # Not a date at all: refused by the schema's pattern, before the time parser sees it.
    ("GET", "/api/status?as_of=yesterday", None, "invalid_request"),
    ("GET", "/api/status?as_of=2099-03-29T02:30", None, "invalid_time"),
    ("GET", "/api/status?as_of=2025-10-01&tz=Mars/Olympus", None, "invalid_time"),
    (
        "POST",
        "/api/consultations",
        consultation_body(closes="2020-01-01T16:00"),
        "invalid_deadline",
    ),
    ("POST", "/api/consultations", consultation_body(closes="tomorrow"), "invalid_request"),
    ("POST", "/api/consultations", consultation_body(closes="2099-03-29T02:30"), "invalid_time"),
    ("POST", "/api/consultations", consultation_body(weight_rule="round"), "invalid_request"),
    ("POST", "/api/consultations", {"title": "t"}, "invalid_request"),
    ("POST", "/api/consultations", consultation_body(population_year=1900), "invalid_input"),
    ("POST", "/api/consultations/{consultation_id}/close", {}, "missing_reason"),
    (
        "POST",
        "/api/agreements/AZWA/status",
        {"parties": ["VNG"], "status": "happy", "reason": "r"},
        "invalid_input",
    ),
    (
        "POST",
        "/api/resolutions/{resolution_id}/decision",
        {"yes_pct": "lots", "reason": "r"},
        "invalid_input",
    ),
    (
        "POST",
        "/api/resolutions/{resolution_id}/decision",
        {"yes_pct": "60", "outcome": "adopted", "reason": "r"},
        "invalid_input",
    ),
    (
        "POST",
        "/api/ratifications/{ratification_id}/decision",
        {"decision": "maybe", "reason": "r"},
        "invalid_request",
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "code"), BAD_INPUT)
def test_bad_input_is_422(
    shared: tuple[Api, dict[str, str]], method: str, path: str, body: Any, code: str
) -> None:
    api, ids = shared
    before = head(api)
    response = api.client.request(
        method, fill(path, ids), json=body, headers=bearer(api.tokens["officer"])
    )
    error_of(response, 422, code)
    assert head(api) == before


@pytest.mark.parametrize(
    "body",
    [
        {"member": "GM0363", "choice": "maybe"},
        {"member": "GM0363"},
        {"member": "GM0363", "choice": "yes", "explanation": "x" * 4001},
        [],
        None,
    ],
    ids=["choice", "no-choice", "long-explanation", "a-list", "no-body"],
)
def test_a_bad_ballot_is_422_and_writes_nothing(
    shared: tuple[Api, dict[str, str]], body: Any
) -> None:
    api, ids = shared
    before = head(api)
    response = api.as_("amsterdam").post(f"/api/consultations/{ids['consultation']}/ballots", body)
    # A choice is judged against the consultation's own options, not by the schema.
    unknown_option = isinstance(body, dict) and body.get("choice") == "maybe"
    error_of(response, 422, "invalid_choice" if unknown_option else "invalid_request")
    assert head(api) == before


def test_malformed_json_is_422(shared: tuple[Api, dict[str, str]]) -> None:
    api, ids = shared
    response = api.client.post(
        f"/api/consultations/{ids['consultation']}/ballots",
        content=b'{"member": "GM0363", "choice": ',
        headers={**bearer(api.tokens["amsterdam"]), "content-type": "application/json"},
    )
    error_of(response, 422, "invalid_request")


def test_a_closed_consultation_is_a_409(api: Api, story: dict[str, str]) -> None:
    cid = story["consultation"]
    assert api.ok("officer", "POST", f"/api/consultations/{cid}/close", json={"reason": "r"}) == {
        "closed": True
    }
    before = head(api)
    cast = api.as_("amsterdam").post(
        f"/api/consultations/{cid}/ballots", {"member": "GM0363", "choice": "no"}
    )
    error_of(cast, 409, "consultation_closed")
    error_of(
        api.as_("officer").post(
            f"/api/consultations/{cid}/extend", {"closes": in_future(days=9), "reason": "r"}
        ),
        409,
        "consultation_closed",
    )
    error_of(
        api.as_("officer").post(f"/api/consultations/{cid}/cancel", {"reason": "r"}),
        409,
        "consultation_closed",
    )
    # closing again is not a failure: it writes nothing and says so
    assert api.ok("officer", "POST", f"/api/consultations/{cid}/close", json={}) == {
        "closed": False
    }
    assert head(api) == before


def test_a_cancelled_consultation_and_a_second_registration_are_409s(
    api: Api, story: dict[str, str]
) -> None:
    cid = story["consultation"]
    api.ok("officer", "POST", f"/api/consultations/{cid}/cancel", json={"reason": "r"})
    error_of(
        api.as_("amsterdam").post(
            f"/api/consultations/{cid}/ballots", {"member": "GM0363", "choice": "no"}
        ),
        409,
        "consultation_cancelled",
    )
    response = api.as_("officer").post("/api/agreements", IZA)  # registered already
    assert response.status_code == 409, response.text


def test_wrong_method_is_a_json_405(shared: tuple[Api, dict[str, str]]) -> None:
    api, _ = shared
    error_of(
        api.client.delete("/api/me", headers=bearer(api.tokens["officer"])),
        405,
        "method_not_allowed",
    )


# Logging ----------------------------------------------------------------------------------


def test_every_refusal_is_logged_with_who_what_and_why(api: Api, story: dict[str, str]) -> None:
    cid = story["consultation"]
    api.client.get("/api/me")  # 401
    api.as_("smallingerland").post(
        f"/api/consultations/{cid}/ballots", {"member": "GM0363", "choice": "no"}
    )  # 403
    api.as_("officer").get(f"/api/consultations/{UNKNOWN}")  # 404
    api.as_("officer").post(f"/api/consultations/{cid}/close", {})  # 422 missing reason
    api.as_("amsterdam").post(f"/api/consultations/{cid}/ballots", {"member": "GM0363"})  # 422
    api.as_("officer").post(f"/api/consultations/{cid}/close", {"reason": "r"})
    api.as_("amsterdam").post(
        f"/api/consultations/{cid}/ballots", {"member": "GM0363", "choice": "no"}
    )  # 409
    logged = [(r["status"], r["code"], r["actor"], r["method"], r["path"]) for r in refusals(api)]
    ballots = f"/api/consultations/{cid}/ballots"
    assert logged == [
        (401, "unauthenticated", None, "GET", "/api/me"),
        (403, "not_allowed", "secretary:GM0090", "POST", ballots),
        (404, "unknown_consultation", "officer:j.devries", "GET", f"/api/consultations/{UNKNOWN}"),
        (422, "missing_reason", "officer:j.devries", "POST", f"/api/consultations/{cid}/close"),
        (422, "invalid_request", "secretary:GM0363", "POST", ballots),
        (409, "consultation_closed", "secretary:GM0363", "POST", ballots),
    ]
    assert all(r["reason"] and r["level"] == "warning" for r in refusals(api))


def test_no_token_ends_up_in_the_log(api: Api, story: dict[str, str]) -> None:
    api.client.get("/api/me", headers=bearer("akk_a-wrong-guess"))
    text = api.settings.log_path.read_text(encoding="utf-8")
    assert "akk_" not in text
    for token in api.tokens.values():
        assert token not in text


# The actor on every event ---------------------------------------------------------------


def log_entries(api: Api, **filters: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    start = 1
    while True:
        page = api.ok(
            "auditor", "GET", "/api/log", params={"from": start, "limit": 1000, **filters}
        )
        entries += page["entries"]
        if page["next"] is None:
            return entries
        start = page["next"]


def test_the_tokens_actor_is_recorded_on_every_event_written(
    api: Api, story: dict[str, str]
) -> None:
    cid, rid = story["consultation"], story["ratification"]
    api.ok("officer", "POST", f"/api/consultations/{cid}/close", json={"reason": "all in"})
    api.ok(
        "board",
        "POST",
        f"/api/ratifications/{rid}/decision",
        json={"decision": "ratify", "reason": "vergadering"},
    )
    entries = log_entries(api)
    assert entries and {e["actor"] for e in entries} <= set(ACTORS.values()) | SYSTEM_ACTORS
    by_event: dict[str, set[str]] = {}
    for e in entries:
        by_event.setdefault(e["event"], set()).add(e["actor"])
    assert by_event["Member.Registered"] == {"officer:j.devries"}
    assert by_event["Consultation.Opened"] == {"officer:j.devries"}
    assert by_event["Consultation.BallotCast"] == {"secretary:GM0363"}
    assert by_event["Consultation.Closed"] == {"officer:j.devries"}
    assert by_event["BoardRatification.Decided"] == {"board:voorzitter"}
    assert by_event["ConditionalSigning.Signed"] == {"officer:j.devries"}
    # the workflows that follow act as themselves, never as a token holder
    assert by_event["ConditionalSigning.MadeDefinitive"] == {"system:workflow"}


# The whole story through the API -------------------------------------------------------------


def test_the_whole_story_through_the_api(api: Api) -> None:
    loaded = api.ok("officer", "POST", "/api/members/load", json={"reason": "CBS 2024"})
    assert len(loaded["added"]) == 342
    again = api.ok("officer", "POST", "/api/members/load", json={"reason": "CBS 2024"})
    assert (again["added"], again["unchanged"]) == ([], 342)
    assert len(api.ok("amsterdam", "GET", "/api/members")) == 342
    assert api.ok("auditor", "GET", "/api/members/gm0363")["name"] == "Amsterdam"

    assert api.as_("officer").post("/api/agreements", IZA).status_code == 201
    assert api.as_("officer").post("/api/agreements", AZWA).json() == {"code": "AZWA"}
    assert {a["code"] for a in api.ok("auditor", "GET", "/api/agreements")} == {"IZA", "AZWA"}
    before_signing = datetime.now(UTC).isoformat()

    signing = api.as_("officer").post("/api/signings", SIGNING)
    assert signing.status_code == 201
    sid = signing.json()["id"]
    assert api.ok("auditor", "GET", f"/api/signings/{sid}")["agreement"] == "AZWA"

    opened = api.as_("officer").post("/api/consultations", consultation_body())
    assert opened.status_code == 201
    cid = opened.json()["id"]
    info = api.ok("amsterdam", "GET", f"/api/consultations/{cid}")
    assert (info["phase"], info["electorate_members"]) == ("open", 342)
    assert cid in {c["id"] for c in api.ok("auditor", "GET", "/api/consultations")}

    scheduled = api.as_("officer").post(
        "/api/ratifications",
        {
            "title": "Bekrachtiging uitkomst ledenraadpleging",
            "date": in_future(days=10),
            "consultation": cid,
            "agreements": ["AZWA"],
            "signings": [sid],
            "reason": "the board ratifies the outcome",
        },
    )
    assert scheduled.status_code == 201
    rid = scheduled.json()["id"]
    assert api.ok("board", "GET", f"/api/ratifications/{rid}")["advice"] == "pending"
    assert any(d["kind"] == "ratification due" for d in api.ok("officer", "GET", "/api/deadlines"))

    def cast(role: str, member: str, choice: str, explanation: str = "") -> Any:
        return api.ok(
            role,
            "POST",
            f"/api/consultations/{cid}/ballots",
            json={"member": member, "choice": choice, "explanation": explanation},
        )["recorded"]

    assert cast("amsterdam", "GM0363", "no") is True
    assert cast("amsterdam", "GM0363", "yes", "Goed voor de wijkteams.") is True
    assert cast("amsterdam", "GM0363", "yes", "Goed voor de wijkteams.") is False
    assert cast("utrecht", "GM0344", "yes") is True
    assert cast("smallingerland", "GM0090", "no", "Te weinig geld.") is True

    tally = api.ok("auditor", "GET", f"/api/consultations/{cid}/tally")
    assert (tally["yes_weight"], tally["no_weight"]) == (150, 57)
    assert (tally["voted_members"], tally["electorate_members"]) == (3, 342)
    assert tally["yes_pct"] == round(100 * 150 / 207, 2)
    assert tally["provinces"]["Noord-Holland"]["yes_weight"] == 75
    assert tally["provinces"]["Friesland"]["no_weight"] == 57
    assert tally["provinces"]["Drenthe"]["voted_members"] == 0
    explanations = api.ok("auditor", "GET", f"/api/consultations/{cid}/explanations")
    assert {(e["member"], e["choice"], e["explanation"]) for e in explanations} == {
        ("GM0363", "yes", "Goed voor de wijkteams."),
        ("GM0090", "no", "Te weinig geld."),
    }
    actions = api.ok("amsterdam", "GET", "/api/actions")
    assert all(a["role"] == "secretary" for a in actions)

    assert api.ok(
        "officer", "POST", f"/api/consultations/{cid}/close", json={"reason": "alle stemmen binnen"}
    ) == {"closed": True}
    assert api.ok("auditor", "GET", f"/api/consultations/{cid}")["phase"] == "closed"
    assert api.ok("board", "GET", f"/api/ratifications/{rid}")["advice"] == "positive"
    conditional = datetime.now(UTC).isoformat()

    decided = api.ok(
        "board",
        "POST",
        f"/api/ratifications/{rid}/decision",
        json={"decision": "ratify", "reason": "bestuur"},
    )
    assert decided == {"decision": "ratify", "late": False}
    ratification = api.ok("auditor", "GET", f"/api/ratifications/{rid}")
    assert (ratification["decision"], ratification["outcome"]) == ("ratify", "ratified")
    communicated = api.ok(
        "officer",
        "POST",
        f"/api/ratifications/{rid}/communicate",
        json={"reference": "Lbr. 25/050", "reason": "ledenbrief"},
    )
    assert communicated == {"communicated": ["members", "partners"]}

    def vng(**params: str) -> dict[str, str]:
        rows = api.ok("auditor", "GET", "/api/status", params={"party": "VNG", **params})["status"]
        return {r["agreement"]: r["status"] for r in rows}

    assert vng()["AZWA"] == "definitive"
    assert vng(as_of=conditional)["AZWA"] == "conditionally signed"
    assert vng(as_of=before_signing)["AZWA"] == "negotiating"
    assert vng(as_of="2020-01-01") == {}
    status = api.ok("auditor", "GET", "/api/status", params={"as_of": "2020-01-01"})
    assert status["as_of"].startswith("2020-01-01T23:59:59")
    only_azwa = api.ok("auditor", "GET", "/api/status", params={"agreement": "AZWA"})["status"]
    assert {r["agreement"] for r in only_azwa} == {"AZWA"}

    history = api.ok("auditor", "GET", f"/api/history/{cid}", params={"version": 1})
    assert (history["version"], history["type"]) == (1, "Consultation")
    timeline = api.ok("auditor", "GET", "/api/timeline", params={"aggregate": cid})
    assert [step["event"] for step in timeline] == ["Consultation.Opened", "Consultation.Closed"]
    assert api.ok("auditor", "GET", "/api/audit/verify")["ok"] is True


# Docs and the log endpoint --------------------------------------------------------------------


def test_docs_and_the_openapi_schema_are_served(shared: tuple[Api, dict[str, str]]) -> None:
    api, _ = shared
    docs = api.client.get("/docs")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    assert "/openapi.json" in docs.text
    schema = api.client.get("/openapi.json").json()
    assert schema["info"]["title"] == "akkoord"
    documented = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    assert documented == set(ROUTES)
    assert not any(p.startswith(("/login", "/consultations", "/board")) for p in schema["paths"])


def test_the_log_endpoint_filters_and_pages(api: Api, story: dict[str, str]) -> None:
    cid = story["consultation"]
    api.ok(
        "utrecht",
        "POST",
        f"/api/consultations/{cid}/ballots",
        json={"member": "GM0344", "choice": "no"},
    )

    ballots = log_entries(api, event="ballotcast")
    assert [e["actor"] for e in ballots] == ["secretary:GM0363", "secretary:GM0344"]
    assert [e["data"]["member"] for e in ballots] == ["GM0363", "GM0344"]

    by_utrecht = log_entries(api, actor="GM0344")
    assert [e["event"] for e in by_utrecht] == ["Consultation.BallotCast"]

    of_consultation = log_entries(api, aggregate=cid)
    assert {e["aggregate_id"] for e in of_consultation} == {cid}
    assert [e["version"] for e in of_consultation] == list(range(1, len(of_consultation) + 1))
    assert of_consultation[0]["event"] == "Consultation.Opened"

    everything = log_entries(api)
    assert [e["position"] for e in everything] == list(range(1, len(everything) + 1))
    first = api.ok("auditor", "GET", "/api/log", params={"limit": 5})
    assert [e["position"] for e in first["entries"]] == [1, 2, 3, 4, 5]
    assert first["next"] == 6
    second = api.ok("auditor", "GET", "/api/log", params={"limit": 5, "from": first["next"]})
    assert [e["position"] for e in second["entries"]] == [6, 7, 8, 9, 10]
    last = api.ok("auditor", "GET", "/api/log", params={"from": len(everything)})
    assert len(last["entries"]) == 1 and last["next"] is None
    past_the_end = api.ok("auditor", "GET", "/api/log", params={"from": len(everything) + 10})
    assert past_the_end == {"entries": [], "next": None}
    assert log_entries(api, event="NoSuchEvent") == []


# Found by these tests -----------------------------------------------------------------------

EDGE_OF_TIME = [
    ("GET", "/api/status?as_of=0001-01-01T00:00", None),
    ("GET", "/api/status?as_of=9999-12-31&tz=America/New_York", None),
    ("GET", "/api/history/{consultation_id}?as_of=0001-01-01T00:00", None),
    ("POST", "/api/consultations", consultation_body(closes="0001-01-01T00:00")),
    ("POST", "/api/consultations", consultation_body(closes="9999-12-31T23:59-05:00")),
    ("POST", "/api/assemblies", {"title": "ALV", "date": "0001-01-01T00:00", "reason": "r"}),
]


@pytest.mark.parametrize(("method", "path", "body"), EDGE_OF_TIME)
def test_a_time_at_the_edge_of_the_calendar_is_bad_input_not_a_500(
    shared: tuple[Api, dict[str, str]], method: str, path: str, body: Any
) -> None:
    api, ids = shared
    response = api.client.request(
        method, fill(path, ids), json=body, headers=bearer(api.tokens["officer"])
    )
    error_of(response, 422, "invalid_time")


def test_a_body_that_is_not_utf8_is_bad_input_and_logged(api: Api, story: dict[str, str]) -> None:
    response = api.client.post(
        f"/api/consultations/{story['consultation']}/ballots",
        content=b"\x97\x91e\xb8",
        headers={**bearer(api.tokens["amsterdam"]), "content-type": "application/json"},
    )
    assert 400 <= response.status_code < 500
    assert refusals(api), "the refusal is not in akkoord.log"
    error_of(response, 422, "invalid_request")
