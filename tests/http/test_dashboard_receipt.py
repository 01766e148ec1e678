"""A secretary's ballot receipt from the dashboard: a download ("ontvangstbewijs") on the
consultation page, the same JSON as the API's receipt, which `akkoord audit check-proof`
accepts offline once a signed head covers the ballot; the API's access rule (one's own receipt,
officers and auditors any) and a Dutch 404 when there is no ballot."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.audit.keys import load_public_key, public_pem
from adapters.config.settings import WebSettings
from adapters.entrypoints.http.app import create_app
from tests.http.dashboard_client import Sessions
from tests.http.support import (
    UNKNOWN,
    Api,
    consultation_body,
    issue_tokens,
    seed_story,
    store_path,
)

ROOT = Path(__file__).resolve().parents[2]
LINK_TEXT = "Ontvangstbewijs downloaden"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Sessions, str]]:
    settings = store_path(Path(tmp_path_factory.mktemp("receipt")))
    tokens = issue_tokens(settings)
    app = create_app(settings, scheduler=False, web=WebSettings(login_attempts_per_minute=1000))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        api = Api(client, tokens, settings)
        ids = seed_story(api)  # Amsterdam (GM0363) voted yes through the API
        yield api, Sessions(client, tokens), ids["consultation"]


def get(sessions: Sessions, role: str, path: str) -> Any:
    sessions.use(role)
    return sessions.client.get(path)


def receipt_links(html: str) -> list[str]:
    """The hrefs of the page's receipt downloads."""
    return re.findall(r'<a href="([^"]+)" download[^>]*>\s*' + LINK_TEXT + r"\s*</a>", html)


def check_proof(receipt_file: Path, key_file: Path) -> subprocess.CompletedProcess[str]:
    """`akkoord audit check-proof` as a separate process, with nothing but the file and key."""
    command = [sys.executable, "-m", "adapters.entrypoints.cli", "audit", "check-proof"]
    return subprocess.run(
        [*command, str(receipt_file), "--key", str(key_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_secretary_downloads_the_receipt_of_the_ballot_cast_on_the_page(
    site: tuple[Api, Sessions, str], tmp_path: Path
) -> None:
    api, sessions, _ = site
    cid = api.ok("officer", "POST", "/api/consultations", json=consultation_body())["id"]
    page = get(sessions, "utrecht", f"/consultations/{cid}")
    assert page.status_code == 200 and receipt_links(page.text) == []  # nothing cast yet

    cast = sessions.post(
        "utrecht", f"/consultations/{cid}/ballot", {"choice": "no", "explanation": "Te vroeg."}
    )
    assert cast.status_code == 303, cast.text[:300]
    after = get(sessions, "utrecht", cast.headers["location"])
    assert "stem vastgelegd" in after.text
    href = f"/consultations/{cid}/receipts/GM0344"
    assert receipt_links(after.text) == [href]

    download = get(sessions, "utrecht", href)
    assert download.status_code == 200, download.text[:300]
    assert download.headers["content-type"].startswith("application/json")
    assert download.headers["content-disposition"] == (
        f'attachment; filename="ontvangstbewijs-{cid}-GM0344.json"'
    )
    receipt = download.json()
    assert (receipt["kind"], receipt["consultation_id"]) == ("ballot-receipt", cid)
    assert (receipt["member"], receipt["choice"]) == ("GM0344", "no")
    assert re.fullmatch(r"[0-9a-f]{64}", receipt["leaf_hash"])
    assert receipt == api.ok("utrecht", "GET", f"/api/consultations/{cid}/receipts/GM0344")

    # No signed head covers the ballot yet: the file says so and is not (yet) a proof.
    api.ok("officer", "POST", f"/api/consultations/{cid}/close", json={"reason": "bestuur"})
    key = tmp_path / "vng-audit.pub"
    key.write_text(public_pem(load_public_key(api.settings.audit_key_path)))
    early = tmp_path / "early.json"
    early.write_bytes(download.content)
    run = check_proof(early, key)
    assert run.returncode == 6 and "no signed head covers this ballot yet" in run.stdout, run

    # The close signed a head over the whole log; the receipt downloaded now carries its path.
    later = get(sessions, "utrecht", href)
    assert later.status_code == 200
    assert later.json()["leaf_hash"] == receipt["leaf_hash"]
    assert later.json()["signed_head"] is not None
    saved = tmp_path / "ontvangstbewijs.json"
    saved.write_bytes(later.content)
    run = check_proof(saved, key)
    assert run.returncode == 0 and run.stdout.startswith("OK"), (run.stdout, run.stderr)

    # One changed byte in the downloaded file and the check fails.
    doc = json.loads(later.content)
    doc["choice"] = "yes"
    saved.write_text(json.dumps(doc))
    run = check_proof(saved, key)
    assert run.returncode == 6 and run.stdout.startswith("INVALID"), run.stdout

    # The page of the closed consultation still offers it.
    assert receipt_links(get(sessions, "utrecht", f"/consultations/{cid}").text) == [href]


def test_a_secretary_may_not_download_another_members_receipt(
    site: tuple[Api, Sessions, str],
) -> None:
    api, sessions, cid = site
    other = get(sessions, "utrecht", f"/consultations/{cid}/receipts/GM0363")
    assert other.status_code == 403
    assert "content-disposition" not in other.headers
    assert "u mag alleen het ontvangstbewijs van GM0344 downloaden" in other.text
    # the board reads no receipts either, as in the API
    assert get(sessions, "board", f"/consultations/{cid}/receipts/GM0363").status_code == 403
    assert api.as_("board").get(f"/api/consultations/{cid}/receipts/GM0363").status_code == 403


@pytest.mark.parametrize("role", ["officer", "auditor", "amsterdam"])
def test_officers_auditors_and_the_member_download_it(
    site: tuple[Api, Sessions, str], role: str
) -> None:
    api, sessions, cid = site
    download = get(sessions, role, f"/consultations/{cid}/receipts/gm0363")  # any case
    assert download.status_code == 200, download.text[:300]
    assert download.headers["content-disposition"] == (
        f'attachment; filename="ontvangstbewijs-{cid}-GM0363.json"'
    )
    assert download.json() == api.ok("auditor", "GET", f"/api/consultations/{cid}/receipts/GM0363")
    links = receipt_links(get(sessions, role, f"/consultations/{cid}").text)
    # the link is the secretary's own; officers and auditors use the address
    assert links == ([f"/consultations/{cid}/receipts/GM0363"] if role == "amsterdam" else [])


def test_without_a_session_the_download_sends_you_to_the_login(
    site: tuple[Api, Sessions, str],
) -> None:
    api, _, cid = site
    api.client.cookies.clear()
    response = api.client.get(f"/consultations/{cid}/receipts/GM0363")
    assert (response.status_code, response.headers["location"]) == (303, "/login")


def test_no_ballot_is_a_404_in_dutch(site: tuple[Api, Sessions, str]) -> None:
    _, sessions, cid = site
    page = get(sessions, "smallingerland", f"/consultations/{cid}")
    assert page.status_code == 200 and receipt_links(page.text) == []
    none = get(sessions, "smallingerland", f"/consultations/{cid}/receipts/GM0090")
    assert none.status_code == 404
    assert "content-disposition" not in none.headers
    assert "GM0090 heeft in deze ledenraadpleging geen stem uitgebracht" in none.text
    assert get(sessions, "officer", f"/consultations/{cid}/receipts/GM0090").status_code == 404


def test_an_unknown_consultation_or_a_malformed_member_is_refused(
    site: tuple[Api, Sessions, str],
) -> None:
    _, sessions, cid = site
    unknown = get(sessions, "officer", f"/consultations/{UNKNOWN}/receipts/GM0363")
    assert unknown.status_code == 404 and "content-disposition" not in unknown.headers
    for member in ("GM036", "GM03630", "XX0363", "..%2F..%2Fx"):
        bad = get(sessions, "officer", f"/consultations/{cid}/receipts/{member}")
        assert bad.status_code in (404, 422), (member, bad.status_code)
        assert "content-disposition" not in bad.headers
