"""The outbox on a real store and a real SMTP server on loopback (aiosmtpd).

Each message arrives once: queued once per Message-ID, claimed before it is sent (also by two
senders at once), retried with a growing wait when the server refuses it, and its body is gone
once it went.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.config.settings import MailSettings, Settings
from adapters.mail.outbox import Attachment, Outbox, OutgoingMail, outbox
from adapters.mail.sending import deliver_once
from adapters.mail.smtp import SmtpTransport
from tests.mail_server import SmtpServer, free_port, smtp_server

T0 = datetime(2025, 9, 10, 9, 0, tzinfo=UTC)
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.fixture(scope="module")
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def smtp(server: SmtpServer) -> SmtpServer:
    server.clear()
    server.refuse(0)
    return server


def mail_settings(url: str, **extra: int) -> MailSettings:
    security, host, port, user, password = MailSettings.parse_smtp_url(url)
    return MailSettings(
        smtp_url=url,
        mail_from="akkoord@vng.example",
        security=security,
        host=host,
        port=port,
        username=user,
        password=password,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def box(tmp_path: Path, smtp: SmtpServer) -> Iterator[Outbox]:
    settings = Settings(tmp_path / "store")
    settings.data_dir.mkdir(parents=True)
    opened = Outbox(settings, mail_settings(smtp.url, retry_seconds=60, max_attempts=3))
    yield opened
    opened.close()


def invitation(member: str = "GM0090", **changes: object) -> OutgoingMail:
    fields: dict[str, object] = {
        "message_id": f"<invite.c1.{member}@akkoord>",
        "to": f"griffier.{member.lower()}@gemeente.example",
        "subject": "Uitnodiging: ledenraadpleging AZWA",
        "text": f"Stem hier: https://akkoord.example/in/secret-{member}",
        "html": f"<p>Stem <a href='https://akkoord.example/in/secret-{member}'>hier</a></p>",
        "attachments": (Attachment("invite.ics", "text/calendar", ICS),),
        "kind": "invitation",
        "subject_id": "c1",
        "member": member,
        **changes,
    }
    return OutgoingMail(**fields)  # type: ignore[arg-type]


def body_of(box: Outbox, message_id: str) -> str | None:
    with box.engine.connect() as conn:
        found: str | None = conn.execute(
            outbox.select()
            .with_only_columns(outbox.c.body)
            .where(outbox.c.message_id == message_id)
        ).scalar_one()
    return found


def test_a_message_id_is_queued_once_and_the_follower_moves_with_it(box: Outbox) -> None:
    assert box.position("mailer") == 0
    assert box.enqueue([invitation(), invitation()], follower="mailer", position=7) == 1
    assert box.enqueue([invitation(subject="changed")], follower="mailer", position=5) == 0
    assert box.position("mailer") == 7  # never backwards
    assert box.enqueue([invitation("GM0363")], follower="mailer", position=9) == 1
    assert box.position("mailer") == 9
    assert box.status().counts["queued"] == 2


def test_the_server_receives_headers_body_and_attachment_and_the_body_is_dropped(
    box: Outbox, smtp: SmtpServer
) -> None:
    box.enqueue([invitation()])
    report = box.send_due(SmtpTransport.from_settings(box.mail))
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    (message,) = smtp.wait_for(1)
    assert message["Message-ID"] == "<invite.c1.GM0090@akkoord>"
    assert message["To"] == "griffier.gm0090@gemeente.example"
    assert message["From"] == "akkoord@vng.example"
    assert message["Subject"] == "Uitnodiging: ledenraadpleging AZWA"
    assert message["Date"]
    assert smtp.envelopes == [("akkoord@vng.example", ["griffier.gm0090@gemeente.example"])]
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and "secret-GM0090" in text.get_content()
    assert html is not None and "<a href=" in html.get_content()
    (ics,) = list(message.iter_attachments())
    assert ics.get_filename() == "invite.ics"
    assert ics.get_content_type() == "text/calendar"
    assert ics.get_payload(decode=True) == ICS
    # Sent: the sign-in link is no longer kept; who, what and when are.
    assert body_of(box, "<invite.c1.GM0090@akkoord>") is None
    (row,) = box.status().messages
    assert (row.state, row.kind, row.member, row.to) == (
        "sent",
        "invitation",
        "GM0090",
        "g***@gemeente.example",
    )
    assert row.sent_at is not None
    # Sent once: a second round finds nothing due, and queuing it again does nothing.
    assert box.enqueue([invitation()]) == 0
    assert box.send_due(SmtpTransport.from_settings(box.mail)).sent == 0
    assert len(smtp.messages) == 1


def test_a_refusing_server_means_retries_with_a_growing_wait_then_one_delivery(
    box: Outbox, smtp: SmtpServer
) -> None:
    transport = SmtpTransport.from_settings(box.mail)
    box.enqueue([invitation()], now=T0)
    smtp.refuse(2)
    first = box.send_due(transport, now=T0)
    assert (first.sent, first.retrying) == (0, 1)
    assert "451 try later" in first.errors[0]
    status = box.status()
    (row,) = status.failed or status.messages
    assert (row.state, row.attempts, row.last_error) == ("retry", 1, "451 try later")
    assert status.next_attempt == "2025-09-10T09:01:00.000000Z"  # 60 s
    assert box.send_due(transport, now=T0 + timedelta(seconds=59)).retrying == 0  # not yet due
    assert box.send_due(transport, now=T0 + timedelta(seconds=60)).retrying == 1
    assert box.status().next_attempt == "2025-09-10T09:03:00.000000Z"  # then 120 s
    assert box.send_due(transport, now=T0 + timedelta(seconds=180)).sent == 1
    assert len(smtp.wait_for(1)) == 1
    assert smtp.refused == 2
    assert box.status().counts == {"queued": 0, "retry": 0, "sending": 0, "sent": 1, "failed": 0}


def test_after_the_last_attempt_the_message_is_failed_with_the_servers_words(
    tmp_path: Path,
) -> None:
    settings = Settings(tmp_path / "store")
    settings.data_dir.mkdir(parents=True)
    closed = f"smtp://127.0.0.1:{free_port()}"  # nobody listens there
    box = Outbox(settings, mail_settings(closed, retry_seconds=1, max_attempts=2))
    try:
        box.enqueue([invitation()], now=T0)
        transport = SmtpTransport.from_settings(box.mail)
        assert box.send_due(transport, now=T0).retrying == 1
        assert box.send_due(transport, now=T0 + timedelta(seconds=1)).failed == 1
        assert box.send_due(transport, now=T0 + timedelta(days=1)).failed == 0  # given up
        status = box.status()
        assert status.counts["failed"] == 1
        (failed,) = status.failed
        assert failed.attempts == 2
        assert failed.last_error and "127.0.0.1" in failed.last_error
        assert failed.to == "g***@gemeente.example"
    finally:
        box.close()


def test_a_message_that_cannot_be_composed_fails_at_once(box: Outbox, smtp: SmtpServer) -> None:
    box.enqueue([invitation(to="no line\nbreaks@example.org")])
    report = box.send_due(SmtpTransport.from_settings(box.mail))
    assert (report.sent, report.retrying, report.failed) == (0, 0, 1)
    assert smtp.messages == []


def test_a_message_whose_sender_died_is_sent_again_once_its_lease_ran_out(
    box: Outbox, smtp: SmtpServer
) -> None:
    box.enqueue([invitation()], now=T0)
    assert box._claim("crashed", T0) is not None  # claimed, then the process died
    transport = SmtpTransport.from_settings(box.mail)
    assert box.send_due(transport, now=T0 + timedelta(minutes=1)).sent == 0  # still leased
    assert box.send_due(transport, now=T0 + timedelta(minutes=6)).sent == 1
    (message,) = smtp.wait_for(1)
    assert message["Message-ID"] == "<invite.c1.GM0090@akkoord>"  # the same id: recognisable


def test_two_senders_at_once_deliver_each_message_exactly_once(
    box: Outbox, smtp: SmtpServer
) -> None:
    members = [f"GM{n:04d}" for n in range(1, 41)]
    box.enqueue([invitation(m) for m in members])
    reports = []
    start = threading.Barrier(3)

    def sender() -> None:
        other = Outbox(box.settings, box.mail)  # its own engine: like a second process
        try:
            start.wait()
            reports.append(other.send_due(SmtpTransport.from_settings(box.mail)))
        finally:
            other.close()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    received = smtp.wait_for(len(members))
    ids = Counter(m["Message-ID"] for m in received)
    assert set(ids) == {f"<invite.c1.{m}@akkoord>" for m in members}
    assert max(ids.values()) == 1
    assert sum(r.sent for r in reports) == len(members)
    assert box.status().counts["sent"] == len(members)


def test_deliver_once_produces_then_sends(box: Outbox, smtp: SmtpServer) -> None:
    def produce(settings: Settings, queue: Outbox) -> int:
        return queue.enqueue([invitation("GM0344")], follower="test", position=1)

    report = deliver_once(box.settings, producers=[produce], mail=box.mail)
    assert (report.produced, report.sent) == (1, 1)
    assert smtp.wait_for(1)[0]["To"] == "griffier.gm0344@gemeente.example"
    again = deliver_once(box.settings, producers=[produce], mail=box.mail)
    assert (again.produced, again.sent) == (0, 0)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1:2525", ("plain", "127.0.0.1", 2525, "", "")),
        (
            "smtp://u%40x:p%3Aw@mail.example:587?starttls=true",
            ("starttls", "mail.example", 587, "u@x", "p:w"),
        ),
        ("smtps://mail.example", ("tls", "mail.example", 465, "", "")),
        ("smtp://mail.example", ("plain", "mail.example", 25, "", "")),
    ],
)
def test_smtp_urls(url: str, expected: tuple[object, ...]) -> None:
    assert MailSettings.parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    "url",
    ["http://u:sekret@mail.example", "smtp://u:sekret@", "smtp://u:sekret@h:notaport",
     "smtp://u:sekret@h?tls=1", "smtp://u:sekret@h/x", "smtp://u:sekret@h?starttls=maybe",
     "u:sekret@mail.example:25"],
)  # fmt: skip
def test_malformed_smtp_urls_are_refused_without_repeating_the_password(url: str) -> None:
    with pytest.raises(ValueError, match="AKKOORD_SMTP_URL is malformed") as refused:
        MailSettings.parse_smtp_url(url)
    assert "sekret" not in str(refused.value)
