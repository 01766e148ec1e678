"""Personal sign-in links: one click signs the secretary in and lands on the ballot; the session
is good for that consultation only and ends with the link; and the officer's remind button."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from adapters.auth.tokens import TokenStore
from adapters.config.settings import WebSettings
from adapters.entrypoints.http.app import create_app
from domain.actor import SCHEDULER
from tests.http.dashboard_client import SAME_ORIGIN, SESSION_COOKIE, hidden, log_in
from tests.http.support import Api, bearer, consultation_body, issue_tokens, seed_story, store_path


class Clock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at


@dataclass
class Site:
    api: Api
    clock: Clock
    cid: str
    other: str
    closes: datetime

    @property
    def client(self) -> TestClient:
        return self.api.client

    def link(self, member: str = "GM0090", cid: str = "") -> str:
        store = TokenStore(self.api.settings)
        try:
            return store.issue_link(
                member, UUID(cid or self.cid), self.closes, SCHEDULER, "test link"
            ).token
        finally:
            store.close()

    def follow(self, token: str) -> str:
        """Click the link in a fresh browser; returns the landing page's CSRF token."""
        self.client.cookies.clear()
        landing = self.client.get(f"/stem/{token}")
        assert landing.status_code == 303, (landing.status_code, landing.text[:300])
        assert landing.headers["location"] == f"/consultations/{self.cid}"
        assert "samesite=lax" in landing.headers["set-cookie"].lower()
        page = self.client.get(landing.headers["location"])
        assert page.status_code == 200, page.text[:300]
        assert f'action="/consultations/{self.cid}/ballot"' in page.text
        return hidden(page.text)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    settings = store_path(Path(tmp_path_factory.mktemp("links")))
    tokens = issue_tokens(settings)
    clock = Clock()
    app = create_app(settings, scheduler=False, web=WebSettings(), now=clock)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        api = Api(client, tokens, settings)
        ids = seed_story(api)
        other = api.ok("officer", "POST", "/api/consultations", json=consultation_body())["id"]
        closes = datetime.fromisoformat(
            api.ok("officer", "GET", f"/api/consultations/{ids['consultation']}")["closes_at"]
        )
        yield Site(api, clock, ids["consultation"], other, closes)


def test_a_link_signs_in_and_lands_on_the_ballot_page_and_votes(site: Site) -> None:
    csrf = site.follow(site.link())
    cast = site.client.post(
        f"/consultations/{site.cid}/ballot",
        data={"choice": "yes", "csrf_token": csrf},
        headers=SAME_ORIGIN,
    )
    assert cast.status_code == 303 and "error" not in cast.headers["location"]
    standing = site.api.ok("officer", "GET", f"/api/consultations/{site.cid}")
    assert standing["ballots_standing"] == 2  # Amsterdam's and now Smallingerland's


def test_a_links_session_stays_in_its_own_consultation(site: Site) -> None:
    token = site.link("GM0344")
    csrf = site.follow(token)
    elsewhere = site.client.post(
        f"/consultations/{site.other}/ballot",
        data={"choice": "yes", "csrf_token": csrf},
        headers=SAME_ORIGIN,
    )
    assert elsewhere.status_code == 403
    assert "één ledenraadpleging" in elsewhere.text
    for page in ("/", "/consultations", f"/consultations/{site.other}", "/log"):
        assert site.client.get(page).status_code == 403, page
    # the same token as a bearer token: the API holds it to the same consultation
    api = site.client.post(
        f"/api/consultations/{site.other}/ballots",
        json={"member": "GM0344", "choice": "yes"},
        headers=bearer(token),
    )
    assert api.status_code == 403 and api.json()["error"]["code"] == "out_of_scope"
    assert site.client.get(f"/api/consultations/{site.cid}", headers=bearer(token)).is_success
    assert (
        site.api.ok("officer", "GET", f"/api/consultations/{site.other}")["ballots_standing"] == 0
    )


def test_unknown_revoked_plain_and_expired_links_are_refused_in_dutch(site: Site) -> None:
    site.client.cookies.clear()
    for token in ("akk_nonsense", site.api.tokens["utrecht"]):  # a plain token is no link
        refused = site.client.get(f"/stem/{token}")
        assert refused.status_code == 410
        assert "werkt niet meer" in refused.text
        assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")
    token = site.link("GM0088")
    site.follow(token)
    site.clock.at = site.closes + timedelta(minutes=1)
    try:
        assert site.client.get(f"/consultations/{site.cid}").status_code == 303  # to /login
        site.client.cookies.clear()
        assert site.client.get(f"/stem/{token}").status_code == 410
    finally:
        site.clock.at = datetime.now(UTC)


def test_the_remind_button_needs_csrf_and_an_officer(site: Site) -> None:
    path = f"/consultations/{site.cid}/remind"
    csrf = log_in(site.client, site.api.tokens["officer"])
    without = site.client.post(path, data={"reason": "r"}, headers=SAME_ORIGIN)
    assert without.status_code == 403
    done = site.client.post(path, data={"csrf_token": csrf}, headers=SAME_ORIGIN)
    assert done.status_code == 303, done.text[:300]
    assert re.search(r"message=[0-9]+%20gemeenten%20herinnerd", done.headers["location"])
    csrf = log_in(site.client, site.api.tokens["amsterdam"])
    secretary = site.client.post(path, data={"csrf_token": csrf}, headers=SAME_ORIGIN)
    assert secretary.status_code == 303 and "error=" in secretary.headers["location"]
    log = site.api.ok("auditor", "GET", "/api/log", params={"event": "NonVotersReminded"})
    reminded = log["entries"]
    assert [e["actor"] for e in reminded] == ["officer:j.devries"]


def test_a_links_token_never_reaches_the_log(site: Site) -> None:
    """A link is a password in a URL: a refused request on it (a wrong method, a body too
    large) is logged with its path, and that path must not carry the token."""
    token = site.link("GM0014")
    before = len(site.api.settings.log_path.read_text(encoding="utf-8"))
    assert site.client.post(f"/stem/{token}").status_code == 405
    assert site.client.put(f"/stem/{token}", content=b"x" * 2_000_000).status_code == 413
    logged = site.api.settings.log_path.read_text(encoding="utf-8")[before:]
    assert '"/stem/' in logged  # the refusals are logged, with where they happened
    assert token not in logged
    assert token.split("_", 1)[-1][:12] not in logged
    landing = site.client.get(f"/stem/{token}")  # and the link still works
    assert landing.status_code == 303
