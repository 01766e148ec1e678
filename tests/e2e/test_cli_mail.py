"""`akkoord mail status` and `akkoord mail send` against a real SMTP server on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.config.settings import MailSettings, Settings
from adapters.entrypoints.cli.main import app
from adapters.mail.outbox import Outbox, OutgoingMail
from tests.e2e.cli import Cli, CliRunner, Run
from tests.e2e.test_receipts import OFFICER
from tests.mail_server import SmtpServer, free_port, smtp_server


@pytest.fixture(scope="module")
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def mail_cli(data_dir: Path, *args: str, smtp_url: str = "") -> Run:
    env = {
        "AKKOORD_HOME": str(data_dir),
        "AKKOORD_SMTP_URL": smtp_url,
        "AKKOORD_MAIL_FROM": "akkoord@vng.example",
        "LANG": "C.UTF-8",
        "LC_ALL": None,
        "LC_MESSAGES": None,
    }
    result = CliRunner().invoke(app, ["mail", *args], env=env, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def queue(data_dir: Path, *members: str) -> None:
    outbox = Outbox(Settings(data_dir), MailSettings())
    try:
        outbox.enqueue(
            [
                OutgoingMail(
                    message_id=f"<reminder.c9.{m}@akkoord>",
                    to=f"griffie.{m.lower()}@gemeente.example",
                    subject="Herinnering: ledenraadpleging",
                    text="Nog niet gestemd.",
                    kind="reminder",
                    subject_id="c9",
                    member=m,
                )
                for m in members
            ]
        )
    finally:
        outbox.close()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    data_dir = tmp_path / "store"
    assert Cli(data_dir)("members", "load", actor=OFFICER).exit_code == 0
    return data_dir


def test_status_without_smtp_shows_what_waits(store: Path) -> None:
    queue(store, "GM0090", "GM0363")
    shown = mail_cli(store, "status", "--json")
    assert shown.exit_code == 0, shown.stderr
    status = shown.json()
    assert status["smtp_configured"] is False
    assert status["counts"]["queued"] == 2
    assert status["by_kind"]["reminder"]["queued"] == 2
    assert {m["to"] for m in status["messages"]} == {"g***@gemeente.example"}
    human = mail_cli(store, "status")
    assert "SMTP is not configured" in human.stdout
    refused = mail_cli(store, "send")
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert "AKKOORD_SMTP_URL" in refused.stderr


def test_send_empties_the_outbox_once(store: Path, server: SmtpServer) -> None:
    server.clear()
    members = [f"GM{n:04d}" for n in range(1, 131)]  # more than one round of 100
    queue(store, *members)
    sent = mail_cli(store, "send", "--json", smtp_url=server.url)
    assert sent.exit_code == 0, sent.stderr
    assert sent.json()["sent"] == len(members)
    received = server.wait_for(len(members))
    assert sorted(m["Message-ID"] for m in received) == sorted(
        f"<reminder.c9.{m}@akkoord>" for m in members
    )
    again = mail_cli(store, "send", smtp_url=server.url)
    assert again.exit_code == 0 and again.stdout.startswith("0 queued, 0 sent")
    status = mail_cli(store, "status", "--json", smtp_url=server.url).json()
    assert status["counts"]["sent"] == len(members) and status["smtp"] == server.url


def test_a_failed_send_exits_non_zero_and_the_status_names_it(store: Path) -> None:
    queue(store, "GM0090")
    closed = f"smtp://127.0.0.1:{free_port()}"
    failed = mail_cli(store, "send", smtp_url=closed)
    assert failed.exit_code == 1
    assert failed.stdout.startswith("0 queued, 0 sent, 1 to retry")
    assert failed.stderr.startswith("error: 1 message(s) could not be sent")
    status = mail_cli(store, "status", "--json").json()
    (row,) = status["messages"]
    assert row["state"] == "retry" and row["attempts"] == 1 and row["next_attempt_at"]
    assert "127.0.0.1" in row["last_error"]


@pytest.mark.parametrize("url", ["smtp//nohost", "imap://x:sekret@mail.example"])
def test_a_malformed_smtp_url_is_one_line_and_non_zero(store: Path, url: str) -> None:
    for command in ("status", "send"):
        refused = mail_cli(store, command, smtp_url=url)
        assert refused.exit_code == 2
        assert refused.stderr.startswith("error: AKKOORD_SMTP_URL is malformed")
        assert refused.stderr.count("\n") == 1 and "sekret" not in refused.stderr
    assert json.loads(mail_cli(store, "status", "--json").stdout)["counts"]["queued"] == 0
