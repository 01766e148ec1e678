"""`akkoord members merge|split|rename` and `members load --year` as an officer uses them, on a
real store: the real mergers of 2022 and 2023, Haaren's split of 2021 and a rename, the
consultation that opens once they are recorded, and refusals that write nothing. Codes and dates
are CBS's; the population figures before 2024 are made up for the tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.cli import Cli

OFFICER = "officer:j.devries"
OLD_2021 = """code,name,province,inhabitants,year
GM0501,Brielle,Zuid-Holland,17400,2021
GM0530,Hellevoetsluis,Zuid-Holland,40300,2021
GM0614,Westvoorne,Zuid-Holland,14500,2021
GM0398,Heerhugowaard,Noord-Holland,56800,2021
GM0416,Langedijk,Noord-Holland,28300,2021
GM0457,Weesp,Noord-Holland,20900,2021
"""
OLD_2020 = """code,name,province,inhabitants,year
GM0788,Haaren,Noord-Brabant,14100,2020
"""
OLD_2010 = """code,name,province,inhabitants,year
GM0081,Menaldumadeel,Friesland,14000,2010
"""


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path / "store")
    assert cli("members", "load", actor=OFFICER).exit_code == 0
    for name, text in (("2021", OLD_2021), ("2020", OLD_2020), ("2010", OLD_2010)):
        path = tmp_path / f"gemeenten-{name}.csv"
        path.write_text(text, encoding="utf-8")
        assert cli("members", "load", "--file", str(path), actor=OFFICER).exit_code == 0
    return cli


def open_consultation(cli: Cli) -> tuple[int, str, str]:
    run = cli(
        "consultation",
        "open",
        "--title",
        "AZWA en HLO",
        "--question",
        "Stemt u in?",
        "--closes",
        "2999-10-22T16:00",
        "--reason",
        "Lbr. 25/041",
        "--json",
        actor=OFFICER,
    )
    return run.exit_code, run.stdout, run.stderr


def test_the_real_mergers_make_the_register_open_a_consultation_again(cli: Cli) -> None:
    code, _, stderr = open_consultation(cli)
    assert code == 2 and "members have no population for 2024" in stderr
    run = cli(
        "members",
        "merge",
        "--from",
        "GM0501",
        "--from",
        "GM0530",
        "--from",
        "GM0614",
        "--into",
        "GM1992",
        "--name",
        "Voorne aan Zee",
        "--effective",
        "2023-01-01",
        "--reason",
        "herindeling Voorne aan Zee",
        "--json",
        actor=OFFICER,
    )
    assert run.exit_code == 0, run.stderr
    answer = run.json()
    assert answer["effective"] == "2023-01-01T00:00:00+01:00"
    by_code = {m["code"]: m for m in answer["members"]}
    assert by_code["GM1992"]["began"] == "2023-01-01T00:00:00+01:00"
    assert by_code["GM0501"]["successors"] == ["GM1992"]
    run = cli(
        "members",
        "merge",
        "--from",
        "GM0398",
        "--from",
        "GM0416",
        "--into",
        "GM1980",
        "--effective",
        "2022-01-01",
        "--reason",
        "herindeling Dijk en Waard",
        actor=OFFICER,
    )
    assert run.exit_code == 0, run.stderr
    assert "GM1980 Dijk en Waard begins on 2022-01-01" in run.stdout
    assert "GM0398 Heerhugowaard ends on 2022-01-01 (merged into GM1980)" in run.stdout
    run = cli(
        "members",
        "merge",
        "--from",
        "GM0363",
        "--from",
        "GM0457",
        "--into",
        "GM0363",
        "--effective",
        "2022-03-24",
        "--reason",
        "Weesp bij Amsterdam",
        actor=OFFICER,
    )
    assert run.exit_code == 0, run.stderr
    assert "GM0363 Amsterdam continues" in run.stdout
    code, _, stderr = open_consultation(cli)  # Haaren and Menaldumadeel are still in the way
    assert code == 2 and "2 members have no population for 2024" in stderr
    run = cli(
        "members",
        "split",
        "--code",
        "GM0788",
        "--into",
        "GM0757",
        "--into",
        "GM0824",
        "--into",
        "GM0855",
        "--into",
        "GM0865",
        "--effective",
        "2021-01-01",
        "--reason",
        "opheffing Haaren",
        actor=OFFICER,
    )
    assert run.exit_code == 0, run.stderr
    assert "GM0788 Haaren ends on 2021-01-01 (split into GM0757, GM0824, GM0855, GM0865)" in (
        run.stdout
    )
    run = cli(
        "members",
        "rename",
        "--code",
        "GM0081",
        "--into",
        "GM1908",
        "--name",
        "Menameradiel",
        "--effective",
        "2011-01-01",
        "--reason",
        "naamswijziging",
        actor=OFFICER,
    )
    assert run.exit_code == 0, run.stderr
    # Menameradiel itself merged into Waadhoeke in 2018; the test stops at the rename, so the
    # register still holds it, without 2024 figures.
    code, _, stderr = open_consultation(cli)
    assert code == 2 and "1 members have no population for 2024 (first: GM1908)" in stderr
    listed = cli("members", "list", "--as-of", "2021-12-31", "--json")
    codes = {m["code"] for m in listed.json()}
    assert {"GM0398", "GM0457", "GM0501"} <= codes and "GM1992" not in codes
    assert "GM0788" not in codes and "GM0081" not in codes and "GM1908" in codes


def test_refusals_name_the_problem_exit_non_zero_and_write_nothing(cli: Cli) -> None:
    assert (
        cli(
            "members",
            "merge",
            "--from",
            "GM0363",
            "--from",
            "GM0457",
            "--into",
            "GM0363",
            "--effective",
            "2022-03-24",
            "--reason",
            "Weesp bij Amsterdam",
            actor=OFFICER,
        ).exit_code
        == 0
    )
    before = cli.log_fingerprint()
    cases: list[tuple[list[str], int, str]] = [
        (
            ["merge", "--from", "GM0363", "--from", "GM9999", "--into", "GM0363"],
            3,
            "unknown member GM9999",
        ),
        (
            ["merge", "--from", "GM0363", "--from", "GM0457", "--into", "GM0363"],
            4,
            "GM0457 Weesp ended on 2022-03-24 (merged into GM0363)",
        ),
        (
            ["rename", "--code", "GM0014", "--into", "GM0014", "--name", "Grunn"],
            2,
            "a rename gives GM0014 a new CBS code",
        ),
        (
            ["split", "--code", "GM0014", "--into", "GM0014", "--into", "GM0037"],
            2,
            "GM0014 cannot be its own successor",
        ),
        (
            ["merge", "--from", "GM0014", "--from", "GM0037", "--into", "GM1999"],
            2,
            "GM1999 is not registered yet: give its name",
        ),
    ]
    for args, exit_code, message in cases:
        run = cli("members", *args, "--effective", "2026-01-01", "--reason", "x", actor=OFFICER)
        assert run.exit_code == exit_code, (args, run.stderr)
        assert run.stderr.count("\n") == 1 and message in run.stderr, run.stderr
    for effective in ("2026-13-01", "1-1-2026", "2026-03-29T02:30", "morgen"):
        run = cli(
            "members",
            "rename",
            "--code",
            "GM0014",
            "--into",
            "GM1999",
            "--name",
            "Grunn",
            "--effective",
            effective,
            "--reason",
            "x",
            "--json",
            actor=OFFICER,
        )
        assert run.exit_code == 2, (effective, run.stderr)
        assert json.loads(run.stderr)["error"]["code"] == "invalid_time"
    no_reason = cli(
        "members",
        "rename",
        "--code",
        "GM0014",
        "--into",
        "GM1999",
        "--name",
        "Grunn",
        "--effective",
        "2026-01-01",
        actor=OFFICER,
    )
    assert no_reason.exit_code == 2 and "give a reason" in no_reason.stderr
    not_officer = cli(
        "members",
        "rename",
        "--code",
        "GM0014",
        "--into",
        "GM1999",
        "--name",
        "Grunn",
        "--effective",
        "2026-01-01",
        "--reason",
        "x",
        actor="secretary:GM0014",
    )
    assert not_officer.exit_code == 5
    assert cli.log_fingerprint() == before


def test_load_year_records_populations_only(cli: Cli, tmp_path: Path) -> None:
    assert (
        cli(
            "members",
            "merge",
            "--from",
            "GM0501",
            "--from",
            "GM0530",
            "--from",
            "GM0614",
            "--into",
            "GM1992",
            "--name",
            "Voorne aan Zee",
            "--effective",
            "2023-01-01",
            "--reason",
            "herindeling",
            actor=OFFICER,
        ).exit_code
        == 0
    )
    figures = tmp_path / "bevolking-2022.csv"
    figures.write_text(
        "code,name,province,inhabitants,year\n"
        "GM0501,Brielle,Zuid-Holland,17500,2022\n"
        "GM0530,Hellevoetsluis,Zuid-Holland,40500,2022\n",
        encoding="utf-8",
    )
    run = cli("members", "load", "--file", str(figures), "--year", "2022", "--json", actor=OFFICER)
    assert run.exit_code == 0, run.stderr
    assert run.json()["updated"] == ["GM0501", "GM0530"] and run.json()["year"] == 2022
    assert "GM0501" not in {m["code"] for m in cli("members", "list", "--json").json()}
    everyone = cli("members", "list", "--all", "--json").json()
    brielle = next(m for m in everyone if m["code"] == "GM0501")
    assert brielle["ended"] == "2023-01-01T00:00:00+01:00"
    assert brielle["populations"] == {"2021": 17400, "2022": 17500}
    before = cli.log_fingerprint()
    wrong_year = cli("members", "load", "--file", str(figures), "--year", "2023", actor=OFFICER)
    assert wrong_year.exit_code == 2 and "one reference year" in wrong_year.stderr
    unknown = tmp_path / "onbekend.csv"
    unknown.write_text(
        "code,name,province,inhabitants,year\nGM9999,Nergens,Utrecht,1,2022\n", encoding="utf-8"
    )
    run = cli("members", "load", "--file", str(unknown), "--year", "2022", actor=OFFICER)
    assert run.exit_code == 3 and "not in the register (first: GM9999)" in run.stderr
    assert cli.log_fingerprint() == before
