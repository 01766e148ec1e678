"""`akkoord consultation open --options/--tie-rule/--quorum-*`, `non-voters` and `votes` from
the command line, on a real store: bad rules refused in one line with nothing written, the
non-voters for officers (table, CSV, a file), each municipality's vote refused while open and
published after the close."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.e2e.cli import Cli
from tests.e2e.test_cli import OFFICER, in_future, refused


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    c = Cli(tmp_path / "store")
    assert c("members", "load", actor=OFFICER).exit_code == 0
    return c


def open_with(cli: Cli, *rules: str) -> str:
    run = cli(
        "consultation",
        "open",
        "--title",
        "Keuze",
        "--question",
        "Welke?",
        "--closes",
        in_future(days=30),
        "--reason",
        "r",
        *rules,
        "--json",
        actor=OFFICER,
    )
    assert run.exit_code == 0, run.stderr
    return str(run.json()["id"])


def cast(cli: Cli, cid: str, member: str, choice: str) -> int:
    return cli(
        "consultation", "cast", cid, "--member", member, "--choice", choice,
        actor=f"secretary:{member}",
    ).exit_code  # fmt: skip


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (("--options", "yes,yes"), "given twice"),
        (("--options", "yes"), "at least two options"),
        (("--options", "a,=cmd|x"), "an option is"),
        (("--tie-rule", "coin"), "the tie rule is"),
        (("--quorum-members", "343"), "more than the electorate"),
        (("--quorum-members", "-1"), "quorum in members"),
        (("--quorum-weight", "150"), "quorum in weight"),
        (("--turnout-warning", "abc"), "turnout warning"),
    ],
)
def test_bad_rules_are_refused_with_one_line_and_nothing_written(
    cli: Cli, rules: tuple[str, ...], message: str
) -> None:
    before = cli.log_fingerprint()
    run = cli(
        "consultation", "open", "--title", "T", "--question", "Q", "--closes",
        in_future(days=3), "--reason", "r", *rules, actor=OFFICER,
    )  # fmt: skip
    refused(run, 2, message)
    assert cli.log_fingerprint() == before


def test_options_blank_votes_and_the_advice_in_the_tally(cli: Cli) -> None:
    cid = open_with(cli, "--options", "yes,no,blank", "--quorum-members", "3")
    assert cast(cli, cid, "GM0363", "blank") == 0
    assert cast(cli, cid, "GM0088", "yes") == 0
    before = cli.log_fingerprint()
    refused(
        cli(
            "consultation", "cast", cid, "--member", "GM0090", "--choice", "maybe",
            actor="secretary:GM0090",
        ),
        2,
        "yes or no or blank",
    )  # fmt: skip
    assert cli.log_fingerprint() == before
    tally = cli("consultation", "tally", cid, "--json").json()
    assert (tally["blank_weight"], tally["yes_weight"], tally["yes_pct"]) == (75, 1, 100.0)
    assert tally["voted_members"] == 2
    assert tally["rules"]["options"] == ["yes", "no", "blank"]
    assert tally["outcome"]["advice"] == "no quorum"
    assert tally["outcome"]["low_turnout"] is True  # 50% of the weight by default
    text = cli("consultation", "tally", cid).stdout
    assert "advice: no quorum" in text and "quorum not met" in text and "low turnout" in text
    show = cli("consultation", "show", cid, "--json").json()
    assert show["options"] == ["yes", "no", "blank"] and show["tie_rule"] == "negative"


def test_options_of_its_own(cli: Cli) -> None:
    cid = open_with(cli, "--options", "A,B,C", "--tie-rule", "undecided")
    assert cast(cli, cid, "GM0363", "a") == 0
    assert cast(cli, cid, "GM0014", "C") == 0
    tally = cli("consultation", "tally", cid, "--json").json()
    assert tally["outcome"]["options"]["A"] == {"members": 1, "weight": 75}
    assert tally["outcome"]["advice"] == "tie"  # 75 against 75, under the stated tie rule
    assert cast(cli, cid, "GM0088", "A") == 0
    tally = cli("consultation", "tally", cid, "--json").json()
    assert tally["outcome"]["advice"] == "option A"
    assert "Per option" in cli("consultation", "tally", cid).stdout


def test_non_voters_for_officers_as_a_table_csv_and_a_file(cli: Cli, tmp_path: Path) -> None:
    cid = open_with(cli)
    assert cast(cli, cid, "GM0363", "yes") == 0
    rows = cli("consultation", "non-voters", cid, "--json", actor=OFFICER).json()
    assert len(rows) == 341 and "GM0363" not in {r["member"] for r in rows}
    text = cli("consultation", "non-voters", cid, "--format", "csv", actor="board:b").stdout
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == 341 and set(parsed[0]) == {"member", "name", "province", "weight"}
    target = tmp_path / "niet-gestemd.csv"
    written = cli("consultation", "non-voters", cid, "-o", str(target), actor=OFFICER)
    assert written.exit_code == 0 and target.read_text() == text
    again = cli("consultation", "non-voters", cid, "-o", str(target), actor=OFFICER)
    refused(again, 2, "exists")  # never over a file without --force
    refused(
        cli("consultation", "non-voters", cid, actor="secretary:GM0363"),
        5,
        "may not see which members have not voted",
    )


def test_votes_are_refused_while_open_and_published_after_the_close(
    cli: Cli, tmp_path: Path
) -> None:
    cid = open_with(cli, "--options", "yes,no,blank")
    assert cast(cli, cid, "GM0363", "yes") == 0
    assert cast(cli, cid, "GM0088", "blank") == 0
    for actor in (OFFICER, "board:b", "auditor:a", "secretary:GM0363"):
        refused(
            cli("consultation", "votes", cid, actor=actor),
            5,
            "published only after the close",
        )
    target = tmp_path / "stemmen.csv"
    refused(cli("consultation", "votes", cid, "-o", str(target), actor=OFFICER), 5, "after")
    assert not target.exists()
    closed = cli("consultation", "close", cid, "--reason", "alle stemmen binnen", actor=OFFICER)
    assert closed.exit_code == 0, closed.stderr
    votes = cli("consultation", "votes", cid, "--json", actor="secretary:GM0088").json()
    assert len(votes) == 342
    assert {v["member"]: v["choice"] for v in votes if v["choice"]} == {
        "GM0363": "yes",
        "GM0088": "blank",
    }
    assert cli("consultation", "votes", cid, "-o", str(target), actor=OFFICER).exit_code == 0
    parsed = list(csv.DictReader(io.StringIO(target.read_text())))
    assert {r["member"]: r["choice"] for r in parsed if r["choice"]} == {
        "GM0363": "yes",
        "GM0088": "blank",
    }


def test_the_board_report_states_the_rules_and_after_the_close_each_vote(
    cli: Cli, tmp_path: Path
) -> None:
    cid = open_with(cli, "--options", "yes,no,blank", "--quorum-weight", "20")
    assert cast(cli, cid, "GM0363", "blank") == 0
    assert cast(cli, cid, "GM0088", "no") == 0
    report = cli("report", "consultation", cid, "--format", "md").stdout
    assert "| blanco | 75 | - |" in report
    assert "Quorum niet gehaald." in report and "Opkomst laag" in report
    assert "Advies aan het bestuur: geen geldig advies, quorum niet gehaald." in report
    assert "Stemmen per gemeente" not in report  # secret while open
    assert cli("consultation", "close", cid, "--reason", "klaar", actor=OFFICER).exit_code == 0
    report = cli("report", "consultation", cid, "--format", "md").stdout
    assert "## Stemmen per gemeente" in report
    assert "| Schiermonnikoog | GM0088 | Friesland | 1 | tegen |" in report
    html = cli("report", "consultation", cid, "--format", "html").stdout
    assert "<h2>Stemmen per gemeente</h2>" in html and "Quorum niet gehaald." in html
    pdf = tmp_path / "uitslag.pdf"
    run = cli("report", "consultation", cid, "--format", "pdf", "-o", str(pdf))
    assert run.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")
