"""The dashboard with voting rules: the ballot form offers the consultation's options, the
result shows blanco, the advice, the quorum and a low turnout in Dutch; officers see who has not
voted (and download it); each municipality's vote appears, and downloads, only after the close."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adapters.config.settings import WebSettings
from adapters.entrypoints.http.app import create_app
from tests.http.dashboard_client import Sessions
from tests.http.support import Api, consultation_body, issue_tokens, seed_story, store_path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Sessions, str]]:
    settings = store_path(Path(tmp_path_factory.mktemp("rules-pages")))
    tokens = issue_tokens(settings)
    app = create_app(settings, scheduler=False, web=WebSettings(login_attempts_per_minute=1000))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        api = Api(client, tokens, settings)
        seed_story(api, cast=False)
        cid = api.ok(
            "officer",
            "POST",
            "/api/consultations",
            json=consultation_body(options=["yes", "no", "blank"], quorum_members=3),
        )["id"]
        api.ok(
            "amsterdam",
            "POST",
            f"/api/consultations/{cid}/ballots",
            json={"member": "GM0363", "choice": "blank"},
        )
        yield api, Sessions(client, tokens), cid


def get(site: tuple[Api, Sessions, str], role: str, path: str) -> str:
    api, sessions, _ = site
    sessions.use(role)
    response = api.client.get(path)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return str(response.text)


def test_the_form_offers_the_options_and_the_result_speaks_dutch(
    site: tuple[Api, Sessions, str],
) -> None:
    cid = site[2]
    page = get(site, "utrecht", f"/consultations/{cid}")
    assert 'value="blank"' in page and "Blanco" in page
    officer = get(site, "officer", f"/consultations/{cid}")
    assert 'data-testid="blank-weight">75<' in officer
    assert "Quorum niet gehaald" in officer and "Opkomst laag" in officer
    assert "Advies aan het bestuur" in officer


def test_officers_see_the_non_voters_and_a_secretary_does_not(
    site: tuple[Api, Sessions, str],
) -> None:
    api, sessions, cid = site
    page = get(site, "officer", f"/consultations/{cid}")
    assert "Nog niet gestemd (341)" in page and "niet-gestemd.csv" in page
    sessions.use("officer")
    download = api.client.get(f"/consultations/{cid}/niet-gestemd.csv")
    assert download.status_code == 200 and download.text.count("\n") == 342
    assert "Nog niet gestemd" not in get(site, "amsterdam", f"/consultations/{cid}")
    sessions.use("amsterdam")
    assert api.client.get(f"/consultations/{cid}/niet-gestemd.csv").status_code == 403


def test_each_vote_only_after_the_close(site: tuple[Api, Sessions, str]) -> None:
    api, sessions, cid = site
    assert "Stemmen per gemeente" not in get(site, "officer", f"/consultations/{cid}")
    sessions.use("utrecht")
    assert api.client.get(f"/consultations/{cid}/stemmen.csv").status_code == 403
    api.ok("officer", "POST", f"/api/consultations/{cid}/close", json={"reason": "klaar"})
    page = get(site, "utrecht", f"/consultations/{cid}")
    assert "Stemmen per gemeente" in page and "blanco" in page
    sessions.use("utrecht")
    download = api.client.get(f"/consultations/{cid}/stemmen.csv")
    assert download.status_code == 200 and "GM0363" in download.text
