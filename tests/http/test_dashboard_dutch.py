"""The dashboard speaks Dutch to the people who use it: its words, the domain's values (a party
that signed, a consultation that closed, the members' advice, a deadline's kind), numbers and
moments as Dutch writes them; `?lang=en` switches to English and a cookie remembers it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adapters.entrypoints.http.app import create_app
from tests.http.support import Api, bearer, issue_tokens, seed_story, store_path

PAGES = ["/board", "/consultations", "/deadlines", "/timeline", "/log"]
# The domain's values as the event log keeps them: none may be what a Dutch reader sees.
ENGLISH_VALUES = {
    "signed",
    "conditionally signed",
    "definitive",
    "negotiating",
    "positive",
    "negative",
    "pending",
    "ratify",
    "reject",
    "refer",
    "ratified",
    "consultation closes",
    "closing soon",
    "ratification due",
    "closed",
    "fired",
    "done",
    "overdue",
    "Consultation",
    "BoardRatification",
    "Agreement",
}
THOUSANDS_WITH_COMMA = re.compile(r"\b\d{1,3},\d{3}\b")
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")


class Values(HTMLParser):
    """The text of each table cell, option and marked value of a page, one string each: the
    places a value is shown by itself (a title or a log's JSON may hold any word)."""

    CELLS = ("td", "option", "span", "strong")

    def __init__(self, html: str) -> None:
        super().__init__()
        self.values: list[str] = []
        self._open: list[str] = []
        self._in_code = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "code":
            self._in_code += 1
        if tag in self.CELLS:
            self._open.append(tag)
            self.values.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._in_code -= 1
        if tag in self.CELLS and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and not self._in_code:
            self.values[-1] += data

    def shown(self) -> set[str]:
        return {v.strip() for v in self.values if v.strip()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = store_path(Path(tmp_path_factory.mktemp("dutch")))
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False)) as client:
        api = Api(client, tokens, settings)
        seed_story(api, close=True)
        api.ok(
            "board",
            "POST",
            f"/api/ratifications/{api.ids['ratification']}/decision",
            json={"decision": "ratify", "reason": "bestuursvergadering"},
        )
        yield api


def get(api: Api, path: str, **params: str) -> str:
    api.client.cookies.clear()
    response = api.client.get(path, params=params, headers=bearer(api.tokens["board"]))
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response.text


@pytest.mark.parametrize("path", PAGES)
def test_every_page_shows_dutch_values(site: Api, path: str) -> None:
    html = get(site, path)
    english = Values(html).shown() & ENGLISH_VALUES
    assert not english, f"{path} shows English values: {sorted(english)}"
    assert not THOUSANDS_WITH_COMMA.search(html), THOUSANDS_WITH_COMMA.search(html)
    assert not MICROSECONDS.search(html), MICROSECONDS.search(html)
    assert '<html lang="nl">' in html
    assert "Uitloggen" in html and ">English</a>" in html


def test_the_board_reads_the_advice_and_its_decision_in_dutch(site: Api) -> None:
    html = get(site, "/board")
    assert '<span data-testid="advice">positief</span>' in html
    assert "bekrachtigd" in html  # the outcome
    assert "100,00% voor, 1 van" in html
    # a Dutch moment, to the minute: "7 december 2026, 01:02"
    assert re.search(r"Gepland: \d{1,2} [a-z]+ \d{4}, \d{2}:\d{2} ·", html)


def test_the_lists_name_phases_and_deadlines_in_dutch(site: Api) -> None:
    assert "<td>gesloten</td>" in get(site, "/consultations")
    deadlines = get(site, "/deadlines")
    assert "ledenraadpleging sluit" in deadlines
    assert "bekrachtiging gepland" in deadlines
    assert "<td>Ledenraadpleging</td>" in get(site, "/timeline")


def test_english_on_request_and_remembered(site: Api) -> None:
    api = site
    api.client.cookies.clear()
    first = api.client.get("/board", params={"lang": "en"}, headers=bearer(api.tokens["board"]))
    assert first.status_code == 200
    assert '<html lang="en">' in first.text
    assert '<span data-testid="advice">positive</span>' in first.text
    assert "advice:</strong>" in first.text and ">Nederlands</a>" in first.text
    assert "100.00% in favour" in first.text
    assert first.cookies.get("akkoord_lang") == "en"
    # the cookie alone keeps the next page in English
    again = api.client.get("/deadlines", headers=bearer(api.tokens["board"]))
    assert "consultation closes" in again.text and "Deadlines" in again.text
    api.client.cookies.clear()
    assert "Termijnen" in get(api, "/deadlines")


def test_the_login_page_is_dutch_and_switches(site: Api) -> None:
    site.client.cookies.clear()
    dutch = site.client.get("/login")
    assert "Inloggen" in dutch.text and "Een token krijgt u van een beheerder" in dutch.text
    english = site.client.get("/login", params={"lang": "en"})
    assert "Log in" in english.text and "<code>akkoord tokens issue</code>" in english.text
    site.client.cookies.clear()
