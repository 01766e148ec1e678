"""Dashboard sessions: the cookie holds a random id, never the token; the server keeps only its
hash, ends it after idle time, after an absolute time, at logout, and when its token is revoked.
Logins are rate-limited per client address. The sessions' clock is injected: nothing sleeps."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from adapters.auth.tokens import TokenStore, sessions
from adapters.config.settings import WebSettings
from adapters.entrypoints.http.app import create_app
from tests.http.dashboard_client import SAME_ORIGIN, SESSION_COOKIE, hidden, log_in
from tests.http.support import ISSUER, Api, bearer, issue_tokens, seed_story, store_path


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@dataclass
class Site:
    api: Api
    clock: Clock
    ids: dict[str, str]

    @property
    def client(self) -> TestClient:
        return self.api.client

    def at_home(self) -> int:
        """The status of the dashboard's front page for the client's cookies."""
        status: int = self.client.get("/", follow_redirects=False).status_code
        return status

    def head(self) -> int:
        position: int = self.api.ok("auditor", "GET", "/api/audit/checkpoint")["position"]
        return position


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    settings = store_path(tmp_path)
    tokens = issue_tokens(settings)
    clock = Clock()
    web = WebSettings(session_idle_seconds=30 * 60, session_absolute_seconds=12 * 3600)
    app = create_app(settings, scheduler=False, web=web, now=clock)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        api = Api(client, tokens, settings)
        yield Site(api, clock, seed_story(api))


def stored_digests(site: Site) -> list[str]:
    store = TokenStore(site.api.settings)
    try:
        with store.engine.connect() as conn:
            return [r.digest for r in conn.execute(select(sessions.c.digest))]
    finally:
        store.close()


def test_the_cookie_holds_a_session_id_and_the_store_only_its_hash(site: Site) -> None:
    log_in(site.client, site.api.tokens["officer"])
    session_id = site.client.cookies[SESSION_COOKIE]
    assert session_id not in site.api.tokens.values()
    assert len(session_id) >= 40  # secrets.token_urlsafe(32)
    assert stored_digests(site) == [hashlib.sha256(session_id.encode()).hexdigest()]
    assert site.at_home() == 200


def test_the_api_knows_only_bearer_tokens(site: Site) -> None:
    log_in(site.client, site.api.tokens["officer"])
    assert site.client.get("/api/me").status_code == 401  # the session cookie is not enough
    site.client.cookies.clear()
    site.client.cookies.set("akkoord_token", site.api.tokens["officer"])  # the old cookie
    assert site.client.get("/api/me").status_code == 401
    assert site.at_home() == 303


def test_a_session_ends_after_thirty_idle_minutes(site: Site) -> None:
    log_in(site.client, site.api.tokens["auditor"])
    for _ in range(4):  # used every 29 minutes, it lives on
        site.clock.advance(minutes=29)
        assert site.at_home() == 200
    site.clock.advance(minutes=31)
    assert site.at_home() == 303
    site.clock.advance(minutes=-31)  # and it is gone, not merely asleep
    assert site.at_home() == 303
    assert stored_digests(site) == []


def test_a_session_ends_twelve_hours_after_login_however_busy(site: Site) -> None:
    log_in(site.client, site.api.tokens["auditor"])
    for _ in range(35):  # a request every 20 minutes, up to 11 h 40 min after login
        site.clock.advance(minutes=20)
        assert site.at_home() == 200
    site.clock.advance(minutes=19)  # 11 h 59 min after login
    assert site.at_home() == 200
    site.clock.advance(minutes=1)
    assert site.at_home() == 303


def test_logout_ends_the_session_on_the_server(site: Site) -> None:
    cid = site.ids["consultation"]
    csrf = log_in(site.client, site.api.tokens["officer"])
    stolen = site.client.cookies[SESSION_COOKIE]
    out = site.client.post("/logout", data={"csrf_token": csrf}, headers=SAME_ORIGIN)
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    assert stored_digests(site) == []

    site.client.cookies.set(SESSION_COOKIE, stolen)  # a copy of the cookie kept from before
    assert site.at_home() == 303
    before = site.head()
    replay = site.client.post(
        f"/consultations/{cid}/close",
        data={"reason": "replayed", "csrf_token": csrf},
        headers=SAME_ORIGIN,
    )
    assert (replay.status_code, replay.headers["location"]) == (303, "/login")
    assert site.head() == before


def test_revoking_a_token_ends_its_sessions(site: Site) -> None:
    store = TokenStore(site.api.settings)
    try:
        issued = store.issue(role="officer", name="k.tijdelijk", issued_by=ISSUER, reason="test")
        log_in(site.client, issued.token)
        assert site.at_home() == 200
        assert len(stored_digests(site)) == 1
        store.revoke(issued.token_id, revoked_by=ISSUER)
    finally:
        store.close()
    assert site.at_home() == 303
    assert stored_digests(site) == []


def test_a_bearer_token_still_reaches_the_dashboard_without_a_session(site: Site) -> None:
    site.client.cookies.clear()
    page = site.client.get("/deadlines", headers=bearer(site.api.tokens["auditor"]))
    assert page.status_code == 200 and "auditor:a.jansen" in page.text


def test_cookies_are_secure_over_https_or_when_told(tmp_path: Path) -> None:
    settings = store_path(tmp_path)
    tokens = issue_tokens(settings)
    for base, web, secure in [
        ("http://testserver", WebSettings(), False),
        ("https://testserver", WebSettings(), True),
        ("http://testserver", WebSettings(secure_cookies=True), True),  # behind a TLS proxy
    ]:
        app = create_app(settings, scheduler=False, web=web)
        with TestClient(app, base_url=base, follow_redirects=False) as client:
            form = client.get("/login")
            assert ("secure" in form.headers["set-cookie"].lower()) is secure
            # the client would not send a Secure cookie over plain http (nor would a browser:
            # behind a TLS proxy it speaks https), so it is handed back as the browser would
            login_csrf = hidden(form.text)
            client.cookies.clear()
            client.cookies.set("akkoord_login_csrf", login_csrf)
            done = client.post(
                "/login",
                data={"token": tokens["officer"], "csrf_token": login_csrf},
                headers={"Origin": base},
            )
            assert done.status_code == 303, done.text
            session = next(
                c for c in done.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
            )
            assert ("secure" in session.lower()) is secure, (base, session)


def test_the_eleventh_login_attempt_in_a_minute_is_refused(site: Site) -> None:
    client = site.client
    client.cookies.clear()
    csrf = hidden(client.get("/login").text)
    statuses = [
        client.post(
            "/login",
            data={"token": f"akk_guess{n}", "csrf_token": csrf},
            headers=SAME_ORIGIN,
        ).status_code
        for n in range(10)
    ]
    assert statuses == [401] * 10
    eleventh = client.post(
        "/login",
        data={"token": site.api.tokens["officer"], "csrf_token": csrf},  # even the right one
        headers=SAME_ORIGIN,
    )
    assert eleventh.status_code == 429
    assert 1 <= int(eleventh.headers["retry-after"]) <= 60
    assert SESSION_COOKIE not in eleventh.headers.get("set-cookie", "")
    lines = [
        json.loads(line)
        for line in site.api.settings.log_path.read_text(encoding="utf-8").splitlines()
        if line.startswith("{")
    ]
    assert any(
        line.get("event") == "refused" and line.get("status") == 429 and line["path"] == "/login"
        for line in lines
    )
    # another address is not held back by this one's guesses
    # (no `with`: the app is already started, by the first client)
    other = TestClient(client.app, client=("192.0.2.7", 40000), follow_redirects=False)
    assert log_in(other, site.api.tokens["officer"])
