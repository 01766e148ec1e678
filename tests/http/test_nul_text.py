"""A NUL character in any recorded text is refused as bad input (422), on either store, and
nothing is written: PostgreSQL's text columns cannot hold it, and no governance text needs it.
Found by the schema fuzzer on PostgreSQL, where a condition with a NUL came back as 503
"storage unavailable" instead."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.entrypoints.http.app import create_app
from tests.http.support import SIGNING, Api, consultation_body, issue_tokens, seed_story, store_path
from tests.stores import store_fingerprint


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = store_path(Path(tmp_path_factory.mktemp("nul")))
    tokens = issue_tokens(settings)
    app = create_app(settings, scheduler=False)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        api = Api(client, tokens, settings)
        seed_story(api)
        yield api


def _refused(api: Api, role: str, path: str, body: dict[str, Any]) -> None:
    before = store_fingerprint(api.settings.data_dir)
    response = api.as_(role).post(path, body)
    assert response.status_code == 422, (response.status_code, response.text[:300])
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and "NUL" in error["message"]
    assert store_fingerprint(api.settings.data_dir) == before


def test_a_condition_with_a_nul_is_refused_and_nothing_is_written(api: Api) -> None:
    body = {**SIGNING, "conditions": ["positief\x00advies"]}
    _refused(api, "officer", "/api/signings", body)


def test_a_reason_or_title_with_a_nul_is_refused(api: Api) -> None:
    _refused(api, "officer", "/api/consultations", consultation_body(title="Stem\x00ming"))
    cid = api.ids["consultation"]
    _refused(api, "officer", f"/api/consultations/{cid}/close", {"reason": "klaar\x00"})


def test_an_explanation_with_a_nul_is_refused(api: Api) -> None:
    cid = api.ids["consultation"]
    body = {"member": "GM0363", "choice": "no", "explanation": "nee\x00"}
    _refused(api, "amsterdam", f"/api/consultations/{cid}/ballots", body)
