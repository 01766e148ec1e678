"""Every dashboard page on a phone (375 px) and on a desktop (1280 px), in a real browser.

`akkoord serve` runs as a subprocess; Debian's Chromium (headless) visits every page as each
role sees it, at both widths: nothing scrolls sideways, and axe-core finds no serious or
critical accessibility violation. The secretary's page names the municipality, shows the
standing ballot after voting, and puts the ballot form above the tally on a phone. One server
and one browser for the module; screenshots go to test-artifacts/ at the repository root.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from adapters.entrypoints.http.app import create_app
from tests.browser.support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, NEEDS_CHROMIUM, serving
from tests.http.support import Api, bearer, consultation_body, issue_tokens, seed_story, store_path

PHONE, DESKTOP = 375, 1280

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


class Served:
    def __init__(self, base: str, tokens: dict[str, str], ids: dict[str, str]) -> None:
        self.base = base
        self.tokens = tokens
        self.ids = ids


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = Path(tmp_path_factory.mktemp("screens"))
    settings = store_path(home)
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False)) as client:
        api = Api(client, tokens, settings)
        ids = seed_story(api, close=True)  # a closed consultation: the votes table too
        # open, its interim tally shown to everyone: the secretary sees form and tally
        ids["open"] = api.ok(
            "officer",
            "POST",
            "/api/consultations",
            json=consultation_body(
                title="Ledenraadpleging schermtest", tally_visibility="everyone"
            ),
        )["id"]
        api.ok(
            "amsterdam",
            "POST",
            f"/api/consultations/{ids['open']}/ballots",
            json={"member": "GM0363", "choice": "no", "explanation": "Te weinig geld."},
        )
    with serving(settings.data_dir, home / "serve.log") as base:
        yield Served(base, tokens, ids)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def new_page(browser: Browser, served: Served, role: str | None) -> Page:
    """A context of its own, signed in as `role` through the login form (None: signed out)."""
    context = browser.new_context(
        base_url=served.base, viewport={"width": PHONE, "height": 800}, locale="nl-NL"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    if role is not None:
        page.goto("/login")
        page.get_by_label("Token").fill(served.tokens[role])
        page.get_by_label("Token").press("Enter")
        expect(page.locator("header .who")).to_be_visible()
    return page


def serious(axe: Axe, page: Page) -> list[str]:
    found: list[dict[str, Any]] = axe.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(", ".join(n["target"]) for n in v["nodes"][:5])
        for v in found
        if v.get("impact") in ("serious", "critical")
    ]


def check_screen(page: Page, axe: Axe, name: str) -> None:
    """At each width: no sideways scrolling, no serious accessibility violation, a screenshot."""
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 800})
        expect(page.locator("main")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / f"screen-{name}-{width}.png"), full_page=True)
        wide = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth,"
            " [...document.querySelectorAll('body *')]"
            "   .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            "   .slice(0, 5).map(e => e.tagName + '.' + e.className)]"
        )
        assert wide[0] <= wide[1], f"{name} at {width}px scrolls sideways: {wide}"
        violations = serious(axe, page)
        assert violations == [], f"{name} at {width}px:\n" + "\n".join(violations)


def test_signed_out_the_login_page_fits(browser: Browser, served: Served, axe: Axe) -> None:
    page = new_page(browser, served, None)
    page.goto("/login")
    check_screen(page, axe, "login")
    page.context.close()


def test_every_page_fits_for_an_officer(browser: Browser, served: Served, axe: Axe) -> None:
    page = new_page(browser, served, "officer")
    pages = {
        "status": "/",
        "consultations": "/consultations",
        "officer-open": f"/consultations/{served.ids['open']}",
        "officer-closed": f"/consultations/{served.ids['consultation']}",
        "board": "/board",
        "deadlines": "/deadlines",
        "timeline": "/timeline",
        "log": "/log",
    }
    if httpx.get(served.base + "/mail", headers=bearer(served.tokens["officer"])).status_code < 400:
        pages["mail"] = "/mail"
    for name, path in pages.items():
        page.goto(path)
        check_screen(page, axe, name)

    # The officer's page: who has not voted, a reminder, the mail, and the downloads.
    page.goto(f"/consultations/{served.ids['open']}")
    non_voters = page.get_by_test_id("non-voters")
    expect(non_voters).to_contain_text("Smallingerland")
    remind = page.locator(f"form[action='/consultations/{served.ids['open']}/remind']")
    expect(remind.get_by_role("button", name=re.compile("Herinner"))).to_be_visible()
    expect(remind.locator("input[name=csrf_token]")).to_have_count(1)
    expect(page.get_by_test_id("mail-status")).to_be_visible()
    for link in ("rapport.pdf", "rapport.html", "niet-gestemd.csv"):
        expect(page.locator(f"a[href$='/{link}']")).to_have_count(1)
    page.context.close()


def test_a_secretary_votes_on_a_phone(browser: Browser, served: Served, axe: Axe) -> None:
    page = new_page(browser, served, "smallingerland")
    cid = served.ids["open"]
    page.goto(f"/consultations/{cid}")
    heading = page.locator("main h1, main h2").filter(has_text="Smallingerland")
    expect(heading.first).to_contain_text("GM0090")
    expect(page.get_by_test_id("standing-ballot")).to_have_count(0)
    expect(page.get_by_test_id("deadline")).to_contain_text("nog")

    form = page.locator(f"form[action='/consultations/{cid}/ballot']")
    tally = page.locator("#tally")
    expect(tally.get_by_test_id("yes-weight")).to_be_visible()
    form_box, tally_box = form.bounding_box(), tally.bounding_box()
    assert form_box is not None and tally_box is not None
    assert form_box["y"] + form_box["height"] <= tally_box["y"], (form_box, tally_box)
    assert form_box["y"] < 800, f"the ballot form starts below the first screen: {form_box}"
    check_screen(page, axe, "secretary-before")

    page.set_viewport_size({"width": PHONE, "height": 800})
    page.get_by_label("Ja, instemmen").check()
    page.get_by_role("button", name="Stem uitbrengen").click()
    standing = page.get_by_test_id("standing-ballot")
    expect(standing).to_contain_text(re.compile(r"Uw huidige stem: Ja.*uitgebracht op \d+ \w+ 20"))
    expect(page.get_by_label("Ja, instemmen")).to_be_checked()  # the form holds the standing one
    expect(page.get_by_role("link", name=re.compile("Ontvangstbewijs"))).to_be_visible()
    check_screen(page, axe, "secretary-after")

    # A secretary of a consultation that keeps its tally for the officers sees no tally at all.
    page.goto(f"/consultations/{served.ids['consultation']}")
    expect(page.get_by_test_id("phase")).to_be_visible()
    page.context.close()


def test_the_status_matrix_is_a_list_per_party_on_a_phone(browser: Browser, served: Served) -> None:
    page = new_page(browser, served, "auditor")
    page.goto("/")
    expect(page.locator("table.matrix")).to_be_hidden()
    vng = page.get_by_role("region", name="VNG")
    expect(vng).to_be_visible()
    expect(vng).to_contain_text("AZWA")
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    expect(page.locator("table.matrix")).to_be_visible()
    expect(page.get_by_role("region", name="VNG")).to_be_hidden()
    page.context.close()
