"""The mails' words: Dutch, the deadline as the Dutch write it, and hostile titles kept harmless."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from adapters.mail import compose

AMS = ZoneInfo("Europe/Amsterdam")
CLOSES = datetime(2025, 10, 22, 16, 0, tzinfo=AMS)


def consulted(title: str = "AZWA/HLO", name: str = "J. de Vries") -> compose.Consulted:
    return compose.Consulted(
        name=name,
        member="GM0363",
        member_name="Amsterdam",
        title=title,
        question="Stemt u in met het ondertekenen van het AZWA en het HLO?",
        closes_at=CLOSES,
        zone="Europe/Amsterdam",
    )


def test_the_invitation_in_dutch() -> None:
    r = compose.invitation(
        consulted(),
        weight=75,
        weight_rule="ceil",
        link="https://x/stem/akk_1",
        calendar_file="a.ics",
    )
    assert r.subject == "Uitnodiging ledenraadpleging: AZWA/HLO"
    assert r.text.startswith("Beste J. de Vries,\n")
    assert "De stemming sluit op 22 oktober 2025, 16:00 (Europe/Amsterdam)." in r.text
    assert "Eén stem per 1.000 inwoners of een deel daarvan" in r.text
    assert "Het gewicht van Amsterdam: 75 stemmen." in r.text
    assert "https://x/stem/akk_1" in r.text
    assert r.html is not None and '<a href="https://x/stem/akk_1">' in r.html


def test_one_vote_is_singular() -> None:
    r = compose.invitation(
        consulted(), weight=1, weight_rule="floor", link="l", calendar_file="a.ics"
    )
    assert "Het gewicht van Amsterdam: 1 stem." in r.text
    assert "Eén stem per volle 1.000 inwoners" in r.text


def test_the_reminder_says_the_time_left() -> None:
    r = compose.reminder(consulted(), now=datetime(2025, 10, 15, 16, 0, tzinfo=AMS), link="l")
    assert r.subject == "Herinnering ledenraadpleging: AZWA/HLO, stem vóór 22 oktober 2025, 16:00"
    assert "De stemming sluit over 7 dagen" in r.text


def test_the_confirmation_of_a_recast() -> None:
    r = compose.confirmation(
        consulted(),
        choice="no",
        at=datetime(2025, 10, 1, 10, 12, tzinfo=AMS),
        explanation="",
        previous_choice="yes",
        position=12,
        covered=True,
        receipt_file="stembewijs-GM0363.json",
    )
    assert r.subject == "Uw stem is vastgelegd: AZWA/HLO"
    assert "Keuze: nee\n  Vastgelegd op: 1 oktober 2025, 10:12\n\nDeze stem vervangt" in r.text
    assert "Deze stem vervangt de eerdere (ja)." in r.text
    assert "akkoord audit check-proof stembewijs-GM0363.json --key" in r.text


def test_a_hostile_title_breaks_no_header_and_runs_nothing() -> None:
    r = compose.invitation(
        consulted("<script>alert(1)</script>\r\nBcc: evil@example.org", name="<b>X</b>\nBcc: y"),
        weight=3,
        weight_rule="ceil",
        link="l",
        calendar_file="a.ics",
    )
    assert "\r" not in r.subject and "\n" not in r.subject
    assert r.subject.endswith("<script>alert(1)</script> Bcc: evil@example.org")
    assert r.html is not None
    assert "<script>" not in r.html and "<b>X</b>" not in r.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.html and "&lt;b&gt;X&lt;/b&gt;" in r.html
    # Plain text is not markup: it stays as written, on one line.
    assert "Beste <b>X</b> Bcc: y," in r.text


def test_a_long_title_makes_a_bounded_subject() -> None:
    r = compose.reminder(consulted("x" * 500), now=CLOSES, link="l")
    assert len(r.subject) == compose.MAX_SUBJECT and r.subject.endswith("…")
