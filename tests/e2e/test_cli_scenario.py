"""`akkoord scenario check|run` through the real CLI: the shipped story, and files it must refuse.

A refused file is refused whole, before anything runs: one error line with the file and the line
of the offending step, exit code 2, and no store written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
import typer.testing

from adapters.entrypoints.cli.main import app
from adapters.scenario import default_scenario_path
from tests.e2e.cli import Cli, Run

pytestmark = pytest.mark.slow

OFFICER = "officer:j.devries"


@pytest.fixture(autouse=True, scope="module")
def _build_the_command_tree_once() -> Iterator[None]:
    """typer rebuilds the click command tree on every invoke; it is the same tree each time."""
    command = typer.main.get_command(app)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", lambda _: command)
        yield


def refused(run: Run, exit_code: int, text: str) -> None:
    assert run.exit_code == exit_code, (run.exit_code, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert text in lines[0]
    assert "Traceback" not in run.stdout + run.stderr


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "store")


def vng(cli: Cli, as_of: str) -> dict[str, str]:
    run = cli("status", "--as-of", as_of, "--party", "VNG", "--json")
    assert run.exit_code == 0, run.stderr
    return {row["agreement"]: row["status"] for row in run.json()}


# The shipped story ----------------------------------------------------------------------------


def test_the_shipped_scenario_checks_and_runs(cli: Cli) -> None:
    path = default_scenario_path()
    steps = sum(
        1 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("[[step]]")
    )
    check = cli("scenario", "check", str(path), "--json")
    assert check.exit_code == 0, check.stderr
    assert check.json()["steps"] == steps
    assert "IZA, AZWA and HLO" in check.json()["title"]
    assert cli.log_fingerprint() == "no store"  # checking runs nothing

    run = cli("scenario", "run", "--json")
    assert run.exit_code == 0, run.stderr
    result = run.json()
    assert result["steps"] == steps
    assert result["deadlines_fired"] >= 1  # at least the consultation's closing time
    assert {"consultation", "ratification", "vng-azwa", "resolution", "udo"} <= set(result["ids"])

    suspended = vng(cli, "2025-01-01")
    assert suspended["IZA"] == "participation suspended"
    assert suspended["AZWA"] == "participation suspended"
    # The Frisian letter: equality agreed, VNG back at the AZWA table; IZA waits for both.
    january = cli("status", "--as-of", "2025-01-20", "--party", "VNG", "--json")
    assert january.exit_code == 0, january.stderr
    rows = {row["agreement"]: row for row in january.json()}
    assert rows["AZWA"]["status"] == "talks resumed"
    assert rows["AZWA"]["detail"].startswith("1 of 2 conditions met")
    assert rows["IZA"]["status"] == "participation suspended"
    assert rows["IZA"]["detail"].startswith("1 of 2 conditions met")
    assert vng(cli, "2025-07-02")["IZA"] == "resumed"
    assert vng(cli, "2025-10-01")["AZWA"] == "conditionally signed"
    after = vng(cli, "2025-10-30")
    assert (after["AZWA"], after["IZA"]) == ("definitive", "definitive")

    consultation = cli("consultation", "show", result["ids"]["consultation"], "--json").json()
    assert consultation["phase"] == "closed"
    ratification = cli("board", "show", result["ids"]["ratification"], "--json").json()
    assert (ratification["advice"], ratification["outcome"]) == ("positive", "ratified")
    assert cli("signing", "show", result["ids"]["vng-azwa"], "--json").json()["state"] == (
        "definitive"
    )
    rebuilt = cli("projections", "rebuild", "--json")
    assert rebuilt.exit_code == 0 and rebuilt.json()["identical"] is True


# Files that are refused whole ---------------------------------------------------------------

HEADER = 'title = "test"\ntimezone = "Europe/Amsterdam"\n'
STEP_ONE = """
[[step]]
name = "iza"
at = "2025-03-01T10:00"
do = "agreement.register"
as = "officer:j.devries"
reason = "IZA"
assumed = "test data"
[step.with]
code = "IZA"
name = "IZA"
full_name = "Integraal Zorgakkoord"
parties = ["VWS", "VNG"]
"""
STEP_TWO_LINE = len((HEADER + STEP_ONE).splitlines()) + 2  # after one blank line


def step_two(
    *,
    at: str = "2025-03-02T10:00",
    do: str = "agreement.status",
    actor: str = "officer:j.devries",
    reason: str | None = "VWS signs",
    name: str = "",
    args: str = 'agreement = "IZA"\nstatus = "signed"\nparties = ["VWS"]\n',
) -> str:
    lines = ["", "[[step]]"]
    if name:
        lines.append(f'name = "{name}"')
    lines += [f'at = "{at}"', f'do = "{do}"', f'as = "{actor}"']
    if reason is not None:
        lines.append(f'reason = "{reason}"')
    lines.append('assumed = "test data"')
    return "\n".join(lines) + "\n[step.with]\n" + args


def scenario_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_well_formed_two_step_file_runs(cli: Cli, tmp_path: Path) -> None:
    path = scenario_file(tmp_path, HEADER + STEP_ONE + step_two())
    run = cli("scenario", "run", str(path), "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["steps"] == 2
    shown = cli("agreement", "show", "IZA", "--json").json()
    assert shown["parties"] == {"VNG": "negotiating", "VWS": "signed"}


BAD_STEPS = {
    "unknown command": (step_two(do="agreement.sign"), "unknown command 'agreement.sign'"),
    "missing reason": (step_two(reason=None), "'reason' is required"),
    "blank reason": (step_two(reason="  "), "'reason' is required"),
    "earlier date": (
        step_two(at="2025-02-28T10:00"),
        "2025-02-28T10:00 is earlier than the step before it",
    ),
    "undefined reference": (
        step_two(
            do="alv.item", args='assembly = "@nowhere"\nkind = "other"\ntitle = "Rondvraag"\n'
        ),
        "@nowhere does not name an earlier step",
    ),
    "unknown argument": (
        step_two(args='agreement = "IZA"\nstatus = "signed"\nparties = ["VWS"]\ncolour = "red"\n'),
        "agreement.status does not take colour",
    ),
    "missing argument": (
        step_two(args='agreement = "IZA"\nparties = ["VWS"]\n'),
        "agreement.status needs status",
    ),
    "nonexistent time": (
        step_two(at="2025-03-30T02:30"),
        "'at' '2025-03-30T02:30' does not exist in Europe/Amsterdam",
    ),
    "ambiguous time": (
        step_two(at="2025-10-26T02:30"),
        "'at' '2025-10-26T02:30' occurs twice in Europe/Amsterdam",
    ),
    "date without time": (step_two(at="2025-03-02"), "'at' '2025-03-02' needs a date and a time"),
    "unknown actor": (step_two(actor="mayor:x"), "unknown role 'mayor'"),
    "name used twice": (step_two(name="iza"), "the name 'iza' is used twice"),
}


@pytest.mark.parametrize("command", ["check", "run"])
@pytest.mark.parametrize(("step", "message"), BAD_STEPS.values(), ids=BAD_STEPS.keys())
def test_a_malformed_step_refuses_the_whole_file_with_its_line(
    cli: Cli, tmp_path: Path, command: str, step: str, message: str
) -> None:
    path = scenario_file(tmp_path, HEADER + STEP_ONE + step)
    run = cli("scenario", command, str(path))
    refused(run, 2, f"{path}:{STEP_TWO_LINE}: step 2: {message}")
    assert cli.log_fingerprint() == "no store"
    assert not (cli.data_dir / "events.sqlite").exists()


def test_a_refused_file_leaves_an_existing_store_unchanged(cli: Cli, tmp_path: Path) -> None:
    assert cli("members", "load", actor=OFFICER).exit_code == 0
    fingerprint = cli.log_fingerprint()
    path = scenario_file(tmp_path, HEADER + STEP_ONE + step_two(at="2025-02-28T10:00"))
    refused(cli("scenario", "run", str(path)), 2, f":{STEP_TWO_LINE}: step 2:")
    assert cli.log_fingerprint() == fingerprint


def test_the_line_of_a_later_step_is_named(cli: Cli, tmp_path: Path) -> None:
    text = HEADER + STEP_ONE + step_two() + step_two(at="2025-03-01T09:00")
    path = scenario_file(tmp_path, text)
    line = text.splitlines().index("[[step]]", STEP_TWO_LINE) + 1
    refused(cli("scenario", "run", str(path)), 2, f"{path}:{line}: step 3: ")
    assert cli.log_fingerprint() == "no store"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER + STEP_ONE + "\n[[step]\n", "line 17"),
        (HEADER + STEP_ONE.replace('reason = "IZA"', "reason = IZA"), "line 9"),
        (HEADER + STEP_ONE.replace('"2025-03-01T10:00"', "2025-03-01T10:00"), "line 6"),
    ],
    ids=["unclosed table header", "bare word", "datetime without seconds"],
)
def test_invalid_toml_is_refused_with_its_line(
    cli: Cli, tmp_path: Path, text: str, message: str
) -> None:
    path = scenario_file(tmp_path, text)
    for command in ("check", "run"):
        run = cli("scenario", command, str(path))
        refused(run, 2, "not valid TOML")
        assert message in run.stderr
    assert cli.log_fingerprint() == "no store"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER, "no [[step]] tables"),
        ("", "no [[step]] tables"),
        (HEADER + 'step = "not a table"\n', "no [[step]] tables"),
    ],
    ids=["no steps", "empty file", "step is not a table"],
)
def test_a_file_without_steps_is_refused(cli: Cli, tmp_path: Path, text: str, message: str) -> None:
    path = scenario_file(tmp_path, text)
    refused(cli("scenario", "run", str(path)), 2, message)
    assert cli.log_fingerprint() == "no store"


def test_a_missing_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    refused(cli("scenario", "check", str(tmp_path / "nope.toml")), 2, "no such file")
    refused(cli("scenario", "run", str(tmp_path / "nope.toml")), 2, "no such file")
    assert cli.log_fingerprint() == "no store"


def test_refusals_are_one_json_line_with_json(cli: Cli, tmp_path: Path) -> None:
    path = scenario_file(tmp_path, HEADER + STEP_ONE + step_two(do="agreement.sign"))
    run = cli("scenario", "check", str(path), "--json")
    assert run.exit_code == 2
    error = json.loads(run.stderr)["error"]
    assert error["code"] == "invalid_scenario"
    assert f":{STEP_TWO_LINE}: step 2: unknown command" in error["message"]


# Regressions: bugs found while writing these tests, fixed since -----------------------------


def test_a_nonexistent_time_among_the_arguments_refuses_the_whole_file(
    cli: Cli, tmp_path: Path
) -> None:
    bad = step_two(do="alv.convene", args='title = "ALV"\ndate = "2025-03-30T02:30"\n')
    path = scenario_file(tmp_path, HEADER + STEP_ONE + bad)
    run = cli("scenario", "run", str(path))
    assert cli.log_fingerprint() == "no store"
    refused(run, 2, f"{path}:{STEP_TWO_LINE}: step 2: ")
    refused(cli("scenario", "check", str(path)), 2, f"{path}:{STEP_TWO_LINE}: step 2: ")


def test_an_unknown_item_kind_among_the_arguments_refuses_the_whole_file(
    cli: Cli, tmp_path: Path
) -> None:
    convene = step_two(
        do="alv.convene", name="alv", args='title = "ALV"\ndate = "2025-03-10T10:00"\n'
    )
    item = step_two(
        at="2025-03-03T10:00",
        do="alv.item",
        args='assembly = "@alv"\nkind = "speech"\ntitle = "Rondvraag"\n',
    )
    text = HEADER + STEP_ONE + convene + item
    path = scenario_file(tmp_path, text)
    refused(cli("scenario", "check", str(path)), 2, "step 3: ")
    refused(cli("scenario", "run", str(path)), 2, "step 3: ")
    assert cli.log_fingerprint() == "no store"


def test_the_line_is_named_when_the_header_has_spaces(cli: Cli, tmp_path: Path) -> None:
    text = (HEADER + STEP_ONE + step_two(do="agreement.sign")).replace("[[step]]", "[[ step ]]")
    path = scenario_file(tmp_path, text)
    refused(cli("scenario", "check", str(path)), 2, f"{path}:{STEP_TWO_LINE}: step 2: ")
