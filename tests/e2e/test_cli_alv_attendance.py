"""`akkoord alv attend | leave | proxy | proxy-limit | vote --member | close-item` through the real
CLI on a real store: a meeting from the register of those present to a derived result, and every
refusal one line, a non-zero exit and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli import Cli
from tests.e2e.test_cli_processes import (
    OFFICER,
    SECRETARY,
    _build_the_command_tree_once,  # noqa: F401  (a module fixture: the command tree, once)
    data,
    moment,
    ok,
    refused,
)

# Shipped figures of 2024: Amsterdam 931,298 (75, the cap), Groningen 243,768 (75),
# Smallingerland 56,661 (57), Ameland 3,839 (4), Vlieland 1,255 (2).
AMSTERDAM, GRONINGEN, SMALLINGERLAND, AMELAND, VLIELAND = (
    "GM0363",
    "GM0014",
    "GM0090",
    "GM0060",
    "GM0096",
)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "store")


def met(cli: Cli, *extra: str) -> str:
    """Members loaded, an ALV that met an hour ago with one agenda item."""
    ok(cli("members", "load", actor=OFFICER))
    aid: str = data(
        cli,
        "alv",
        "convene",
        "--title",
        "Najaars-ALV",
        "--date",
        moment(hours=-1),
        "--reason",
        "jaarlijks",
        *extra,
        actor=OFFICER,
    )["id"]
    ok(cli("alv", "item", aid, "--title", "Motie", "--kind", "motion", "--reason", "agenda",
           actor=OFFICER))  # fmt: skip
    return aid


def test_a_meeting_from_attendance_to_a_derived_result(cli: Cli) -> None:
    aid = met(cli, "--proxy-limit", "2")
    assert data(
        cli, "alv", "attend", aid, "--member", AMSTERDAM, "--member", "gm0090",
        "--member", GRONINGEN, "--reason", "presentielijst", actor=OFFICER,
    ) == {"present": [AMSTERDAM, SMALLINGERLAND, GRONINGEN]}  # fmt: skip
    for giver in (AMELAND, VLIELAND):
        assert data(
            cli, "alv", "proxy", aid, "--from", giver, "--to", SMALLINGERLAND,
            "--reason", "volmacht", actor=OFFICER,
        ) == {"from": giver, "to": SMALLINGERLAND}  # fmt: skip
    votes = [(AMSTERDAM, "yes"), (SMALLINGERLAND, "no"), (GRONINGEN, "abstain")]
    for member, choice in votes:
        assert data(
            cli, "alv", "vote", aid, "1", "--member", member, "--choice", choice,
            "--reason", "stemming", actor=OFFICER,
        )["recorded"]  # fmt: skip
    run = ok(cli("alv", "close-item", aid, "1", "--reason", "stemming gesloten", actor=OFFICER))
    assert run.stdout.strip() == "item 1 adopted with 54.35% (yes 75, no 63, abstain 75)"

    shown = data(cli, "alv", "show", aid)
    assert (shown["proxy_limit"], shown["population_year"]) == (2, 2024)
    assert shown["proxies"] == [
        {"from": AMELAND, "to": SMALLINGERLAND, "weight": 4},
        {"from": VLIELAND, "to": SMALLINGERLAND, "weight": 2},
    ]
    assert shown["present"] == {
        "members": 3,
        "weight": 207,
        "represented_members": 2,
        "represented_weight": 6,
    }
    [item] = shown["items"]
    assert (item["adopted"], item["yes_pct"]) == (True, "54.35")
    assert item["tally"] == {
        "yes_weight": 75,
        "no_weight": 63,
        "abstain_weight": 75,
        "yes_pct": "54.35",
        "voters": 3,
        "represented": 2,
    }
    ok(cli("alv", "leave", aid, "--member", GRONINGEN, "--reason", "vertrokken", actor=OFFICER))
    summaries = [r["summary"] for r in data(cli, "timeline", aid)]
    assert "at most 2 proxies per holder (was 1)" in summaries
    assert f"{GRONINGEN} left the meeting" in summaries
    assert (
        f"item 1: {SMALLINGERLAND} votes no with 63 votes (also for {AMELAND}, {VLIELAND})"
        in summaries
    )
    assert "item 1 adopted with 54.35% in favour" in summaries
    # the people's view prints too
    assert "GM0363" in ok(cli("alv", "show", aid)).stdout


def test_the_default_limit_is_one_proxy_and_a_later_limit_is_recorded(cli: Cli) -> None:
    aid = met(cli)
    assert data(cli, "alv", "show", aid)["proxy_limit"] == 1
    ok(cli("alv", "proxy", aid, "--from", AMELAND, "--to", AMSTERDAM, "--reason", "v",
           actor=OFFICER))  # fmt: skip
    before = cli.log_fingerprint()
    refused(
        cli("alv", "proxy", aid, "--from", VLIELAND, "--to", AMSTERDAM, "--reason", "v",
            actor=OFFICER),
        4,
        "GM0363 holds 1 proxies",
    )  # fmt: skip
    assert cli.log_fingerprint() == before
    assert data(
        cli, "alv", "proxy-limit", aid, "--proxy-limit", "2", "--reason", "besluit",
        actor=OFFICER,
    ) == {"proxy_limit": 2, "changed": True}  # fmt: skip
    ok(cli("alv", "proxy", aid, "--from", VLIELAND, "--to", AMSTERDAM, "--reason", "v",
           actor=OFFICER))  # fmt: skip


def test_every_refusal_is_one_line_and_writes_nothing(cli: Cli) -> None:
    aid = met(cli)
    ok(cli("alv", "attend", aid, "--member", AMSTERDAM, "--reason", "r", actor=OFFICER))
    ok(cli("alv", "proxy", aid, "--from", AMELAND, "--to", AMSTERDAM, "--reason", "r",
           actor=OFFICER))  # fmt: skip
    before = cli.log_fingerprint()
    cases: list[tuple[tuple[str, ...], str | None, int, str]] = [
        (("attend", aid, "--member", "GM9999", "--reason", "r"), OFFICER, 2,
         "GM9999: not a member of the register"),
        (("attend", aid, "--member", "Amsterdam", "--reason", "r"), OFFICER, 2, "malformed"),
        (("attend", aid, "--member", GRONINGEN), OFFICER, 2, "give a reason"),
        (("attend", aid, "--member", GRONINGEN, "--reason", "r"), SECRETARY, 5, "only officer"),
        (("leave", aid, "--member", GRONINGEN, "--reason", "r"), OFFICER, 4, "not present"),
        (("proxy", aid, "--from", GRONINGEN, "--to", GRONINGEN, "--reason", "r"), OFFICER, 4,
         "cannot authorise itself"),
        (("proxy", aid, "--from", AMELAND, "--to", GRONINGEN, "--reason", "r"), OFFICER, 4,
         "has authorised GM0363 at ALV"),
        (("proxy", aid, "--from", GRONINGEN, "--to", AMELAND, "--reason", "r"), OFFICER, 4,
         "cannot hold one"),
        (("proxy", aid, "--from", AMSTERDAM, "--to", GRONINGEN, "--reason", "r"), OFFICER, 4,
         "cannot be represented itself"),
        (("vote", aid, "1", "--member", GRONINGEN, "--choice", "yes", "--reason", "r"),
         OFFICER, 4, "not present"),
        (("vote", aid, "1", "--member", AMELAND, "--choice", "yes", "--reason", "r"),
         OFFICER, 4, "represented by GM0363"),
        (("vote", aid, "1", "--member", AMSTERDAM, "--choice", "blanco", "--reason", "r"),
         OFFICER, 2, "yes, no or abstain"),
        (("vote", aid, "1", "--member", AMSTERDAM, "--reason", "r"), OFFICER, 2,
         "both --member and --choice"),
        (("vote", aid, "1", "--member", AMSTERDAM, "--choice", "yes", "--yes-pct", "60",
          "--reason", "r"), OFFICER, 2, "not both"),
        (("vote", aid, "2", "--item", "1", "--member", AMSTERDAM, "--choice", "yes",
          "--reason", "r"), OFFICER, 2, "give one"),
        (("vote", aid, "--member", AMSTERDAM, "--choice", "yes", "--reason", "r"), OFFICER, 2,
         "which agenda item"),
        (("vote", aid, "9", "--member", AMSTERDAM, "--choice", "yes", "--reason", "r"),
         OFFICER, 2, "no agenda item 9"),
        (("close-item", aid, "1", "--reason", "r"), OFFICER, 4, "no members' votes"),
        (("proxy-limit", aid, "--proxy-limit", "0", "--reason", "r"), OFFICER, 4,
         "cannot go below"),
        (("attend", "00000000-0000-4000-8000-000000000000", "--member", AMSTERDAM,
          "--reason", "r"), OFFICER, 3, "unknown ALV"),
    ]  # fmt: skip
    for args, actor, exit_code, text in cases:
        refused(cli("alv", *args, actor=actor), exit_code, text)
    assert cli.log_fingerprint() == before
    # the totals-only form stays as it was, for items without members' votes
    assert data(
        cli, "alv", "vote", aid, "--item", "1", "--yes-pct", "93.4", "--reason", "gepubliceerd",
        actor=OFFICER,
    )["outcome"] == "adopted"  # fmt: skip
