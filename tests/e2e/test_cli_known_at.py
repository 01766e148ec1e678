"""`akkoord resolution correct` and `akkoord status --known-at` through the real CLI: a mistyped
percentage corrected shows in the status as of the vote, not in the status known before the
correction; refusals are one error line, a non-zero exit, and nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing

from adapters.entrypoints.cli.main import app
from tests.e2e.cli import Cli, Run

OFFICER = "officer:j.devries"
TITLE = "Stop met gesprekken vervolg IZA"


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


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "store")


@pytest.fixture
def resolution(cli: Cli) -> str:
    ok(
        cli(
            "agreement",
            "register",
            "--code",
            "IZA",
            "--name",
            "IZA",
            "--full-name",
            "Integraal Zorgakkoord",
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
        TITLE,
        "--condition",
        "Gelijkwaardigheid",
        "--suspends",
        "VNG:IZA",
        "--reason",
        "agenda item 8",
    )["id"]
    data(cli, "resolution", "decide", rid, "--yes-pct", "94.3", "--reason", "ALV")
    return rid


def vng(cli: Cli, *args: str) -> dict[str, Any]:
    [row] = data(cli, "status", "--party", "VNG", *args)
    return dict(row)


def correct(cli: Cli, rid: str, pct: str, *extra: str) -> Run:
    return cli(
        "resolution",
        "correct",
        rid,
        "--yes-pct",
        pct,
        "--reason",
        "typefout in de notulen",
        *extra,
        actor=OFFICER,
    )


def test_known_at_before_the_correction_shows_what_was_recorded_then(
    cli: Cli, resolution: str
) -> None:
    assert "adopted with 94.3% in favour" in vng(cli)["decision"]
    before = datetime.now(UTC).isoformat()
    assert ok(correct(cli, resolution, "93.4")).stdout.strip() == (
        "vote corrected to 93.4% in favour"
    )
    after = datetime.now(UTC).isoformat()

    now = vng(cli)
    assert now["status"] == "participation suspended"
    assert f"'{TITLE}' adopted with 93.4% in favour" in now["decision"]
    assert "first recorded as 94.3%" in now["decision"]
    assert vng(cli, "--known-at", before)["decision"] == f"'{TITLE}' adopted with 94.3% in favour"
    assert vng(cli, "--known-at", after) == now
    # the human table says which record it shows
    table = ok(cli("status", "--known-at", before, actor=OFFICER)).stdout
    assert "as known at" in table and "94.3%" in table
    # the timeline and the history hold the correction as an event of its own
    summaries = [r["summary"] for r in data(cli, "timeline", resolution)]
    assert summaries[-2:] == [
        "adopted with 94.3% in favour",
        "vote corrected to 93.4% in favour (first recorded as 94.3%): typefout in de notulen",
    ]
    events = data(cli, "history", resolution)["events"]
    assert events[-1]["event"] == "Resolution.DecisionCorrected"
    # the same figure again writes nothing
    assert data(
        cli, "resolution", "correct", resolution, "--yes-pct", "93.40", "--reason", "r"
    ) == {"recorded": False}


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (("--known-at", "gisteren"), 2, "known-at 'gisteren' needs a date and a time"),
        (("--known-at", "2025-03-30T02:30"), 2, "does not exist in Europe/Amsterdam"),
        (("--known-at", "2025-13-01"), 2, "is not an ISO date-time"),
        (("--as-of", "2025-10-26T02:30"), 2, "occurs twice in Europe/Amsterdam"),
    ],
)
def test_a_malformed_known_at_is_one_error_line(
    cli: Cli, resolution: str, args: tuple[str, ...], code: int, text: str
) -> None:
    refused(cli("status", *args, actor=OFFICER), code, text)


@pytest.mark.parametrize(
    ("pct", "extra", "code", "text"),
    [
        ("40", (), 4, "a correction cannot change the outcome; that takes a new decision"),
        ("101", (), 2, "a percentage is between 0 and 100"),
        ("93.4", ("--as", "board:voorzitter"), 5, "officer"),
    ],
)
def test_a_refused_correction_writes_nothing(
    cli: Cli, resolution: str, pct: str, extra: tuple[str, ...], code: int, text: str
) -> None:
    before = cli.log_fingerprint()
    refused(correct(cli, resolution, pct, *extra), code, text)
    assert cli.log_fingerprint() == before


def test_an_unknown_resolution_is_refused(cli: Cli, resolution: str) -> None:
    before = cli.log_fingerprint()
    refused(correct(cli, "00000000-0000-4000-8000-000000000000", "93.4"), 3, "unknown resolution")
    assert cli.log_fingerprint() == before
