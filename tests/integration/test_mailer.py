"""The mailer on a real store (SQLite or PostgreSQL): events in the log become Dutch mails in
the outbox exactly once, and reach a real SMTP server on loopback."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from adapters.bootstrap import Engine, build
from adapters.config.settings import MailSettings, Settings
from adapters.contacts.register import Contact, ContactsRegister
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.mail.mailer import FOLLOWER, Following, produce, produce_report
from adapters.mail.messages import OutgoingMail
from adapters.mail.outbox import Outbox, outbox
from adapters.mail.sending import deliver_once
from domain.deadlines import DeadlineKind
from tests.conftest import OFFICER, secretary
from tests.mail_server import smtp_server
from workflows.clock import SimulatedClock

FACTS = read_members_csv(shipped_members_path())[:5]
CODES = [f.code for f in FACTS]
# The first three have a secretary on file; the last two do not.
CONTACTS = [
    Contact(code, f"Secretaris {code}", f"secr.{code.lower()}@example.nl") for code in CODES[:3]
]
MAIL = MailSettings(public_url="https://akkoord.example.nl")
AMS = ZoneInfo("Europe/Amsterdam")
HOSTILE = "<script>alert(1)</script>\r\nBcc: evil@example.org"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Store:
    """A store with five members, three contacts and a clock a moment behind the real one (the
    sign-in links expire by the real clock, so deadlines are in the real future)."""

    def __init__(self, directory: Path) -> None:
        self.settings = Settings(directory)
        self.clock = SimulatedClock(_now() - timedelta(hours=1))
        self.engine: Engine = build(self.settings, create=True, clock=self.clock)
        self.engine.app.members.load_members(list(FACTS), actor=OFFICER, reason="CBS 2024")
        contacts = ContactsRegister(self.settings)
        try:
            contacts.load(CONTACTS, actor=OFFICER, reason="secretariaten", known_members=CODES)
        finally:
            contacts.close()

    def open(
        self,
        title: str = "AZWA/HLO",
        synthetic: bool = False,
        reminders: Sequence[timedelta] = (),
    ) -> UUID:
        self.clock.set(_now() - timedelta(minutes=30))
        cid = self.engine.app.consultations.open_consultation(
            title=title,
            question="Stemt u in met het ondertekenen van het AZWA en het HLO?",
            agreements=["AZWA", "HLO"],
            closes_at=(_now() + timedelta(days=20)).astimezone(AMS),
            timezone="Europe/Amsterdam",
            actor=OFFICER,
            reason="Lbr. 25/041",
            reminders=reminders,
        )
        if synthetic:
            self.engine.app.consultations.mark_ballots_synthetic(
                cid, note="scenario", actor=OFFICER, reason="demo"
            )
        return cid

    def cast(self, cid: UUID, member: str, choice: str) -> None:
        self.clock.advance(timedelta(seconds=1))
        self.engine.app.consultations.cast_ballot(
            cid, member=member, choice=choice, actor=secretary(member)
        )

    def close(self) -> None:
        self.engine.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "store")
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def box(store: Store) -> Iterator[Outbox]:
    o = Outbox(store.settings, MAIL)
    try:
        yield o
    finally:
        o.close()


def queued(o: Outbox) -> list[dict[str, Any]]:
    with o.engine.connect() as conn:
        rows = conn.execute(select(outbox).order_by(outbox.c.created_at, outbox.c.message_id))
        return [dict(r) for r in rows.mappings()]


def of_kind(o: Outbox, kind: str) -> list[dict[str, Any]]:
    return [r for r in queued(o) if r["kind"] == kind]


class StopsAfter(Outbox):
    """An outbox that dies (like a killed process) when asked to queue for the n-th event."""

    def __init__(self, settings: Settings, calls: int) -> None:
        super().__init__(settings, MAIL)
        self.calls_left = calls

    def enqueue(
        self,
        mails: Sequence[OutgoingMail],
        *,
        follower: str | None = None,
        position: int | None = None,
        now: datetime | None = None,
    ) -> int:
        if self.calls_left == 0:
            raise KeyboardInterrupt("stopped")
        self.calls_left -= 1
        return super().enqueue(mails, follower=follower, position=position, now=now)


def test_invitations_once_per_contact_even_across_a_stop(store: Store, box: Outbox) -> None:
    first = store.open("Eerste")
    second = store.open("Tweede")
    for cid in (first, second):
        store.engine.app.consultations.invite_secretaries(cid, actor=OFFICER, reason="uitnodiging")

    stopping = StopsAfter(store.settings, calls=1)
    try:
        with pytest.raises(KeyboardInterrupt):
            produce(store.settings, stopping)
    finally:
        stopping.close()
    # The first event's three mails and the position after it, nothing of the second.
    assert len(queued(box)) == 3
    assert {r["subject_id"] for r in queued(box)} == {str(first)}
    assert box.position(FOLLOWER) > 0

    report = produce_report(store.settings, box)
    assert report.queued == 3  # the second event's, and no first-event mail twice
    assert sorted(m for _, m in report.without_contact) == sorted(CODES[3:])
    assert produce(store.settings, box) == 0  # nothing new: nothing queued

    rows = of_kind(box, "invitation")
    assert len(rows) == 6
    assert {r["member"] for r in rows} == set(CODES[:3])
    assert {r["recipient"] for r in rows} == {c.email for c in CONTACTS}
    ids = {r["message_id"] for r in rows}
    assert len(ids) == 6 and all(i.startswith("<invitation.") for i in ids)
    assert all(r["subject"].startswith("Uitnodiging ledenraadpleging: ") for r in rows)


def test_confirmations_and_reminders_follow_the_ballots(store: Store, box: Outbox) -> None:
    cid = store.open()
    voter, late, silent = CODES[0], CODES[1], CODES[2]
    store.cast(cid, voter, "yes")
    store.cast(cid, voter, "no")  # a re-cast: its own confirmation
    store.cast(cid, CODES[4], "yes")  # no contact: no mail
    store.engine.app.consultations.remind_non_voters(cid, actor=OFFICER, reason="nog 20 dagen")
    store.cast(cid, late, "yes")  # votes after the reminder was recorded, before it is mailed

    assert produce(store.settings, box) == 4

    confirmations = of_kind(box, "confirmation")
    assert [r["member"] for r in confirmations] == [voter, voter, late]
    bodies = [json.loads(r["body"]) for r in confirmations]
    assert "ja" in bodies[0]["text"] and "vervangt" not in bodies[0]["text"]
    assert "Keuze: nee" in bodies[1]["text"]
    assert "Deze stem vervangt de eerdere (ja)" in bodies[1]["text"]
    assert "akkoord audit check-proof stembewijs-" in bodies[1]["text"]
    (attachment,) = bodies[1]["attachments"]
    assert attachment["content_type"] == "application/json"
    receipt = json.loads(base64.b64decode(attachment["data"]))
    assert (receipt["kind"], receipt["member"], receipt["choice"]) == (
        "ballot-receipt",
        voter,
        "no",
    )
    assert receipt["consultation_id"] == str(cid)

    (reminder,) = of_kind(box, "reminder")  # not the late voter, not the member without contact
    assert reminder["member"] == silent
    text = json.loads(reminder["body"])["text"]
    assert reminder["subject"].startswith("Herinnering ledenraadpleging: AZWA/HLO, stem vóór ")
    assert "heeft nog niet gestemd" in text and "https://akkoord.example.nl/stem/akk_" in text
    assert produce(store.settings, box) == 0


def test_a_loop_follows_the_log_with_one_engine_for_its_life(store: Store, box: Outbox) -> None:
    # What `serve` and `scheduler run` poll every few seconds: opening the store each round was
    # work repeated for nothing. The kept engine still sees what another engine wrote since.
    following = Following()
    try:
        cid = store.open()
        assert following(store.settings, box) == 0
        store.cast(cid, CODES[0], "yes")
        assert following(store.settings, box) == 1
        store.cast(cid, CODES[0], "no")  # a re-cast on the aggregate the kept engine has cached
        store.engine.app.consultations.invite_secretaries(cid, actor=OFFICER, reason="uitnodiging")
        assert following(store.settings, box) == 1 + 3
        assert following(store.settings, box) == 0
        assert following.engines_built == 1
    finally:
        following.close()
    confirmations = of_kind(box, "confirmation")
    assert [json.loads(r["body"])["text"].count("Keuze: nee") for r in confirmations] == [0, 1]


def test_a_scheduled_reminder_mails_the_non_voters(store: Store, box: Outbox) -> None:
    # Due an hour after now, fired by the scheduler's command an hour after that.
    cid = store.open(reminders=[timedelta(days=19, hours=23)])
    store.cast(cid, CODES[0], "yes")
    store.clock.set(_now() + timedelta(hours=2))
    assert store.engine.app.deadlines.fire_deadline(DeadlineKind.NON_VOTERS_REMINDER, cid)
    report = produce_report(store.settings, box)
    assert sorted(r["member"] for r in of_kind(box, "reminder")) == CODES[1:3]
    assert sorted(m for kind, m in report.without_contact if kind == "reminder") == CODES[3:]


def test_synthetic_ballots_mail_nobody(store: Store, box: Outbox) -> None:
    cid = store.open("Scenario", synthetic=True)
    store.cast(cid, CODES[0], "yes")
    report = produce_report(store.settings, box)
    assert report.queued == 0 and report.skipped == {"synthetic ballots": 1}


def test_the_dutch_invitation_arrives_with_its_link_and_calendar_entry(
    store: Store, box: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = store.open(HOSTILE)
    store.engine.app.consultations.invite_secretaries(
        cid, actor=OFFICER, reason="uitnodiging", members=[CODES[0]]
    )
    closes = store.engine.app.consultations.get_consultation(cid)["closes_at"]
    with smtp_server() as server:
        monkeypatch.setenv("AKKOORD_SMTP_URL", server.url)
        monkeypatch.setenv("AKKOORD_PUBLIC_URL", "https://akkoord.example.nl")
        report = deliver_once(store.settings)
        assert (report.produced, report.sent) == (1, 1)
        (message,) = server.wait_for(1)
        (envelope,) = server.envelopes
    assert envelope[1] == [CONTACTS[0].email]  # no Bcc smuggled in through the title
    assert message["Bcc"] is None
    assert message["To"] == CONTACTS[0].email
    # The standard library folds a long subject onto the next line and reads the fold back
    # as a leading space.
    subject = str(message["Subject"]).strip()
    assert (
        subject == "Uitnodiging ledenraadpleging: <script>alert(1)</script> Bcc: evil@example.org"
    )
    assert message["Message-ID"].startswith(f"<invitation.{cid}.")

    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.startswith(f"Beste Secretaris {CODES[0]},")
    deadline = datetime.fromisoformat(closes).astimezone(AMS)
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
              "september", "oktober", "november", "december"]  # fmt: skip
    shown = f"{deadline.day} {months[deadline.month - 1]} {deadline.year}, {deadline:%H:%M}"
    assert f"De stemming sluit op {shown} (Europe/Amsterdam)" in text
    assert "Eén stem per 1.000 inwoners of een deel daarvan" in text
    (link,) = [w for w in text.split() if "/stem/" in w]
    assert link.startswith("https://akkoord.example.nl/stem/akk_")

    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'href="{link}"' in html

    (ics,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert ics.get_param("method") == "PUBLISH"
    assert ics.get_filename() == "ledenraadpleging.ics"
    (event,) = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert event.decoded("DTSTART") == deadline
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert "\n" not in str(event["SUMMARY"])
