"""Cross-site requests: a form posted from anywhere but our own pages changes nothing.

SameSite=Strict is per site, and another port of the same host is the same site: these tests
send what such a page's form would send (the officer's real cookie, a foreign Origin) and what a
page that guessed or stole a stale CSRF token would send. Each is a 403, logged, writing nothing.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.config.settings import WebSettings
from adapters.entrypoints.http.app import create_app
from tests.http.dashboard_client import (
    ORIGIN,
    SAME_ORIGIN,
    SESSION_COOKIE,
    Sessions,
    hidden,
    log_in,
)
from tests.http.support import Api, issue_tokens, seed_story, store_path

NEIGHBOUR = "http://testserver:9999"  # same host, another port: the same *site*


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Sessions, str]]:
    settings = store_path(Path(tmp_path_factory.mktemp("csrf")))
    tokens = issue_tokens(settings)
    app = create_app(settings, scheduler=False, web=WebSettings(login_attempts_per_minute=1000))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        api = Api(client, tokens, settings)
        ids = seed_story(api)
        yield api, Sessions(client, tokens), ids["consultation"]


def head(api: Api) -> int:
    position: int = api.ok("auditor", "GET", "/api/audit/checkpoint")["position"]
    return position


def refusals(api: Api, since: int) -> list[dict[str, Any]]:
    text = api.settings.log_path.read_text(encoding="utf-8")[since:]
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("event") == "refused"]


def close_as_officer(
    site: tuple[Api, Sessions, str], headers: dict[str, str], csrf: str | None = None
) -> Any:
    api, sessions, cid = site
    token = sessions.use("officer")
    data = {"reason": "cross-site"}
    if csrf is not None:
        data["csrf_token"] = csrf or token
    return api.client.post(f"/consultations/{cid}/close", data=data, headers=headers)


@pytest.mark.parametrize(
    ("headers", "csrf"),
    [
        ({"Origin": NEIGHBOUR}, ""),  # another port of this host, with the right token even
        ({"Origin": "https://evil.example"}, ""),
        ({"Origin": "null"}, ""),  # a sandboxed frame or a data: page
        ({"Referer": NEIGHBOUR + "/attack.html"}, ""),  # no Origin, a foreign referer
        ({}, ""),  # neither: not from a page of ours
        ({**SAME_ORIGIN, "Sec-Fetch-Site": "same-site"}, ""),  # the browser says so itself
        ({**SAME_ORIGIN, "Sec-Fetch-Site": "cross-site"}, ""),
        (SAME_ORIGIN, None),  # our origin, no CSRF token
        (SAME_ORIGIN, "forged-token"),
    ],
)
def test_a_state_changing_form_from_elsewhere_is_refused_and_writes_nothing(
    site: tuple[Api, Sessions, str], headers: dict[str, str], csrf: str | None
) -> None:
    api, _, _ = site
    before = head(api)
    log_size = len(api.settings.log_path.read_text(encoding="utf-8"))
    response = close_as_officer(site, headers, csrf)
    assert response.status_code == 403, response.text[:300]
    assert head(api) == before
    logged = refusals(api, log_size)
    assert [(r["status"], r["code"]) for r in logged][-1:] in (
        [(403, "cross_origin")],
        [(403, "csrf")],
    ), logged


def test_another_sessions_token_does_not_open_this_one(site: tuple[Api, Sessions, str]) -> None:
    api, sessions, cid = site
    theirs = sessions.use("amsterdam")
    sessions.use("officer")
    before = head(api)
    response = api.client.post(
        f"/consultations/{cid}/close",
        data={"reason": "r", "csrf_token": theirs},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 403 and head(api) == before


def test_our_own_form_with_its_token_still_works(site: tuple[Api, Sessions, str]) -> None:
    api, sessions, cid = site
    before = head(api)
    done = sessions.post("utrecht", f"/consultations/{cid}/ballot", {"choice": "no"})
    assert done.status_code == 303 and "error" not in done.headers["location"]
    assert head(api) > before


def test_a_same_origin_referer_stands_in_for_a_missing_origin(
    site: tuple[Api, Sessions, str],
) -> None:
    api, sessions, cid = site
    csrf = sessions.use("smallingerland")
    before = head(api)
    done = api.client.post(
        f"/consultations/{cid}/ballot",
        data={"choice": "yes", "csrf_token": csrf},
        headers={"Referer": f"{ORIGIN}/consultations/{cid}"},
    )
    assert done.status_code == 303 and head(api) > before


def test_htmx_sends_the_token_as_a_header(site: tuple[Api, Sessions, str]) -> None:
    api, sessions, cid = site
    csrf = sessions.use("amsterdam")
    page = api.client.get(f"/consultations/{cid}")
    body = re.search(r"<body hx-headers='([^']*)'>", page.text)
    assert body is not None
    assert json.loads(html.unescape(body.group(1))) == {"X-CSRF-Token": csrf}
    before = head(api)
    done = api.client.post(
        f"/consultations/{cid}/ballot",
        data={"choice": "no"},
        headers={**SAME_ORIGIN, "X-CSRF-Token": csrf, "HX-Request": "true"},
    )
    assert done.status_code == 303 and head(api) > before


def test_every_form_that_posts_carries_the_sessions_token(
    site: tuple[Api, Sessions, str],
) -> None:
    api, sessions, cid = site
    for role in ("officer", "board", "amsterdam", "auditor"):
        csrf = sessions.use(role)
        for path in ("/", f"/consultations/{cid}", "/board", "/log", "/deadlines"):
            text = api.client.get(path).text
            forms = re.findall(r'<form method="post".*?</form>', text, re.S)
            assert forms, (role, path)  # at least the logout form
            for form in forms:
                assert hidden(form) == csrf, (role, path, form[:120])


def test_a_login_from_another_site_is_refused(site: tuple[Api, Sessions, str]) -> None:
    """Login CSRF: a neighbour's page must not log the victim's browser in as its own
    municipality's secretary (so that the victim's ballot goes in under that name)."""
    api, _, _ = site
    api.client.cookies.clear()
    form = api.client.get("/login")
    login_csrf = hidden(form.text)
    attacker = {"token": api.tokens["utrecht"], "csrf_token": login_csrf}
    for headers in ({"Origin": NEIGHBOUR}, {}, {**SAME_ORIGIN, "Sec-Fetch-Site": "cross-site"}):
        refused = api.client.post("/login", data=attacker, headers=headers)
        assert refused.status_code == 403, headers
        assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")
    # our origin, but without the login form's own token (a neighbour cannot read it)
    no_token = api.client.post("/login", data={"token": api.tokens["utrecht"]}, headers=SAME_ORIGIN)
    assert no_token.status_code == 403
    api.client.cookies.clear()  # nor can it be made up: the cookie and field must agree
    made_up = api.client.post(
        "/login", data={"token": api.tokens["utrecht"], "csrf_token": "x" * 43}, headers=SAME_ORIGIN
    )
    assert made_up.status_code == 403
    assert SESSION_COOKIE not in api.client.cookies
    assert log_in(api.client, api.tokens["utrecht"])  # the real form still works
