"""`akkoord board reschedule` and `akkoord alv reschedule`, one ratification per consultation,
the date rules between a consultation and its ratification, and late decisions: through the real
CLI on a real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.cli import Cli
from tests.e2e.test_cli_processes import (
    BOARD,
    OFFICER,
    _build_the_command_tree_once,  # noqa: F401  (a module fixture: the command tree, once)
    cast,
    close_early,
    convene,
    data,
    moment,
    ok,
    open_consultation,
    refused,
    register_agreements,
    schedule,
    sign_vng,
)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "store")


def due_at(cli: Cli, kind: str, subject: str) -> datetime:
    [row] = [d for d in data(cli, "deadlines") if d["kind"] == kind and d["subject_id"] == subject]
    return datetime.fromisoformat(row["due_at"])


def opened(cli: Cli, closes_in_days: float = 3) -> tuple[str, str]:
    register_agreements(cli)
    signing = sign_vng(cli)
    return open_consultation(cli, moment(days=closes_in_days)), signing


def test_board_reschedule_moves_the_ratification_and_its_deadline(cli: Cli) -> None:
    consultation, signing = opened(cli)
    ratification = schedule(cli, consultation, signing, moment(days=10))
    target = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=17)
    moved = data(
        cli,
        "board",
        "reschedule",
        ratification,
        "--date",
        target.isoformat(),
        "--reason",
        "bestuursvergadering verplaatst",
        actor=OFFICER,
    )
    assert datetime.fromisoformat(moved["scheduled_for"]) == target
    assert datetime.fromisoformat(data(cli, "board", "show", ratification)["scheduled_for"]) == (
        target
    )
    assert due_at(cli, "ratification due", ratification) == target
    events = [row["event"] for row in data(cli, "timeline", ratification)]
    assert events == ["BoardRatification.Scheduled", "BoardRatification.Rescheduled"]
    text = ok(
        cli(
            "board",
            "reschedule",
            ratification,
            "--date",
            (target + timedelta(days=1)).isoformat(),
            "--reason",
            "nog eens",
            actor=OFFICER,
        )
    ).stdout
    assert text.startswith("rescheduled to ")


@pytest.mark.parametrize(
    ("args", "exit_code", "text"),
    [
        (("--date", "2099-13-29T10:00", "--reason", "r"), 2, "not an ISO date-time"),
        (("--date", "2099-10-29", "--reason", "r"), 2, "needs a date and a time"),
        (("--date", "2099-03-29T02:30", "--reason", "r"), 2, "does not exist"),
        (("--date", "2099-10-29T10:00", "--tz", "Mars/Base", "--reason", "r"), 2, "time zone"),
        (("--date", "2099-10-29T10:00"), 2, "give a reason"),
        (("--date", "2000-10-29T10:00", "--reason", "r"), 2, "has already passed"),
    ],
)
def test_a_bad_board_reschedule_is_one_line_and_writes_nothing(
    cli: Cli, args: tuple[str, ...], exit_code: int, text: str
) -> None:
    consultation, signing = opened(cli)
    ratification = schedule(cli, consultation, signing)
    before = cli.log_fingerprint()
    refused(cli("board", "reschedule", ratification, *args, actor=OFFICER), exit_code, text)
    assert cli.log_fingerprint() == before


def test_only_an_officer_reschedules_and_an_unknown_id_is_not_found(cli: Cli) -> None:
    consultation, signing = opened(cli)
    ratification = schedule(cli, consultation, signing)
    before = cli.log_fingerprint()
    args = ("--date", moment(days=20), "--reason", "r")
    refused(cli("board", "reschedule", ratification, *args, actor=BOARD), 5, "only officer")
    unknown = "00000000-0000-4000-8000-000000000000"
    refused(cli("board", "reschedule", unknown, *args, actor=OFFICER), 3, "unknown ratification")
    refused(cli("alv", "reschedule", unknown, *args, actor=OFFICER), 3, "unknown ALV")
    assert cli.log_fingerprint() == before


def test_a_second_ratification_for_one_consultation_is_refused_naming_the_first(
    cli: Cli,
) -> None:
    consultation, signing = opened(cli)
    first = schedule(cli, consultation, signing)
    before = cli.log_fingerprint()
    run = cli(
        "board", "schedule", "--title", "Nog een", "--date", moment(days=12), "--consultation",
        consultation, "--agreement", "AZWA", "--reason", "r", actor=OFFICER,
    )  # fmt: skip
    refused(run, 4, f"has a ratification already: {first}")
    assert cli.log_fingerprint() == before
    assert [r["id"] for r in data(cli, "board", "list")] == [first]


def test_dates_before_the_close_and_extensions_past_the_board_need_a_confirmation(
    cli: Cli,
) -> None:
    consultation, _ = opened(cli, closes_in_days=3)
    before = cli.log_fingerprint()
    early = moment(days=2)
    schedule_args = (
        "board", "schedule", "--title", "Bekrachtiging", "--date", early, "--consultation",
        consultation, "--agreement", "AZWA", "--reason", "spoed",
    )  # fmt: skip
    refused(cli(*schedule_args, actor=OFFICER), 4, "before the consultation closes")
    assert cli.log_fingerprint() == before
    ratification = data(cli, *schedule_args, "--confirm-conflict", actor=OFFICER)["id"]
    [scheduled] = data(cli, "timeline", ratification)
    assert "before the consultation closes, confirmed" in scheduled["summary"]

    # move it after the close (no confirmation needed), then extend past it
    board_day = moment(days=10)
    ok(
        cli(
            "board", "reschedule", ratification, "--date", board_day, "--reason", "r", actor=OFFICER
        )
    )
    before = cli.log_fingerprint()
    extend = ("consultation", "extend", consultation, "--closes", moment(days=11), "--reason", "x")
    refused(cli(*extend, actor=OFFICER), 4, "reschedule the ratification first")
    assert cli.log_fingerprint() == before
    ok(cli(*extend, "--confirm-conflict", actor=OFFICER))
    events = [row["event"] for row in data(cli, "timeline", ratification)]
    assert events[-1] == "BoardRatification.ConsultationOverrunConfirmed"
    # now the ratification falls before the new close: moving it needs the confirmation too
    refused(
        cli("board", "reschedule", ratification, "--date", moment(days=10, hours=1), "--reason",
            "r", actor=OFFICER),
        4,
        "confirm it with a reason",
    )  # fmt: skip


def test_a_late_decision_is_recorded_and_shown_as_late(cli: Cli) -> None:
    consultation, signing = opened(cli)
    cast(cli, consultation, "GM0363", "yes")
    close_early(cli, consultation)
    # the board was to decide two days ago (the consultation has closed: no conflict)
    ratification = schedule(cli, consultation, signing, moment(days=-2))
    decided = cli(
        "board", "decide", ratification, "--decision", "ratify", "--reason", "vergadering",
        actor=BOARD,
    )  # fmt: skip
    assert "decided: ratify (LATE" in ok(decided).stdout
    shown = data(cli, "board", "show", ratification)
    assert shown["late"] is True and shown["decided_at"]
    assert "late" in ok(cli("board", "show", ratification)).stdout
    [decision] = [r for r in data(cli, "timeline", ratification) if r["event"].endswith("Decided")]
    assert "LATE" in decision["summary"]


def test_an_on_time_decision_is_not_late(cli: Cli) -> None:
    consultation, signing = opened(cli)
    cast(cli, consultation, "GM0363", "yes")
    ratification = schedule(cli, consultation, signing)
    close_early(cli, consultation)
    assert data(
        cli, "board", "decide", ratification, "--decision", "ratify", "--reason", "r", actor=BOARD
    ) == {"decision": "ratify", "late": False}


def test_alv_reschedule_moves_the_meeting_until_it_is_held(cli: Cli) -> None:
    assembly = convene(cli, moment(days=20))
    target = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=34)
    moved = data(
        cli, "alv", "reschedule", assembly, "--date", target.isoformat(), "--reason", "zaal",
        actor=OFFICER,
    )  # fmt: skip
    assert datetime.fromisoformat(moved["held_on"]) == target
    assert due_at(cli, "ALV meets", assembly) == target
    assert datetime.fromisoformat(data(cli, "alv", "show", assembly)["held_on"]) == target
    [_, rescheduled] = data(cli, "timeline", assembly)
    assert rescheduled["event"] == "GeneralAssembly.Rescheduled"

    before = cli.log_fingerprint()
    refused(
        cli("alv", "reschedule", assembly, "--date", "2099-13-01T10:00", "--reason", "r",
            actor=OFFICER),
        2,
        "not an ISO date-time",
    )  # fmt: skip
    refused(
        cli("alv", "reschedule", assembly, "--date", target.isoformat(), "--reason", "r",
            actor=OFFICER),
        2,
        "already",
    )  # fmt: skip
    assert cli.log_fingerprint() == before
