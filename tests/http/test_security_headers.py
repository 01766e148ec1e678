"""Every response carries the security headers; no page of ours runs inline script or style,
so the Content-Security-Policy can forbid them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adapters.entrypoints.http.app import create_app
from tests.http.dashboard_client import Sessions
from tests.http.support import Api, bearer, issue_tokens, seed_story, store_path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Sessions, str]]:
    settings = store_path(Path(tmp_path_factory.mktemp("headers")))
    tokens = issue_tokens(settings)
    app = create_app(settings, scheduler=False)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        api = Api(client, tokens, settings)
        ids = seed_story(api)
        yield api, Sessions(client, tokens), ids["consultation"]


def policy(header: str) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


class Inline(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and not a.get("src"):
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        if "style" in a or any(k.startswith("on") for k in a):
            self.found.append(f"<{tag}> with {sorted(a)}")


def test_every_response_carries_the_headers(site: tuple[Api, Sessions, str]) -> None:
    api, sessions, cid = site
    sessions.use("officer")
    responses = {
        "page": api.client.get(f"/consultations/{cid}"),
        "login": api.client.get("/login"),
        "fragment": api.client.get(f"/consultations/{cid}/tally"),
        "static": api.client.get("/static/htmx.min.js"),
        "api": api.client.get("/api/me", headers=bearer(api.tokens["auditor"])),
        "refusal": api.client.get("/api/me", headers=bearer("akk_nope")),
        "not found": api.client.get("/nowhere"),
        "forbidden": api.client.post(f"/consultations/{cid}/close", data={"reason": "r"}),
    }
    assert responses["forbidden"].status_code == 403
    for what, response in responses.items():
        h = response.headers
        assert h["x-content-type-options"] == "nosniff", what
        assert h["x-frame-options"] == "DENY", what
        assert h["referrer-policy"] in ("same-origin", "no-referrer"), what
        csp = policy(h["content-security-policy"])
        assert csp["default-src"] == "'self'", what
        assert csp["frame-ancestors"] == "'none'", what
        assert csp["script-src"] == "'self'", what  # no inline script, no eval
        assert csp["style-src"] == "'self'", what


def test_the_api_docs_have_their_own_policy_and_no_inline_script(
    site: tuple[Api, Sessions, str],
) -> None:
    api, _, _ = site
    docs = api.client.get("/docs")
    assert docs.status_code == 200
    csp = policy(docs.headers["content-security-policy"])
    assert csp["script-src"] == "'self'" and csp["frame-ancestors"] == "'none'"
    scripts = re.findall(r"<script[^>]*>", docs.text)
    assert scripts and all("src=" in s for s in scripts)
    assert api.client.get("/static/swagger/init.js").status_code == 200


def test_no_page_has_inline_script_or_style(site: tuple[Api, Sessions, str]) -> None:
    api, sessions, cid = site
    for role in ("officer", "amsterdam", "board", "auditor"):
        sessions.use(role)
        for path in (
            "/",
            "/consultations",
            f"/consultations/{cid}",
            f"/consultations/{cid}/tally",
            "/board",
            "/deadlines",
            "/timeline",
            "/log",
        ):
            response = api.client.get(path)
            assert response.status_code == 200, (role, path)
            assert Inline(response.text).found == [], (role, path)
    api.client.cookies.clear()
    assert Inline(api.client.get("/login").text).found == []
