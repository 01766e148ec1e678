"""The dashboard in a real browser: `akkoord serve` as a subprocess, Debian's Chromium headless.

A secretary logs in and casts a ballot with the keyboard, and the tally changes (also live,
through the vendored htmx); an officer closes a consultation; an auditor is offered no form
that writes; the as-of date picker and the log filters work. Every page is screenshotted into
test-artifacts/ at the repository root. No browser is downloaded: CI installs Debian's chromium.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient

from adapters.entrypoints.http.app import create_app
from tests.browser.support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, NEEDS_CHROMIUM, serving
from tests.http.support import Api, bearer, consultation_body, issue_tokens, seed_story, store_path

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


class Server:
    """The running `akkoord serve`, its tokens, and the API to arrange things through it."""

    def __init__(self, base: str, tokens: dict[str, str], ids: dict[str, str]) -> None:
        self.base = base
        self.tokens = tokens
        self.ids = ids

    def api(self, role: str, method: str, path: str, body: Any = None) -> Any:
        response = httpx.request(
            method, self.base + path, json=body, headers=bearer(self.tokens[role]), timeout=30
        )
        assert response.status_code < 300, (path, response.status_code, response.text)
        return response.json()

    def open_consultation(self, title: str, **extra: Any) -> str:
        cid: str = self.api(
            "officer", "POST", "/api/consultations", consultation_body(title=title, **extra)
        )["id"]
        return cid


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = Path(tmp_path_factory.mktemp("browser"))
    settings = store_path(home)
    tokens = issue_tokens(settings)
    # the story so far: a consultation closed with Amsterdam's yes, the board's advice given
    with TestClient(create_app(settings, scheduler=False)) as client:
        ids = seed_story(Api(client, tokens, settings), close=True)
    with serving(settings.data_dir, home / "serve.log") as base:
        yield Server(base, tokens, ids)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser context; any request that leaves the server fails the test."""
    context = browser.new_context(base_url=server.base, viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    ours = urlsplit(server.base).netloc

    def only_ours(route: Any) -> None:
        if urlsplit(route.request.url).netloc == ours:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_ours)
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Anything the Content-Security-Policy blocks (an inline script or style) shows up here.
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert outside == [], f"the dashboard reached outside: {outside}"
    assert blocked == [], f"the CSP blocked: {blocked}"


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


def log_in(page: Page, server: Server, role: str) -> None:
    page.goto("/login")
    field = page.get_by_label("Token")
    field.fill(server.tokens[role])
    field.press("Enter")  # the keyboard submits the form
    expect(page).to_have_url(server.base + "/")
    expect(page.locator("header .who")).to_be_visible()


def post_actions(page: Page) -> list[str]:
    actions: list[str] = page.locator("form[method=post]").evaluate_all(
        "forms => forms.map(f => f.getAttribute('action'))"
    )
    return actions


def unlabelled_fields(page: Page) -> list[str]:
    found: list[str] = page.locator("input, select, textarea").evaluate_all(
        """els => els
            .filter(e => e.type !== 'hidden' && e.type !== 'submit')
            .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label'))
            .map(e => e.outerHTML)"""
    )
    return found


def test_a_secretary_logs_in_casts_a_ballot_with_the_keyboard_and_sees_the_tally_change(
    page: Page, server: Server
) -> None:
    # The interim tally is the officers' unless the consultation shows it to everyone.
    cid = server.open_consultation("Ledenraadpleging stemtest", tally_visibility="everyone")
    log_in(page, server, "amsterdam")
    expect(page.locator("header .who")).to_have_text("secretary:GM0363")
    page.get_by_role("link", name="Ledenraadplegingen").click()
    page.get_by_role("link", name="Ledenraadpleging stemtest").click()
    expect(page).to_have_url(f"{server.base}/consultations/{cid}")
    expect(page.get_by_test_id("phase")).to_have_text("open")
    expect(page.get_by_test_id("yes-weight")).to_have_text("0")
    expect(page.get_by_test_id("voted-members")).to_contain_text("0 van 342 gemeenten")
    assert unlabelled_fields(page) == []
    shot(page, "secretary-before")

    yes = page.get_by_label("Ja, instemmen")
    yes.focus()
    page.keyboard.press("Space")
    expect(yes).to_be_checked()
    explanation = page.get_by_label("Toelichting (optioneel)")
    explanation.fill("Goed voor de wijkteams in Amsterdam.")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Stem uitbrengen"
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text("stem vastgelegd")
    expect(page.get_by_test_id("yes-weight")).to_have_text("75")
    expect(page.get_by_test_id("no-weight")).to_have_text("0")
    expect(page.get_by_test_id("voted-members")).to_contain_text("1 van 342 gemeenten")
    noord_holland = page.get_by_role("row", name=re.compile(r"^Noord-Holland"))
    expect(noord_holland.get_by_role("cell").first).to_have_text("75")
    expect(page.get_by_text("Goed voor de wijkteams in Amsterdam.")).to_be_visible()
    shot(page, "secretary-after")

    # the tally is live: another municipality's ballot shows up without a reload (htmx, 5 s)
    server.api(
        "utrecht",
        "POST",
        f"/api/consultations/{cid}/ballots",
        {"member": "GM0344", "choice": "yes"},
    )
    expect(page.get_by_test_id("yes-weight")).to_have_text("150", timeout=15_000)
    expect(page.get_by_role("status")).to_have_text("stem vastgelegd")  # same page, not reloaded
    shot(page, "secretary-live-tally")


def test_an_officer_closes_the_consultation_with_a_reason(page: Page, server: Server) -> None:
    cid = server.open_consultation("Ledenraadpleging sluittest")
    log_in(page, server, "officer")
    page.goto(f"/consultations/{cid}")
    expect(page.get_by_test_id("phase")).to_have_text("open")
    assert unlabelled_fields(page) == []
    close = page.get_by_role("button", name="Ledenraadpleging sluiten")

    close.click()  # before the deadline, a reason is required
    expect(page.get_by_role("alert")).to_contain_text("geef een reden om haar eerder te sluiten")
    expect(page.get_by_test_id("phase")).to_have_text("open")
    shot(page, "officer-refused")

    reason = page.get_by_label("Reden (verplicht bij sluiten vóór de deadline)")
    reason.fill("Alle stemmen zijn binnen")
    reason.press("Enter")
    expect(page.get_by_role("status")).to_have_text("ledenraadpleging gesloten")
    expect(page.get_by_test_id("phase")).to_have_text("gesloten")
    expect(page.get_by_role("button", name="Ledenraadpleging sluiten")).to_have_count(0)
    shot(page, "officer-closed")
    closed = server.api("auditor", "GET", f"/api/log?aggregate={cid}&event=Closed")["entries"]
    assert [(e["actor"], e["data"]["reason"]) for e in closed] == [
        ("officer:j.devries", "Alle stemmen zijn binnen")
    ]


def test_an_auditor_is_offered_no_form_that_writes(page: Page, server: Server) -> None:
    cid = server.open_consultation("Ledenraadpleging auditortest")
    log_in(page, server, "auditor")
    for path, name in [
        (f"/consultations/{cid}", "auditor-consultation"),
        (f"/consultations/{server.ids['consultation']}", "auditor-closed-consultation"),
        ("/board", "auditor-board"),
        ("/", "auditor-status"),
        ("/timeline", "auditor-timeline"),
    ]:
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        assert post_actions(page) == ["/logout"], path
        shot(page, name)
    page.goto("/board")
    expect(page.get_by_test_id("advice")).to_have_text("positief")
    expect(page.get_by_label("Besluit", exact=True)).to_have_count(0)


def test_the_board_page_offers_the_board_its_decision_form(page: Page, server: Server) -> None:
    log_in(page, server, "board")
    page.get_by_role("link", name="Bestuur").click()
    expect(page.get_by_test_id("advice")).to_have_text("positief")
    assert unlabelled_fields(page) == []
    rid = server.ids["ratification"]
    assert post_actions(page) == ["/logout", f"/board/{rid}/decision"]
    page.get_by_label("Besluit", exact=True).select_option("ratify")
    page.get_by_label("Reden / vergadering").fill("bestuursvergadering 29 oktober")
    page.get_by_role("button", name="Besluit vastleggen").press("Enter")
    expect(page.get_by_role("status")).to_have_text("besluit vastgelegd: bekrachtigen")
    expect(page.locator("main")).to_contain_text("uitkomst: bekrachtigd")
    shot(page, "board-decided")


def test_the_status_page_as_of_date_picker(page: Page, server: Server) -> None:
    log_in(page, server, "auditor")
    matrix = page.get_by_role("table")
    expect(matrix.get_by_role("columnheader", name="AZWA")).to_be_visible()
    vng = matrix.get_by_role("row", name=re.compile(r"^VNG"))
    expect(vng).to_contain_text(re.compile(r"voorwaardelijk ondertekend|definitief"))
    shot(page, "status-now")

    picker = page.get_by_label("Stand per datum")
    picker.fill("2020-01-01")
    page.get_by_role("button", name="Toon").click()
    # The form also sends its "bekend op" (known-at) field, empty: the record as known now.
    expect(page).to_have_url(re.compile(r"\?as_of=2020-01-01(&known_at=)?$"))
    expect(page.get_by_text("Geen akkoorden op dat moment.")).to_be_visible()
    expect(page.get_by_label("Stand per datum")).to_have_value("2020-01-01")
    shot(page, "status-2020")

    # Today where the dashboard reads dates (Amsterdam): between 23:00 and 24:00 UTC the
    # machine's date is a day behind, and the end of that day lies before the store's events.
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()
    page.get_by_label("Stand per datum").fill(today)
    page.get_by_label("Stand per datum").press("Enter")
    expect(page).to_have_url(re.compile(rf"\?as_of={today}(&known_at=)?$"))
    expect(page.get_by_role("table").get_by_role("columnheader", name="AZWA")).to_be_visible()
    expect(page.locator("caption")).to_contain_text(f"per {today}")


def test_the_log_page_filters(page: Page, server: Server) -> None:
    log_in(page, server, "auditor")
    page.get_by_role("link", name="Logboek").click()
    rows = page.locator("main tbody tr")
    expect(rows.first).to_contain_text("Member.Registered")
    assert unlabelled_fields(page) == []

    page.get_by_label("Gebeurtenis bevat").fill("BallotCast")
    page.get_by_label("Actor bevat").fill("GM0363")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"event=BallotCast"))
    expect(rows.first).to_contain_text("Consultation.BallotCast")
    texts = rows.all_inner_texts()
    assert texts and all("Consultation.BallotCast" in t and "secretary:GM0363" in t for t in texts)
    shot(page, "log-filtered")

    page.get_by_label("Actor bevat").fill("nobody-at-all")
    page.get_by_label("Actor bevat").press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_text("Geen gebeurtenissen.")


def test_the_api_docs_work_under_their_content_security_policy(page: Page) -> None:
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("akkoord")
    expect(page.locator(".opblock").first).to_be_visible()
    shot(page, "api-docs")


def test_a_session_ends_at_logout(page: Page, server: Server) -> None:
    log_in(page, server, "auditor")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(server.base + "/login")
    page.goto("/")
    expect(page).to_have_url(server.base + "/login")
