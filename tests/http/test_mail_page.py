"""`akkoord serve` sends what the outbox holds (with AKKOORD_SMTP_URL), and shows it at /mail
to officers and auditors, addresses masked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adapters.config.settings import MailSettings
from adapters.entrypoints.http.app import create_app
from adapters.mail.outbox import Outbox, OutgoingMail
from adapters.mail.smtp import SmtpTransport
from tests.http.support import Api, bearer, issue_tokens, store_path
from tests.mail_server import SmtpServer, free_port, smtp_server

ADDRESS = "griffie@smallingerland.example"


def mail(member: str, to: str, consultation: str = "c7") -> OutgoingMail:
    return OutgoingMail(
        message_id=f"<confirm.{consultation}.{member}@akkoord>",
        to=to,
        subject="Bevestiging van uw stem",
        text="Uw stem is ontvangen.",
        kind="confirmation",
        subject_id="c7",
        member=member,
    )


@pytest.fixture(scope="module")
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, server: SmtpServer) -> Iterator[Api]:
    settings = store_path(Path(tmp_path_factory.mktemp("mail")))
    tokens = issue_tokens(settings)
    outbox = Outbox(settings, MailSettings(max_attempts=1))
    try:
        outbox.enqueue([mail("GM0090", ADDRESS)])
        # one that never goes: refused by a closed port, and given up at once (max 1 attempt)
        outbox.enqueue([mail("GM0363", "griffie@amsterdam.example")])
        closed = MailSettings(host="127.0.0.1", port=free_port(), max_attempts=1)
        assert outbox.send_due(SmtpTransport(closed)).failed == 2
        outbox.enqueue([mail("GM0090", ADDRESS, "c8")])  # this one the server sends
    finally:
        outbox.close()
    server.clear()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AKKOORD_SMTP_URL", server.url)
        app = create_app(settings)
        with TestClient(app, follow_redirects=False) as client:
            yield Api(client, tokens, settings)


def test_the_server_sends_the_outbox_and_officers_and_auditors_see_it(
    api: Api, server: SmtpServer
) -> None:
    (sent,) = server.wait_for(1)  # sent by the server's own mail loop
    assert sent["Message-ID"] == "<confirm.c8.GM0090@akkoord>"
    for role in ("officer", "auditor"):
        shown = api.client.get("/mail", headers=bearer(api.tokens[role]))
        assert shown.status_code == 200
        assert "<title>Post" in shown.text and "Bevestiging van uw stem" in shown.text
        assert ADDRESS not in shown.text and "g***@smallingerland.example" in shown.text
        assert "Niet verzonden" in shown.text  # the given-up ones, with the server's words
    english = api.client.get("/mail?lang=en", headers=bearer(api.tokens["officer"]))
    assert "<title>Mail" in english.text and "given up" in english.text


def test_others_may_not_see_the_mail(api: Api) -> None:
    refused = api.client.get("/mail?lang=nl", headers=bearer(api.tokens["amsterdam"]))
    assert refused.status_code == 403 and "smallingerland.example" not in refused.text
    assert "Alleen medewerkers en auditors" in refused.text
    assert api.client.get("/mail").headers["location"] == "/login"
