"""The dashboard's pages and forms, server-side (no browser): login, roles, labels, no network.

The browser tests (tests/browser) drive the same pages in Chromium; these run in every test
run and check what a browser would not show directly: redirects, cookies, every field's label,
what each role is offered, and where refusals go.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.config.settings import WebSettings
from adapters.entrypoints.http.app import create_app
from tests.http.dashboard_client import SAME_ORIGIN, SESSION_COOKIE, Sessions, hidden
from tests.http.support import UNKNOWN, Api, issue_tokens, seed_story, store_path

PAGES = ["/", "/consultations", "/consultations/{cid}", "/board", "/timeline", "/log"]


class Form:
    def __init__(self, method: str, action: str) -> None:
        self.method = method
        self.action = action
        self.fields: list[dict[str, str]] = []


class Page(HTMLParser):
    """The forms, fields, labels and outside references of one rendered page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.fields: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.references: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("src", "href", "action", "hx-get", "hx-post"):
            if key in a:
                self.references.append(a[key])
        if tag == "form":
            self.forms.append(Form(a.get("method", "get").lower(), a.get("action", "")))
        elif tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.fields.append({"tag": tag, **a})
            if self.forms:
                self.forms[-1].fields.append(a)

    def post_actions(self) -> list[str]:
        return [f.action for f in self.forms if f.method == "post"]


def page_of(response: Any) -> Page:
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return Page(response.text)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, dict[str, str]]]:
    settings = store_path(Path(tmp_path_factory.mktemp("pages")))
    tokens = issue_tokens(settings)
    # logins are rate-limited per client address, and every test here comes from one
    app = create_app(settings, scheduler=False, web=WebSettings(login_attempts_per_minute=1000))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        api = Api(client, tokens, settings)
        _SESSIONS[id(client)] = Sessions(client, tokens)
        yield api, seed_story(api)


_SESSIONS: dict[int, Sessions] = {}


def signed_in(api: Api, role: str) -> None:
    _SESSIONS[id(api.client)].use(role)


def get(api: Api, role: str, path: str) -> Any:
    signed_in(api, role)
    return api.client.get(path)


def post(api: Api, role: str, path: str, data: dict[str, str]) -> Any:
    return _SESSIONS[id(api.client)].post(role, path, data)


def fill(path: str, ids: dict[str, str]) -> str:
    return path.replace("{cid}", ids["consultation"])


@pytest.mark.parametrize("path", [*PAGES, "/consultations/{cid}/tally"])
def test_without_a_token_every_page_sends_you_to_the_login(
    site: tuple[Api, dict[str, str]], path: str
) -> None:
    api, ids = site
    api.client.cookies.clear()
    response = api.client.get(fill(path, ids))
    if path.endswith("/tally"):  # the htmx fragment: no page to redirect
        assert response.status_code == 401
    else:
        assert (response.status_code, response.headers["location"]) == (303, "/login")


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/consultations/{cid}/ballot", {"choice": "yes"}),
        ("/consultations/{cid}/close", {"reason": "r"}),
        ("/board/" + UNKNOWN + "/decision", {"decision": "ratify"}),
    ],
)
def test_without_a_token_no_form_does_anything(
    site: tuple[Api, dict[str, str]], path: str, data: dict[str, str]
) -> None:
    api, ids = site
    before = api.ok("auditor", "GET", "/api/audit/checkpoint")["position"]
    api.client.cookies.clear()
    response = api.client.post(fill(path, ids), data=data)
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert api.ok("auditor", "GET", "/api/audit/checkpoint")["position"] == before


def test_logging_in_sets_a_strict_http_only_session_cookie_and_out_clears_it(
    site: tuple[Api, dict[str, str]],
) -> None:
    api, _ = site
    api.client.cookies.clear()
    form = api.client.get("/login")
    login = page_of(form)
    assert [f["id"] for f in login.fields] == ["token"] and "token" in login.label_for
    assert login.fields[0]["type"] == "password"
    login_csrf = hidden(form.text)

    refused = api.client.post(
        "/login", data={"token": "akk_wrong", "csrf_token": login_csrf}, headers=SAME_ORIGIN
    )
    assert "onbekend of ingetrokken token" in refused.text
    assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")

    accepted = api.client.post(
        "/login",
        data={"token": api.tokens["amsterdam"], "csrf_token": login_csrf},
        headers=SAME_ORIGIN,
    )
    assert (accepted.status_code, accepted.headers["location"]) == (303, "/")
    cookies = accepted.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith(SESSION_COOKIE + "="))
    assert "httponly" in session.lower() and "samesite=strict" in session.lower()
    assert api.tokens["amsterdam"] not in accepted.headers["set-cookie"]  # an id, not the token
    home = api.client.get("/")
    assert "secretary:GM0363" in home.text

    out = api.client.post("/logout", data={"csrf_token": hidden(home.text)}, headers=SAME_ORIGIN)
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    assert f'{SESSION_COOKIE}=""' in out.headers["set-cookie"] or "max-age=0" in (
        out.headers["set-cookie"].lower()
    )
    api.client.cookies.clear()


@pytest.mark.parametrize("role", ["officer", "amsterdam", "board", "auditor"])
def test_every_form_field_has_a_label_and_nothing_comes_from_outside(
    site: tuple[Api, dict[str, str]], role: str
) -> None:
    api, ids = site
    for path in PAGES:
        page = page_of(get(api, role, fill(path, ids)))
        for field in page.fields:
            assert field.get("id") in page.label_for, (path, field)
        for ref in page.references:
            assert not re.match(r"^(https?:)?//", ref), (path, ref)  # no external network


def test_htmx_is_served_from_the_package(site: tuple[Api, dict[str, str]]) -> None:
    api, _ = site
    response = api.client.get("/static/htmx.min.js")
    assert response.status_code == 200 and "javascript" in response.headers["content-type"]
    assert "htmx" in response.text[:2000]
    assert '<script src="/static/htmx.min.js"' in get(api, "auditor", "/").text


def test_what_each_role_is_offered_on_the_consultation_page(
    site: tuple[Api, dict[str, str]],
) -> None:
    api, ids = site
    cid = ids["consultation"]
    offered = {
        role: page_of(get(api, role, f"/consultations/{cid}")).post_actions()
        for role in ("amsterdam", "officer", "board", "auditor")
    }
    assert offered == {
        "amsterdam": ["/logout", f"/consultations/{cid}/ballot"],
        "officer": ["/logout", f"/consultations/{cid}/remind", f"/consultations/{cid}/close"],
        "board": ["/logout"],
        "auditor": ["/logout"],
    }
    ballot = page_of(get(api, "amsterdam", f"/consultations/{cid}"))
    radios = [f for f in ballot.fields if f.get("type") == "radio"]
    assert {r["value"] for r in radios} == {"yes", "no"}
    assert {r["name"] for r in radios} == {"choice"}


def test_the_live_tally_fragment(site: tuple[Api, dict[str, str]]) -> None:
    api, ids = site
    cid = ids["consultation"]
    fragment = get(api, "auditor", f"/consultations/{cid}/tally")
    assert fragment.status_code == 200
    # The fragment is the contents of a live region that stays put on the page, so screen
    # readers announce the change instead of losing the region on every refresh.
    assert fragment.text.lstrip().startswith("<h2>")
    assert re.search(r'data-testid="yes-weight">\s*75<', fragment.text)
    assert "Noord-Holland" in fragment.text
    page_html = get(api, "auditor", f"/consultations/{cid}").text
    container = re.search(r'<div id="tally"[^>]*>', page_html)
    assert container is not None
    assert f'hx-get="/consultations/{cid}/tally"' in container.group(0)
    assert 'hx-swap="innerHTML"' in container.group(0) and 'aria-live="polite"' in container.group(
        0
    )


def test_a_refused_form_says_why_on_the_page_it_came_from(
    site: tuple[Api, dict[str, str]],
) -> None:
    api, ids = site
    cid = ids["consultation"]
    before = api.ok("auditor", "GET", "/api/audit/checkpoint")["position"]
    refused = post(api, "auditor", f"/consultations/{cid}/close", {"reason": "r"})
    assert refused.status_code == 303
    assert refused.headers["location"].startswith(f"/consultations/{cid}?error=")
    shown = get(api, "auditor", refused.headers["location"])
    # The refusal in the page's language (Dutch by default): adapters/i18n/errors.py.
    assert 'role="alert"' in shown.text and "auditor:a.jansen mag dit niet" in shown.text
    assert api.ok("auditor", "GET", "/api/audit/checkpoint")["position"] == before


def test_the_status_page_reads_its_as_of_date(site: tuple[Api, dict[str, str]]) -> None:
    api, _ = site
    now = get(api, "auditor", "/")
    assert "voorwaardelijk ondertekend" in now.text and "AZWA" in now.text
    then = get(api, "auditor", "/?as_of=2020-01-01")
    assert then.status_code == 200 and "Geen akkoorden op dat moment." in then.text
    assert 'value="2020-01-01"' in then.text
    bad = get(api, "auditor", "/?as_of=gisteren")
    assert bad.status_code == 200 and 'role="alert"' in bad.text


def test_the_log_page_filters(site: tuple[Api, dict[str, str]]) -> None:
    api, ids = site
    ballots = get(api, "auditor", "/log?event=BallotCast")
    rows = re.findall(r"<tr><td class=\"num\">(\d+)</td>.*?</tr>", ballots.text)
    assert len(rows) == 1 and "secretary:GM0363" in ballots.text
    assert 'value="BallotCast"' in ballots.text
    by_officer = get(api, "auditor", "/log?actor=officer&event=Consultation")
    assert "Consultation.Opened" in by_officer.text and "BallotCast" not in by_officer.text
    of_it = get(api, "auditor", f"/log?aggregate={ids['consultation'][:8]}")
    assert "Consultation.Opened" in of_it.text and "Member.Registered" not in of_it.text


def refused_paths(api: Api, since: int) -> list[str]:
    """The paths of the refusals logged after `since` characters of the store's log."""
    text = api.settings.log_path.read_text(encoding="utf-8")[since:]
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return [line["path"] for line in lines if line.get("event") == "refused"]


# Found by these tests -----------------------------------------------------------------------


def test_a_refused_form_is_logged(site: tuple[Api, dict[str, str]]) -> None:
    api, ids = site
    cid = ids["consultation"]
    before = api.settings.log_path.read_text(encoding="utf-8")
    api.client.cookies.clear()
    api.client.get("/api/me")  # an API refusal, logged: the control
    post(api, "officer", f"/consultations/{cid}/ballot", {"choice": "yes"})
    post(api, "auditor", f"/consultations/{cid}/close", {"reason": "r"})
    added = refused_paths(api, since=len(before))
    assert "/api/me" in added, added
    assert added == ["/api/me", f"/consultations/{cid}/ballot", f"/consultations/{cid}/close"]


def test_a_refused_login_is_logged(site: tuple[Api, dict[str, str]]) -> None:
    api, _ = site
    before = api.settings.log_path.read_text(encoding="utf-8")
    api.client.cookies.clear()
    api.client.get("/api/me")  # an API refusal, logged: the control
    form = api.client.get("/login")
    api.client.post(
        "/login",
        data={"token": "akk_guessing", "csrf_token": hidden(form.text)},
        headers=SAME_ORIGIN,
    )
    added = refused_paths(api, since=len(before))
    assert "/api/me" in added, added
    assert "/login" in added, added


def test_the_page_of_an_unknown_consultation_is_a_404(
    site: tuple[Api, dict[str, str]],
) -> None:
    api, _ = site
    response = get(api, "auditor", f"/consultations/{UNKNOWN}")
    assert "onbekende raadpleging" in response.text
    assert response.status_code == 404
