"""The consultation page as a secretary and as an officer meet it, and the result report as a
download. Real app on a real store; the page is fetched with each role's bearer token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adapters.entrypoints.http.app import create_app
from adapters.mail.messages import OutgoingMail
from adapters.mail.outbox import Outbox
from tests.http.support import Api, issue_tokens, seed_story, store_path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = store_path(Path(tmp_path_factory.mktemp("consultation-page")))
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False)) as client:
        api = Api(client, tokens, settings)
        seed_story(api)  # open, Amsterdam voted yes; the tally is the officers' while open
        yield api


def test_the_secretary_sees_its_municipality_and_standing_ballot_first(site: Api) -> None:
    cid = site.ids["consultation"]
    page = site.as_("amsterdam").get(f"/consultations/{cid}").text
    assert "Uw stem namens Amsterdam (GM0363)" in page
    assert re.search(r"Uw huidige stem: Ja, uitgebracht op \d{1,2} \w+ \d{4}, \d\d:\d\d", page)
    assert re.search(r'value="yes"[^>]* checked', page)  # the form holds the standing choice
    assert "Goed voor de wijkteams." in page
    assert re.search(r"nog \d+ dagen", page)
    assert page.index('action="/consultations/') < page.index("Toelichtingen")
    assert 'data-testid="yes-weight"' not in page  # the rule at opening keeps the tally sealed


def test_another_secretary_sees_no_one_elses_ballot(site: Api) -> None:
    page = site.as_("utrecht").get(f"/consultations/{site.ids['consultation']}").text
    assert "Uw stem namens Utrecht (GM0344)" in page
    assert "Uw huidige stem" not in page and "Goed voor de wijkteams." not in page
    assert "checked" not in page


def test_the_officer_sees_who_to_remind_the_mail_and_the_downloads(site: Api) -> None:
    cid = site.ids["consultation"]
    page = site.as_("officer").get(f"/consultations/{cid}").text
    assert f'action="/consultations/{cid}/remind"' in page
    assert "Herinner wie nog niet stemde" in page
    assert 'data-testid="mail-status"' in page
    for href in ("rapport.pdf", "rapport.html", "niet-gestemd.csv"):
        assert f'href="/consultations/{cid}/{href}"' in page
    assert "Uw huidige stem" not in page


def test_the_officer_sees_this_consultations_mail_counted(site: Api) -> None:
    cid = site.ids["consultation"]
    box = Outbox(site.settings)
    try:
        box.enqueue(
            [
                OutgoingMail(
                    message_id=f"<test.{cid}.{code}@akkoord>",
                    to=f"griffie@{code.lower()}.example",
                    subject="Herinnering",
                    text="Uw stem, graag.",
                    kind="reminder",
                    subject_id=cid,
                    member=code,
                )
                for code in ("GM0344", "GM0090")
            ]
            + [OutgoingMail("<other@akkoord>", "x@example.org", "s", "t", subject_id="other")]
        )
    finally:
        box.close()
    page = site.as_("officer").get(f"/consultations/{cid}").text
    section = page[page.index('data-testid="mail-status"') :]
    assert re.search(r"in de wachtrij: 2\b", section[:600]), section[:600]


@pytest.mark.parametrize("role", ["officer", "board", "auditor"])
def test_the_result_report_downloads_as_pdf_and_html(site: Api, role: str) -> None:
    cid = site.ids["consultation"]
    pdf = site.as_(role).get(f"/consultations/{cid}/rapport.pdf")
    assert pdf.status_code == 200, pdf.text[:300]
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    html = site.as_(role).get(f"/consultations/{cid}/rapport.html")
    assert html.status_code == 200 and "Ledenraadpleging AZWA" in html.text
    assert html.headers["cache-control"] == "no-store"


def test_the_result_report_is_not_for_secretaries(site: Api) -> None:
    cid = site.ids["consultation"]
    refused = site.as_("amsterdam").get(f"/consultations/{cid}/rapport.pdf")
    assert refused.status_code == 403
    assert not refused.content.startswith(b"%PDF")
    assert site.as_("officer").get(f"/consultations/{cid}/rapport.docx").status_code == 404
