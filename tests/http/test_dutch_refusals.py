"""A rule's refusal reaches the secretary in Dutch on the dashboard, with the moment written the
Dutch way in the consultation's zone; the JSON API keeps the English message and its code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adapters.entrypoints.http.app import create_app
from tests.http.dashboard_client import Sessions
from tests.http.support import Api, bearer, issue_tokens, seed_story, store_path

DUTCH_MOMENT = re.compile(
    r"\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
    r"november|december) \d{4}, \d{2}:\d{2}"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = store_path(Path(tmp_path_factory.mktemp("refusals")))
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False)) as client:
        api = Api(client, tokens, settings)
        seed_story(api)
        yield api


def test_closing_early_without_a_reason_is_refused_in_dutch(site: Api) -> None:
    cid = site.ids["consultation"]
    shown = Sessions(site.client, site.tokens).post(
        "officer", f"/consultations/{cid}/close", {"reason": ""}, follow_redirects=True
    )
    assert shown.status_code == 200, shown.text[:300]
    page = shown.text
    assert "geef een reden om haar eerder te sluiten" in page, page[:2000]
    line = page[page.index(f"raadpleging {cid} is open tot") :].split("<")[0]
    assert DUTCH_MOMENT.search(line), line
    assert "give a reason" not in page
    assert "+00:00" not in line and "+01:00" not in line and "+02:00" not in line


def test_the_api_keeps_the_english_and_the_code(site: Api) -> None:
    cid = site.ids["consultation"]
    site.client.cookies.clear()
    response = site.client.post(
        f"/api/consultations/{cid}/close",
        json={"reason": ""},
        headers=bearer(site.tokens["officer"]),
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "missing_reason"
    assert "give a reason to close it early" in error["message"]
