"""`akkoord contacts load|list|erase` on a real store, as an officer keeps the secretaries' names
and mail addresses: beside the event log, never in it, and really gone once erased.

One store serves the module (loading members is the slow part); each test uses its own
municipalities, so the tests do not depend on each other's contacts.
"""

from __future__ import annotations

import pytest

from adapters.config.settings import Settings
from adapters.contacts.register import (
    Contact,
    ContactsRegister,
    LoadResult,
    UnknownContactError,
)
from domain.actor import Actor
from domain.errors import DomainError, InvalidInputError, NotAllowedError, UnknownMemberError
from tests.conftest import BACKEND
from tests.e2e.cli import Cli, Run
from tests.stores import RawStore

OFFICER = "officer:j.devries"
AUDITOR = "auditor:a.accountant"
MEMBERS = """code,name,province,inhabitants,year
GM0014,Groningen,Groningen,243768,2024
GM0034,Almere,Flevoland,226500,2024
GM0363,Amsterdam,Noord-Holland,931298,2024
GM0518,'s-Gravenhage,Zuid-Holland,566221,2024
GM0599,Rotterdam,Zuid-Holland,670610,2024
GM0344,Utrecht,Utrecht,374238,2024
"""


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    home = tmp_path_factory.mktemp("contacts")
    members = home / "gemeenten.csv"
    members.write_text(MEMBERS, encoding="utf-8")
    cli = Cli(home / "store")
    loaded = cli("members", "load", "--file", str(members), "--reason", "test", actor=OFFICER)
    assert loaded.exit_code == 0, loaded.stderr
    return cli


def csv_file(cli: Cli, name: str, text: str, encoding: str = "utf-8") -> str:
    path = cli.data_dir.parent / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def refused(run: Run, exit_code: int, text: str) -> None:
    assert run.exit_code == exit_code, (run.exit_code, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert text in lines[0], run.stderr


def listed(cli: Cli) -> dict[str, dict[str, str]]:
    run = cli("contacts", "list", "--json", actor=AUDITOR)
    assert run.exit_code == 0, run.stderr
    return {c.get("member") or c["party"]: c for c in run.json()}


def events_text(cli: Cli) -> str:
    rows = RawStore(cli.data_dir).query(
        "SELECT topic, state FROM stored_events", "SELECT topic, state FROM {events}"
    )
    return "\n".join(f"{topic} {bytes(state).decode('utf-8', 'replace')}" for topic, state in rows)


def test_load_update_list_and_erase(cli: Cli) -> None:
    first = csv_file(
        cli,
        "secretarissen.csv",
        "Gemeente;Naam;E-mail\r\nGM0014;Zoë Brouwer-Ékelen;zoe.brouwer@groningen.nl\r\n"
        "gm0034;Jan de Vries;j.devries@almere.nl\r\n",
        encoding="cp1252",
    )
    log_before = cli.log_fingerprint()
    run = cli("contacts", "load", "--file", first, "--reason", "from the 2025 list", actor=OFFICER)
    assert run.exit_code == 0, run.stderr
    assert "2 added, 0 updated, 0 unchanged" in run.stdout
    # Personal data stays out of the log: loading wrote no event at all, and none names them.
    assert cli.log_fingerprint() == log_before
    for word in ("Brouwer", "Ékelen", "zoe.brouwer", "groningen.nl", "Vries", "almere.nl"):
        assert word not in events_text(cli)
    contacts = listed(cli)
    assert contacts["GM0014"]["name"] == "Zoë Brouwer-Ékelen"
    assert contacts["GM0034"]["email"] == "j.devries@almere.nl"
    assert contacts["GM0014"]["loaded_by"] == OFFICER
    assert contacts["GM0014"]["reason"] == "from the 2025 list"

    second = csv_file(
        cli,
        "update.csv",
        "member,name,email\nGM0014,Zoë Brouwer-Ékelen,secretaris@groningen.nl\n"
        "GM0034,Jan de Vries,j.devries@almere.nl\n",
    )
    run = cli("contacts", "load", "--file", second, "--reason", "new address", actor=OFFICER)
    assert run.exit_code == 0, run.stderr
    assert "0 added, 1 updated, 1 unchanged" in run.stdout
    assert listed(cli)["GM0014"]["email"] == "secretaris@groningen.nl"
    assert listed(cli)["GM0034"]["reason"] == "from the 2025 list"  # untouched rows keep theirs

    human = cli("contacts", "list", actor=OFFICER)
    assert human.exit_code == 0 and "secretaris@groningen.nl" in human.stdout

    run = cli("contacts", "erase", "GM0014", "--reason", "left the job; AVG", actor=OFFICER)
    assert run.exit_code == 0, run.stderr
    assert "GM0014" not in listed(cli)
    refused(cli("contacts", "erase", "GM0014", "--reason", "again", actor=OFFICER), 3, "GM0014")
    register = ContactsRegister(Settings(cli.data_dir))
    try:
        assert register.get("GM0014") is None
        assert register.get("GM0034") is not None
    finally:
        register.close()
    if BACKEND == "sqlite":
        # Erased means erased: the bytes are overwritten, not left in a free page of the file.
        raw = (cli.data_dir / Settings(cli.data_dir).auth_path.name).read_bytes()
        assert b"Brouwer" not in raw and b"secretaris@groningen" not in raw
    # Nor did any other file of the store (log, event store, logs) ever hold them.
    for path in cli.data_dir.rglob("*"):
        if path.is_file() and path.name != Settings(cli.data_dir).auth_path.name:
            assert b"Brouwer" not in path.read_bytes(), path


def test_a_bad_line_refuses_the_whole_file_and_writes_nothing(cli: Cli) -> None:
    before = listed(cli)
    log_before = cli.log_fingerprint()
    bad = csv_file(
        cli,
        "bad.csv",
        "gemeente,naam,email\nGM0363,Femke Halsema,f.halsema@amsterdam.nl\n"
        "GM0599,Ahmed Aboutaleb,a.aboutaleb.rotterdam.nl\n",
    )
    run = cli("contacts", "load", "--file", bad, "--reason", "test", actor=OFFICER)
    refused(run, 2, "bad.csv:3: 'a.aboutaleb.rotterdam.nl' is not a mail address")
    assert listed(cli) == before
    assert cli.log_fingerprint() == log_before


def test_an_unknown_municipality_refuses_the_file(cli: Cli) -> None:
    before = listed(cli)
    bad = csv_file(
        cli,
        "unknown.csv",
        "gemeente;naam;email\nGM0518;Jan Jansen;j@denhaag.nl\nGM9999;Piet Nobody;p@nergens.nl\n",
    )
    run = cli("contacts", "load", "--file", bad, "--reason", "test", actor=OFFICER)
    refused(run, 2, "unknown.csv:3: GM9999 is not a member")
    assert listed(cli) == before


def test_the_register_checks_contacts_from_anywhere_all_or_nothing(cli: Cli) -> None:
    """What other rooms (the dashboard, the mailer) call: the same checks as a file gets."""
    officer = Actor.parse(OFFICER)
    known = {"GM0518", "GM0599"}
    good = Contact("GM0599", "Ahmed Aboutaleb", "a.aboutaleb@rotterdam.nl")
    register = ContactsRegister(Settings(cli.data_dir))
    try:
        before = register.all()
        attempts: list[tuple[type[DomainError], list[Contact], Actor]] = [
            (UnknownMemberError, [good, Contact("GM9999", "Piet", "p@x.nl")], officer),
            (InvalidInputError, [good, Contact("GM0518", "Jan", "Jan <j@denhaag.nl>")], officer),
            (InvalidInputError, [good, good], officer),
            (NotAllowedError, [good], Actor.parse("secretary:GM0599")),
        ]
        for error, batch, actor in attempts:
            with pytest.raises(error):
                register.load(batch, actor=actor, reason="test", known_members=known)
            assert register.all() == before
        with pytest.raises(UnknownContactError):
            register.erase("GM0518", actor=officer, reason="test")
        result = register.load([good], actor=officer, reason="test", known_members=known)
        assert result == LoadResult(("GM0599",), (), 0)
        assert register.get("GM0599") == good
        register.erase("GM0599", actor=officer, reason="test")
        assert register.all() == before
    finally:
        register.close()


def test_only_officers_change_contacts_and_only_officers_and_auditors_see_them(cli: Cli) -> None:
    good = csv_file(cli, "utrecht.csv", "code,name,email\nGM0344,Sharon Dijksma,s@utrecht.nl\n")
    before = listed(cli)
    for actor in ("secretary:GM0344", "board:b.voorzitter", AUDITOR):
        run = cli("contacts", "load", "--file", good, "--reason", "test", actor=actor)
        refused(run, 5, "only officer may")
    assert listed(cli) == before
    refused(cli("contacts", "list", actor="secretary:GM0344"), 5, "may not")
    refused(cli("contacts", "list", actor="board:b.voorzitter"), 5, "may not")
    refused(cli("contacts", "load", "--file", good, actor=OFFICER), 2, "reason")
    assert cli("contacts", "load", "--file", good, "--reason", "r", actor=OFFICER).exit_code == 0
    refused(cli("contacts", "erase", "GM0344", "--reason", "x", actor=AUDITOR), 5, "only officer")
    refused(cli("contacts", "erase", "GM0344", actor=OFFICER), 2, "reason")
    assert "GM0344" in listed(cli)


def test_a_party_of_an_agreement_has_its_secretary_too(cli: Cli) -> None:
    registered = cli(
        "agreement", "register", "--code", "GALA", "--name", "GALA", "--full-name",
        "Gezond en Actief Leven Akkoord", "--party", "VWS,VNG,ZN", "--reason", "r",
        actor=OFFICER,
    )  # fmt: skip
    assert registered.exit_code == 0, registered.stderr
    before = listed(cli)
    unknown = csv_file(
        cli, "rijk.csv", "gemeente;naam;email\nvng;Piet Bakker;p@vng.nl\nRijk;Ria;r@rijk.nl\n"
    )
    run = cli("contacts", "load", "--file", unknown, "--reason", "test", actor=OFFICER)
    refused(run, 2, "rijk.csv:3: 'Rijk' is neither a municipality's CBS code")
    assert listed(cli) == before
    log_before = cli.log_fingerprint()
    parties = csv_file(
        cli, "partijen.csv", "gemeente;naam;email\nvng;Piet Bakker;p.bakker@vng.nl\n"
    )
    run = cli("contacts", "load", "--file", parties, "--reason", "the parties", actor=OFFICER)
    assert run.exit_code == 0, run.stderr
    assert "1 added, 0 updated, 0 unchanged" in run.stdout
    assert cli.log_fingerprint() == log_before and "Bakker" not in events_text(cli)
    vng = listed(cli)["VNG"]
    assert vng["party"] == "VNG" and vng["email"] == "p.bakker@vng.nl"
    assert vng["loaded_by"] == OFFICER and vng["reason"] == "the parties"
    human = cli("contacts", "list", actor=OFFICER)
    assert "p.bakker@vng.nl" in human.stdout and "no mail goes to a party" in human.stdout
    register = ContactsRegister(Settings(cli.data_dir))
    try:
        assert register.get("VNG") is None  # the mailer reaches municipalities only
    finally:
        register.close()
    run = cli("contacts", "erase", "VNG", "--reason", "left the job; AVG", actor=OFFICER)
    assert run.exit_code == 0, run.stderr
    assert "VNG" not in listed(cli)
    refused(cli("contacts", "erase", "VNG", "--reason", "again", actor=OFFICER), 3, "VNG")
