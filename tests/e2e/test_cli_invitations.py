"""`akkoord consultation invite|remind` and `open --remind`: the log records which municipalities
were asked, by whom and why, never a name or an address; the mails are queued at once for those
with a contact, and the rest are named. Sign-in tokens name members of the register only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.cli import Cli, Run
from tests.stores import RawStore

OFFICER = "officer:j.devries"
MEMBERS = """code,name,province,inhabitants,year
GM0014,Groningen,Groningen,243768,2024
GM0034,Almere,Flevoland,226500,2024
GM0363,Amsterdam,Noord-Holland,931298,2024
GM0344,Utrecht,Utrecht,374238,2024
"""
CONTACTS = (
    "gemeente;naam;e-mail\nGM0014;Zoë Brouwer-Ékelen;zoe.brouwer@groningen.nl\n"
    "GM0034;Jan de Vries;j.devries@almere.nl\n"
)
PERSONAL = ("Brouwer", "Ékelen", "Vries", "groningen.nl", "almere.nl")


def ok(run: Run) -> Run:
    assert run.exit_code == 0, (run.stdout, run.stderr)
    return run


def refused(run: Run, text: str) -> None:
    assert run.exit_code != 0, (run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert text in lines[0], run.stderr


def open_one(cli: Cli, *extra: str) -> str:
    closes = (datetime.now(UTC) + timedelta(days=10)).isoformat(timespec="seconds")
    run = ok(
        cli(
            "consultation", "open", "--title", "AZWA", "--question", "Stemt u in?",
            "--closes", closes, "--reason", "Lbr. 25/041", *extra, actor=OFFICER,
        )
    )  # fmt: skip
    return run.stdout.strip()


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    home = tmp_path_factory.mktemp("invitations")
    (home / "gemeenten.csv").write_text(MEMBERS, encoding="utf-8")
    (home / "secretarissen.csv").write_text(CONTACTS, encoding="utf-8")
    cli = Cli(home / "store")
    ok(
        cli(
            "members", "load", "--file", str(home / "gemeenten.csv"), "--reason", "t", actor=OFFICER
        )
    )
    ok(cli("contacts", "load", "--file", str(home / "secretarissen.csv"), "--reason", "t",
           actor=OFFICER))  # fmt: skip
    return cli


def events_text(cli: Cli) -> str:
    rows = RawStore(cli.data_dir).query(
        "SELECT topic, state FROM stored_events", "SELECT topic, state FROM {events}"
    )
    return "\n".join(f"{topic} {bytes(state).decode('utf-8', 'replace')}" for topic, state in rows)


def test_invite_queues_mail_for_members_with_a_contact_and_names_the_rest(cli: Cli) -> None:
    cid = open_one(cli)
    run = ok(cli("consultation", "invite", cid, "--reason", "start", actor=OFFICER))
    assert "2 invitations queued; 2 municipalities have no contact: GM0344, GM0363" in run.stdout
    assert "akkoord mail send" in run.stdout
    answer = ok(cli("consultation", "invite", cid, "--json", actor=OFFICER)).json()
    assert answer["invited"] == ["GM0014", "GM0034"]
    lines = ok(cli("log", "--json", actor=OFFICER)).stdout.splitlines()
    invited = [e for e in map(json.loads, lines) if e["event"].endswith("SecretariesInvited")]
    assert invited[0]["data"]["members"] == ["GM0014", "GM0034"]
    assert (invited[0]["actor"], invited[0]["data"]["reason"]) == (OFFICER, "start")
    for word in PERSONAL:
        assert word not in events_text(cli)

    ok(cli("consultation", "cast", cid, "--member", "GM0014", "--choice", "yes",
           actor="secretary:GM0014"))  # fmt: skip
    reminded = ok(cli("consultation", "remind", cid, "--json", actor=OFFICER)).json()
    assert reminded["reminded"] == ["GM0034", "GM0344", "GM0363"]
    assert reminded["no_contact"] == ["GM0344", "GM0363"]
    for word in PERSONAL:
        assert word not in events_text(cli)


def test_invite_refuses_a_closed_consultation_and_a_non_officer(cli: Cli) -> None:
    cid = open_one(cli)
    refused(cli("consultation", "invite", cid, actor="secretary:GM0014"), "may not invite")
    ok(cli("consultation", "cancel", cid, "--reason", "ingetrokken", actor=OFFICER))
    before = cli.log_fingerprint()
    refused(cli("consultation", "invite", cid, actor=OFFICER), "invitations go out only")
    refused(cli("consultation", "remind", cid, actor=OFFICER), "only an open consultation")
    assert cli.log_fingerprint() == before


def test_open_records_reminders_and_none_means_none(cli: Cli) -> None:
    with_reminders = open_one(cli)
    without = open_one(cli, "--remind", "none")
    rows = ok(cli("deadlines", "--json", actor=OFFICER)).json()
    kinds = {(r["subject_id"], r["kind"]) for r in rows}
    assert (with_reminders, "non-voters reminder") in kinds
    assert (without, "non-voters reminder") not in kinds
    refused(
        cli("consultation", "open", "--title", "x", "--question", "y", "--closes", "2099-01-01",
            "--reason", "r", "--remind", "1w", actor=OFFICER),
        "like 7d, 36h or 90m",
    )  # fmt: skip


def test_a_secretary_token_names_a_member_of_the_register(cli: Cli) -> None:
    refused(
        cli("tokens", "issue", "--role", "secretary:GM9999", "--name", "x", actor=OFFICER),
        "unknown member GM9999",
    )
    ok(cli("tokens", "issue", "--role", "secretary:GM0344", "--name", "Griffier", actor=OFFICER))
