"""`akkoord resolution table --lifts`, `meet`, `revoke` and `fail` through the real CLI: the
partial state shows in `akkoord status`, and a refusal is one error line, exit non-zero, and
nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing

from adapters.entrypoints.cli.main import app
from tests.e2e.cli import Cli, Run

OFFICER = "officer:j.devries"
LETTER = "004_6d089373693b9d06.txt"


@pytest.fixture(autouse=True, scope="module")
def _build_the_command_tree_once() -> Iterator[None]:
    command = typer.main.get_command(app)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", lambda _: command)
        yield


def ok(run: Run) -> Run:
    assert run.exit_code == 0, (run.exit_code, run.stdout, run.stderr)
    return run


def data(cli: Cli, *args: str) -> Any:
    return ok(cli(*args, "--json", actor=OFFICER)).json()


def refused(run: Run, exit_code: int, text: str) -> None:
    assert run.exit_code == exit_code, (run.exit_code, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert text in lines[0]
    assert "Traceback" not in run.stdout + run.stderr


def vng(cli: Cli) -> dict[str, dict[str, Any]]:
    return {row["agreement"]: row for row in data(cli, "status", "--party", "VNG")}


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "store")


@pytest.fixture
def resolution(cli: Cli) -> str:
    for code in ("IZA", "AZWA"):
        ok(
            cli(
                "agreement",
                "register",
                "--code",
                code,
                "--name",
                code,
                "--full-name",
                f"{code} akkoord",
                "--party",
                "VWS,ZN,VNG",
                "--reason",
                "r",
                actor=OFFICER,
            )
        )
    rid: str = data(
        cli,
        "resolution",
        "table",
        "--title",
        "Stop met gesprekken vervolg IZA",
        "--condition",
        "Gelijkwaardigheid",
        "--condition",
        "Structurele financiering",
        "--suspends",
        "VNG:IZA",
        "--suspends",
        "VNG:AZWA",
        "--lifts",
        "1:talks:AZWA",
        "--reason",
        "agenda item 8",
    )["id"]
    data(cli, "resolution", "decide", rid, "--yes-pct", "93.4", "--reason", "ALV")
    return rid


def condition(cli: Cli, what: str, rid: str, number: int, evidence: str) -> Any:
    return data(
        cli,
        "resolution",
        what,
        rid,
        "--condition",
        str(number),
        "--evidence",
        evidence,
        "--reason",
        "r",
    )


def test_talks_resume_with_the_first_condition_and_participation_with_both(
    cli: Cli, resolution: str
) -> None:
    assert vng(cli)["AZWA"]["status"] == "participation suspended"
    assert condition(cli, "meet", resolution, 1, LETTER) == {"recorded": True}
    now = vng(cli)
    assert now["AZWA"]["status"] == "talks resumed"
    assert now["AZWA"]["detail"].startswith("1 of 2 conditions met")
    assert now["IZA"]["status"] == "participation suspended"
    shown = data(cli, "resolution", "show", resolution)
    assert shown["conditions"][0]["lifts"] == ["talks in AZWA"]
    assert (shown["conditions"][0]["state"], shown["conditions"][0]["evidence"]) == ("met", LETTER)
    assert shown["conditions_met"] == 1 and shown["lifted"] == ["talks in AZWA"]
    # what was refused before: the resumed talks reach a negotiator agreement
    ok(
        cli(
            "agreement",
            "status",
            "AZWA",
            "--status",
            "negotiator agreement",
            "--party",
            "VNG",
            "--reason",
            "onderhandelaarsakkoord",
            actor=OFFICER,
        )
    )
    condition(cli, "meet", resolution, 2, "besluit VNG-bestuur 2 juli 2025")
    after = vng(cli)
    assert (after["AZWA"]["status"], after["IZA"]["status"]) == ("negotiator agreement", "resumed")


def test_fail_and_revoke_show_in_the_status_and_the_human_output(cli: Cli, resolution: str) -> None:
    condition(cli, "meet", resolution, 1, LETTER)
    human = ok(
        cli(
            "resolution",
            "fail",
            resolution,
            "--condition",
            "2",
            "--evidence",
            "brief VWS",
            "--reason",
            "r",
            actor=OFFICER,
        )
    )
    assert human.stdout.strip() == "condition 2 failed"
    assert "condition 2 failed" in vng(cli)["IZA"]["detail"]
    assert data(cli, "resolution", "show", resolution)["conditions"][1]["state"] == "failed"
    assert condition(cli, "revoke", resolution, 1, "brief VWS: ingetrokken") == {"recorded": True}
    assert vng(cli)["AZWA"]["status"] == "participation suspended"


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (("revoke", 1), 4, "is open (neither met nor failed): nothing to revoke"),
        (("meet", 3), 2, "has conditions 1..2, not 3"),
        (("fail", 0), 2, "has conditions 1..2, not 0"),
        (("meet", 2), 4, "was met already"),
        (("fail", 2), 4, "is met"),
    ],
)
def test_an_invalid_change_is_one_error_line_and_writes_nothing(
    cli: Cli, resolution: str, args: tuple[str, int], code: int, text: str
) -> None:
    condition(cli, "meet", resolution, 2, "middelen")
    before = cli.log_fingerprint()
    what, number = args
    run = cli(
        "resolution",
        what,
        resolution,
        "--condition",
        str(number),
        "--evidence",
        "andere brief",
        "--reason",
        "r",
        actor=OFFICER,
    )
    refused(run, code, text)
    assert cli.log_fingerprint() == before


@pytest.mark.parametrize(
    ("lifts", "text"),
    [
        ("talks", "CONDITION:PART"),
        ("1:signing", "unknown part 'signing'"),
        ("5:talks", "conditions are 1..1"),
        ("1:talks:HLO", "suspends only IZA"),
    ],
)
def test_a_bad_lift_refuses_the_tabling(cli: Cli, resolution: str, lifts: str, text: str) -> None:
    before = cli.log_fingerprint()
    run = cli(
        "resolution",
        "table",
        "--title",
        "Stop",
        "--condition",
        "c",
        "--suspends",
        "VNG:IZA",
        "--lifts",
        lifts,
        "--reason",
        "r",
        actor=OFFICER,
    )
    refused(run, 2, text)
    assert cli.log_fingerprint() == before
