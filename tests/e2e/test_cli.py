"""The CLI as officers and secretaries use it, on a real SQLite store."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.cli import Cli, Run
from tests.stores import RawStore, count_events

OFFICER = "officer:j.devries"
TALLY_KEYS = {
    "yes_weight",
    "no_weight",
    "yes_pct",
    "no_pct",
    "voted_members",
    "electorate_members",
    "voted_weight",
    "electorate_weight",
}


def in_future(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat(timespec="seconds")


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "store")


@pytest.fixture
def loaded(cli: Cli) -> Cli:
    assert cli("members", "load", actor=OFFICER).exit_code == 0
    return cli


@pytest.fixture
def consultation(loaded: Cli) -> str:
    run = loaded(
        "consultation",
        "open",
        "--title",
        "AZWA en HLO",
        "--question",
        "Stemt u in?",
        "--agreement",
        "AZWA",
        "--agreement",
        "HLO",
        "--closes",
        in_future(days=30),
        "--reason",
        "Lbr. 25/041",
        "--json",
        actor=OFFICER,
    )
    assert run.exit_code == 0, run.stderr
    return str(run.json()["id"])


def refused(run: Run, exit_code: int, text: str) -> None:
    assert run.exit_code == exit_code, (run.exit_code, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert text in lines[0]
    assert "Traceback" not in run.stdout + run.stderr


def test_members_load_is_idempotent_and_listed(cli: Cli) -> None:
    first = cli("members", "load", "--json", actor=OFFICER)
    assert first.exit_code == 0 and len(first.json()["added"]) == 342
    fingerprint = cli.log_fingerprint()
    again = cli("members", "load", "--json", actor=OFFICER)
    assert again.json() | {"file": ""} == {"added": [], "updated": [], "unchanged": 342, "file": ""}
    assert cli.log_fingerprint() == fingerprint
    listed = cli("members", "list", "--json").json()
    assert len(listed) == 342
    assert {
        "code": "GM0088",
        "name": "Schiermonnikoog",
        "province": "Friesland",
        "populations": {"2024": 972},
        # in the register from the start of its records, not ended, no predecessors
        "began": None,
        "ended": None,
        "ended_how": None,
        "successors": [],
        "successions": [],
    } in listed
    assert "Bron: CBS" in cli("members", "list").stdout


def test_a_changed_population_adds_one_event(loaded: Cli, tmp_path: Path) -> None:
    from adapters.inputs.members_csv import shipped_members_path

    text = shipped_members_path().read_text(encoding="utf-8")
    changed = tmp_path / "changed.csv"
    changed.write_text(
        text.replace(
            "GM0088,Schiermonnikoog,Friesland,972,", "GM0088,Schiermonnikoog,Friesland,980,"
        )
    )
    before = len(loaded("log", "--json").stdout.splitlines())
    run = loaded("members", "load", "--file", str(changed), "--json", actor=OFFICER)
    assert run.json()["updated"] == ["GM0088"]
    log = loaded("log", "--json").stdout.splitlines()
    assert len(log) == before + 1 and "PopulationRecorded" in log[-1]


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("code,name,province,year\n", "missing column(s) inhabitants"),
        ("code,name,province,inhabitants,year\nGM0001,A,B,many,2024\n", ":2: inhabitants"),
        (
            "code,name,province,inhabitants,year\nGM0001,A,B,1,2024\nGM0001,A,B,1,2024\n",
            ":3: duplicate code GM0001",
        ),
    ],
)
def test_malformed_csv_is_refused_whole(
    loaded: Cli, tmp_path: Path, csv_text: str, message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text)
    fingerprint = loaded.log_fingerprint()
    refused(loaded("members", "load", "--file", str(bad), actor=OFFICER), 2, message)
    assert loaded.log_fingerprint() == fingerprint


def test_the_consultation_end_to_end(loaded: Cli, consultation: str) -> None:
    cid = consultation
    assert (
        loaded(
            "consultation",
            "cast",
            cid,
            "--member",
            "GM0363",
            "--choice",
            "yes",
            actor="secretary:GM0363",
        ).exit_code
        == 0
    )
    assert (
        loaded(
            "consultation",
            "cast",
            cid,
            "--member",
            "GM0088",
            "--choice",
            "no",
            "--explanation",
            "zorgen over financiering",
            actor="secretary:GM0088",
        ).exit_code
        == 0
    )
    # a re-cast: the latest counts
    assert (
        loaded(
            "consultation",
            "cast",
            cid,
            "--member",
            "GM0088",
            "--choice",
            "yes",
            actor="secretary:GM0088",
        ).exit_code
        == 0
    )
    same = loaded(
        "consultation",
        "cast",
        cid,
        "--member",
        "GM0088",
        "--choice",
        "yes",
        "--json",
        actor="secretary:GM0088",
    )
    assert same.json()["recorded"] is False
    assert same.json()["receipt"]["member"] == "GM0088"
    tally = loaded("consultation", "tally", cid, "--json").json()
    assert set(tally) >= TALLY_KEYS
    assert (tally["yes_weight"], tally["no_weight"], tally["voted_members"]) == (76, 0, 2)
    assert tally["yes_pct"] == 100.0 and tally["electorate_members"] == 342
    assert tally["provinces"]["Friesland"]["voted_members"] == 1
    show = loaded("consultation", "show", cid, "--json").json()
    assert show["phase"] == "open" and show["agreements"] == ["AZWA", "HLO"]
    assert show["timezone"] == "Europe/Amsterdam"
    early = loaded("consultation", "close", cid, actor=OFFICER)
    refused(early, 2, "give a reason to close it early")
    assert loaded(
        "consultation", "close", cid, "--reason", "bestuur besluit", "--json", actor=OFFICER
    ).json() == {"closed": True}
    assert loaded(
        "consultation", "close", cid, "--reason", "nogmaals", "--json", actor=OFFICER
    ).json() == {"closed": False}
    refused(
        loaded(
            "consultation",
            "cast",
            cid,
            "--member",
            "GM0090",
            "--choice",
            "yes",
            actor="secretary:GM0090",
        ),
        4,
        "is closed",
    )
    events = [line for line in loaded("log", "--json").stdout.splitlines() if cid in line]
    names = [__import__("json").loads(e)["event"] for e in events]
    assert names == [
        "Consultation.Opened",
        "Consultation.BallotCast",
        "Consultation.BallotCast",
        "Consultation.BallotRecast",
        "Consultation.Closed",
    ]
    rebuilt = loaded("projections", "rebuild", "--json").json()
    assert rebuilt["identical"] is True
    assert rebuilt["events_replayed"] == len(loaded("log", "--json").stdout.splitlines())


def test_extend_and_cancel(loaded: Cli, consultation: str) -> None:
    refused(
        loaded(
            "consultation",
            "extend",
            consultation,
            "--closes",
            in_future(days=1),
            "--reason",
            "r",
            actor=OFFICER,
        ),
        2,
        "later than",
    )
    refused(
        loaded(
            "consultation", "extend", consultation, "--closes", in_future(days=40), actor=OFFICER
        ),
        2,
        "give a reason",
    )
    moved = loaded(
        "consultation",
        "extend",
        consultation,
        "--closes",
        "2099-01-05T12:00",
        "--reason",
        "storing stemformulier",
        "--json",
        actor=OFFICER,
    )
    assert moved.json() == {"closes_at": "2099-01-05T12:00:00+01:00"}
    refused(loaded("consultation", "cancel", consultation, actor=OFFICER), 2, "give a reason")
    assert (
        loaded(
            "consultation", "cancel", consultation, "--reason", "ingetrokken", actor=OFFICER
        ).exit_code
        == 0
    )
    assert loaded("consultation", "show", consultation, "--json").json()["phase"] == "cancelled"
    refused(
        loaded(
            "consultation",
            "cast",
            consultation,
            "--member",
            "GM0090",
            "--choice",
            "yes",
            actor="secretary:GM0090",
        ),
        4,
        "cancelled",
    )


def test_bad_input_is_refused_with_one_line_and_nothing_written(
    loaded: Cli, consultation: str
) -> None:
    cid = consultation
    cases = [
        (
            ("consultation", "cast", cid, "--member", "GM9999", "--choice", "yes"),
            "secretary:GM9999",
            3,
            "unknown member GM9999",
        ),
        (
            ("consultation", "cast", cid, "--member", "GM0363", "--choice", "yes"),
            "secretary:GM0090",
            5,
            "may cast only for GM0090",
        ),
        (
            ("consultation", "cast", cid, "--member", "GM0090", "--choice", "misschien"),
            "secretary:GM0090",
            2,
            "yes or no",
        ),
        (
            ("consultation", "cast", "not-an-id", "--member", "GM0090", "--choice", "yes"),
            "secretary:GM0090",
            2,
            "malformed consultation id",
        ),
        (
            (
                "consultation",
                "cast",
                "00000000-0000-4000-8000-000000000000",
                "--member",
                "GM0090",
                "--choice",
                "yes",
            ),
            "secretary:GM0090",
            3,
            "unknown consultation",
        ),
        (
            ("consultation", "cast", cid, "--member", "GM0090", "--choice", "yes"),
            None,
            2,
            "say who acts",
        ),
        (
            ("consultation", "cast", cid, "--member", "GM0090", "--choice", "yes"),
            "mayor:x",
            2,
            "unknown role",
        ),
        (("consultation", "close", cid, "--reason", "x"), "auditor:a", 5, "only officer"),
        (
            (
                "consultation",
                "open",
                "--title",
                "t",
                "--question",
                "q",
                "--closes",
                "22-10-2025",
                "--reason",
                "r",
            ),
            OFFICER,
            2,
            "needs a date and a time",
        ),
        (
            (
                "consultation",
                "open",
                "--title",
                "t",
                "--question",
                "q",
                "--closes",
                "2099-03-29T02:30",
                "--reason",
                "r",
            ),
            OFFICER,
            2,
            "does not exist in Europe/Amsterdam",
        ),
        (
            (
                "consultation",
                "open",
                "--title",
                "t",
                "--question",
                "q",
                "--closes",
                "2099-10-22T16:00",
                "--tz",
                "Amsterdam",
                "--reason",
                "r",
            ),
            OFFICER,
            2,
            "unknown time zone",
        ),
        (
            (
                "consultation",
                "open",
                "--title",
                "t",
                "--question",
                "q",
                "--closes",
                "2099-10-22T16:00",
                "--weight-rule",
                "round",
                "--reason",
                "r",
            ),
            OFFICER,
            2,
            "unknown weight rule",
        ),
        (
            (
                "consultation",
                "open",
                "--title",
                "t",
                "--question",
                "q",
                "--closes",
                "2020-10-22T16:00",
                "--reason",
                "r",
            ),
            OFFICER,
            2,
            "has already passed",
        ),
        (
            (
                "consultation",
                "open",
                "--title",
                "t",
                "--question",
                "q",
                "--closes",
                "2099-10-22T16:00",
            ),
            OFFICER,
            2,
            "give a reason",
        ),
        (
            (
                "consultation",
                "open",
                "--title",
                "t",
                "--question",
                "q",
                "--closes",
                "2099-10-22T16:00",
                "--reason",
                "r",
            ),
            "secretary:GM0090",
            5,
            "may not open a consultation",
        ),
        (
            (
                "consultation",
                "open",
                "--title",
                "t",
                "--question",
                "q",
                "--closes",
                "2099-10-22T16:00",
                "--reason",
                "r",
                "--population-year",
                "1999",
            ),
            OFFICER,
            2,
            "no population for 1999",
        ),
        (
            ("consultation", "tally", "00000000-0000-4000-8000-000000000000"),
            None,
            3,
            "unknown consultation",
        ),
    ]
    fingerprint = loaded.log_fingerprint()
    for args, actor, code, text in cases:
        refused(loaded(*args, actor=actor), code, text)
    assert loaded.log_fingerprint() == fingerprint


def test_json_errors_are_one_json_line(loaded: Cli) -> None:
    run = loaded("consultation", "show", "nope", "--json")
    assert run.exit_code == 2
    assert __import__("json").loads(run.stderr) == {
        "error": {"code": "invalid_input", "message": "malformed consultation id 'nope'"}
    }


def test_reading_a_missing_store_is_refused_without_creating_it(cli: Cli) -> None:
    refused(cli("log"), 3, "no akkoord store")
    assert not cli.data_dir.exists()


@pytest.mark.sqlite_only("a damaged SQLite file; see the garbled-event test for both")
def test_a_corrupted_store_gives_a_clear_error(loaded: Cli) -> None:
    path = loaded.data_dir / "events.sqlite"
    for extra in ("-wal", "-shm"):
        (loaded.data_dir / f"events.sqlite{extra}").unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    refused(loaded("members", "list"), 1, "storage error")


def test_a_garbled_event_gives_a_clear_error(loaded: Cli) -> None:
    """Whichever database holds it, an event that no longer decodes is named, not a traceback."""
    raw = RawStore(loaded.data_dir)
    raw.set_state(raw.head(), b"\x00not json at all")
    refused(loaded("members", "list"), 1, "cannot be read")


def test_refusals_are_logged(loaded: Cli) -> None:
    loaded(
        "consultation",
        "cast",
        "00000000-0000-4000-8000-000000000000",
        "--member",
        "GM0090",
        "--choice",
        "yes",
        actor="secretary:GM0090",
    )
    log = (loaded.data_dir / "akkoord.log").read_text()
    assert '"refused"' in log and "unknown_consultation" in log and "secretary:GM0090" in log


@pytest.mark.slow
def test_a_ballot_after_the_deadline_is_refused_before_anyone_closes(loaded: Cli) -> None:
    closes = datetime.now(UTC) + timedelta(seconds=2)
    run = loaded(
        "consultation",
        "open",
        "--title",
        "kort",
        "--question",
        "q",
        "--closes",
        closes.isoformat(),
        "--reason",
        "test",
        "--json",
        actor=OFFICER,
    )
    cid = run.json()["id"]
    time.sleep(max(0.0, (closes - datetime.now(UTC)).total_seconds()) + 0.05)
    fingerprint = loaded.log_fingerprint()
    refused(
        loaded(
            "consultation",
            "cast",
            cid,
            "--member",
            "GM0090",
            "--choice",
            "yes",
            actor="secretary:GM0090",
        ),
        4,
        "too late",
    )
    assert loaded.log_fingerprint() == fingerprint
    assert loaded("consultation", "show", cid, "--json").json()["phase"] == "deadline passed"
    assert count_events(loaded.data_dir, "%Closed") == 0
