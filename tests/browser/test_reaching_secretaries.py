"""Reaching every secretary, end to end, in Dutch, with real parts only.

The officer loads the secretaries' contacts from a spreadsheet export (semicolons, Windows-1252)
and invites the electorate with the CLI; `akkoord serve` (a subprocess, its scheduler and mail
loop on) sends the invitations through a real SMTP server on loopback; a secretary follows the
link in the mail on a 375 px phone (Debian's Chromium), lands on the ballot form signed in, and
votes; the confirmation mail arrives with the ballot's receipt; the officer's reminder reaches
only those who have not voted. A member without a contact is named, never mailed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.browser.support import ARTIFACTS, CHROMIUM, NEEDS_CHROMIUM, ROOT, serving
from tests.mail_server import SmtpServer, smtp_server
from tests.reliability.support import free_port

OFFICER = "officer:j.devries"

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]

from playwright.sync_api import expect, sync_playwright  # noqa: E402

MEMBERS = """code,name,province,inhabitants,year
GM0014,Groningen,Groningen,243768,2024
GM0034,Almere,Flevoland,226500,2024
GM0363,Amsterdam,Noord-Holland,931298,2024
GM0344,Utrecht,Utrecht,374238,2024
"""
# As a Dutch spreadsheet exports it: semicolons, Windows-1252 (the ë), Dutch headers.
CONTACTS = (
    "gemeente;naam;e-mail\r\n"
    "GM0014;Zoë Brouwer;griffie@groningen.example\r\n"
    "GM0034;Jan de Vries;secretaris@almere.example\r\n"
    "GM0363;Femke Bakker;gemeentesecretaris@amsterdam.example\r\n"
)
GRONINGEN = "griffie@groningen.example"
DUTCH_MOMENT = re.compile(
    r"\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober"
    r"|november|december) \d{4}, \d\d:\d\d"
)
NOT_YET = {"secretaris@almere.example", "gemeentesecretaris@amsterdam.example"}


def akkoord(home: Path, *args: str) -> str:
    """The real CLI, as a process, in a Dutch locale, on the node that serves the links."""
    env = {
        **os.environ,
        "AKKOORD_HOME": str(home / "store"),
        "AKKOORD_ACTOR": OFFICER,
        "AKKOORD_PUBLIC_URL": (home / "public-url").read_text(),
        "LANG": "nl_NL.UTF-8",
    }
    env.pop("LC_ALL", None)
    done = subprocess.run(
        [sys.executable, "-m", "adapters.entrypoints.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def attachments(message: EmailMessage) -> dict[str, EmailMessage]:
    return {str(a.get_filename()): a for a in message.iter_attachments()}


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


def test_from_the_contacts_file_to_the_reminder_of_those_who_have_not_voted(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    # The links in the mails name the server (AKKOORD_PUBLIC_URL), wherever a mail is made.
    public = f"http://127.0.0.1:{free_port()}"
    (tmp_path / "public-url").write_text(public)
    (tmp_path / "gemeenten.csv").write_text(MEMBERS, encoding="utf-8")
    (tmp_path / "secretarissen.csv").write_bytes(CONTACTS.encode("cp1252"))
    members, contacts = str(tmp_path / "gemeenten.csv"), str(tmp_path / "secretarissen.csv")
    akkoord(tmp_path, "members", "load", "--file", members, "--reason", "CBS 2024")
    loaded = akkoord(tmp_path, "contacts", "load", "--file", contacts, "--reason", "opgave VNG")
    assert "3" in loaded
    closes = (datetime.now(UTC) + timedelta(days=10)).isoformat(timespec="seconds")
    cid = akkoord(
        tmp_path, "consultation", "open", "--title", "Ledenraadpleging AZWA",
        "--question", "Stemt u in met het AZWA?", "--closes", closes, "--reason", "Lbr. 25/041",
    ).strip()  # fmt: skip
    invited = akkoord(tmp_path, "consultation", "invite", cid, "--reason", "start raadpleging")
    assert "GM0344" in invited  # Utrecht has no contact: named, not mailed

    mail = {
        "AKKOORD_SMTP_URL": smtp.url,
        "AKKOORD_MAIL_FROM": "ledenraadpleging@vng.example",
        "AKKOORD_PUBLIC_URL": public,
        "AKKOORD_MAIL_POLL_SECONDS": "1",
    }
    port = int(public.rsplit(":", 1)[1])
    with serving(
        tmp_path / "store", tmp_path / "serve.log", scheduler=True, port=port, env=mail
    ) as base:
        # The server's mail loop sends the queued invitations: one per contact, in Dutch.
        invitations = smtp.wait_for(3, timeout=60)
        assert sorted(str(m["To"]) for m in invitations) == sorted({GRONINGEN, *NOT_YET})
        for mail in invitations:
            assert str(mail["Subject"]).strip().startswith("Uitnodiging ledenraadpleging")
            assert "ics" in " ".join(attachments(mail)) or any(
                a.get_content_type() == "text/calendar" for a in mail.iter_attachments()
            )
            text = body(mail)
            assert DUTCH_MOMENT.search(text), text
        (groningen,) = smtp.to(GRONINGEN)
        link = re.search(re.escape(base) + r"/stem/\S+", body(groningen))
        assert link, body(groningen)

        # The secretary follows the link on a phone and votes; no token typed anywhere.
        ARTIFACTS.mkdir(exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_context(
                viewport={"width": 375, "height": 800}, locale="nl-NL"
            ).new_page()
            page.set_default_timeout(15_000)
            page.goto(link.group(0))
            expect(page).to_have_url(f"{base}/consultations/{cid}")
            expect(page.locator("main")).to_contain_text("Groningen")
            sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert sideways <= 0
            page.get_by_label("Ja, instemmen").check()
            page.get_by_role("button", name="Stem uitbrengen").click()
            expect(page.get_by_test_id("standing-ballot")).to_contain_text("Ja")
            page.screenshot(path=str(ARTIFACTS / "secretary-link-375.png"), full_page=True)
            browser.close()

        # The confirmation: what was recorded, with the ballot's receipt attached.
        smtp.wait_for(4, timeout=60)
        confirmation = [m for m in smtp.to(GRONINGEN) if m is not groningen]
        assert len(confirmation) == 1
        assert str(confirmation[0]["Subject"]).strip().startswith("Uw stem is vastgelegd")
        receipts = [a for name, a in attachments(confirmation[0]).items() if name.endswith(".json")]
        assert len(receipts) == 1
        receipt = json.loads(receipts[0].get_content())
        assert "GM0014" in json.dumps(receipt)

        # The reminder by hand reaches only those who have not voted.
        reminded = akkoord(tmp_path, "consultation", "remind", cid, "--reason", "nog 10 dagen")
        assert reminded
        smtp.wait_for(6, timeout=60)
        reminders = [
            m for m in smtp.messages if str(m["Subject"]).strip().startswith("Herinnering")
        ]
        assert sorted(str(m["To"]) for m in reminders) == sorted(NOT_YET)
        # The outbox agrees: two reminders in all, both sent, none for Groningen, none waiting.
        status = json.loads(akkoord(tmp_path, "mail", "status", "--json"))
        assert status["by_kind"]["reminder"].get("sent") == 2, status
        assert sum(n for s, n in status["counts"].items() if s != "sent") == 0, status
        assert {m["member"] for m in status["messages"] if m["kind"] == "reminder"} == {
            "GM0034",
            "GM0363",
        }
        assert len(smtp.to(GRONINGEN)) == 2  # invitation and confirmation, no reminder
