"""The timeline tells a Dutch reader what happened in Dutch: each step's sentence through the
catalogue, its moments written "22 oktober 2025, 16:00" in the process's zone, never an ISO
time; `?lang=en` the same sentences in English, and the CLI under a Dutch locale likewise.
The English sentence stays the read model's `summary` (the API and `--json` keep it)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adapters.entrypoints.http.app import create_app
from adapters.i18n import formats
from adapters.i18n.catalogues import speaking
from tests.http.support import Api, bearer, issue_tokens, seed_story, store_path

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ZONE = "Europe/Amsterdam"  # the seeded processes name none: the default zone
ENGLISH_WORDS = ("opened", "registered", "scheduled for", "signs", "decides", "closes ")


class WhatColumn(HTMLParser):
    """The third cell of each body row: the timeline's sentence."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.sentences: list[str] = []
        self._cell = -1
        self._in_body = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._cell = -1
        elif tag == "td" and self._in_body:
            self._cell += 1
            if self._cell == 2:
                self.sentences.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False

    def handle_data(self, data: str) -> None:
        if self._in_body and self._cell == 2 and self.sentences:
            self.sentences[-1] += data


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = store_path(Path(tmp_path_factory.mktemp("timeline")))
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


def sentences(api: Api, **params: str) -> list[str]:
    api.client.cookies.clear()
    response = api.client.get("/timeline", params=params, headers=bearer(api.tokens["board"]))
    assert response.status_code == 200, response.text[:300]
    api.client.cookies.clear()
    return [" ".join(s.split()) for s in WhatColumn(response.text).sentences]


def moments(api: Api, lang: str) -> tuple[str, str]:
    """When the consultation closes and the ratification is held, as `lang` writes them."""
    consultation = api.ok("board", "GET", f"/api/consultations/{api.ids['consultation']}")
    ratification = api.ok("board", "GET", f"/api/ratifications/{api.ids['ratification']}")
    with speaking(lang):
        return (
            formats.moment(datetime.fromisoformat(consultation["closes_at"]), ZONE),
            formats.moment(datetime.fromisoformat(ratification["scheduled_for"]), ZONE),
        )


def test_the_timeline_speaks_dutch(site: Api) -> None:
    shown = sentences(site)
    closes, scheduled = moments(site, "nl")
    assert (
        "AZWA (Aanvullend Zorg- en Welzijnsakkoord) geregistreerd met 3 ondertekenende partijen"
    ) in shown
    assert f"ledenraadpleging geopend: Ledenraadpleging AZWA (sluit {closes})" in shown
    assert (
        f"bekrachtiging door het bestuur gepland op {scheduled}: "
        "Bekrachtiging uitkomst ledenraadpleging"
    ) in shown
    assert "VNG ondertekent AZWA onder voorwaarden" in shown
    assert "ledenraadpleging vervroegd gesloten" in shown  # every member had voted
    assert "het advies van de leden is positief (100% voor)" in shown
    assert "het bestuur besluit: bekrachtigen" in shown
    for sentence in shown:
        assert not ISO_TIME.search(sentence), sentence
        assert not any(word in sentence for word in ENGLISH_WORDS), sentence


def test_the_timeline_in_english_on_request(site: Api) -> None:
    shown = sentences(site, lang="en")
    closes, scheduled = moments(site, "en")
    assert f"ledenraadpleging opened: Ledenraadpleging AZWA (closes {closes})" in shown
    assert (
        f"board ratification scheduled for {scheduled}: Bekrachtiging uitkomst ledenraadpleging"
    ) in shown
    assert "the board decides to ratify" in shown
    assert not any(ISO_TIME.search(s) for s in shown), shown


def test_the_api_keeps_the_english_summary(site: Api) -> None:
    rows = site.ok("board", "GET", "/api/timeline")
    assert set(rows[0]) == {
        "position",
        "aggregate_id",
        "process",
        "event",
        "at",
        "actor",
        "summary",
    }
    assert any(r["summary"].startswith("ledenraadpleging opened: ") for r in rows)
    assert any(ISO_TIME.search(r["summary"]) for r in rows)  # machines keep ISO times


def akkoord(data_dir: Path, lang: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "AKKOORD_ACTOR"))}
    env.update(LANG=lang, AKKOORD_HOME=str(data_dir), COLUMNS="400")
    run = subprocess.run(
        [sys.executable, "-m", "adapters.entrypoints.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_the_cli_timeline_speaks_the_locale(site: Api) -> None:
    cid = site.ids["consultation"]
    closes, _ = moments(site, "nl")
    dutch = " ".join(akkoord(site.settings.data_dir, "nl_NL.UTF-8", "timeline", cid).split())
    assert "ledenraadpleging geopend: Ledenraadpleging AZWA" in dutch
    assert f"(sluit {closes})" in dutch
    assert "ledenraadpleging vervroegd gesloten" in dutch
    assert not ISO_TIME.search(dutch), dutch
    english = " ".join(akkoord(site.settings.data_dir, "C.UTF-8", "timeline", cid).split())
    assert "ledenraadpleging opened: Ledenraadpleging AZWA (closes 20" in english
    assert ISO_TIME.search(english)  # the English CLI is as it was
