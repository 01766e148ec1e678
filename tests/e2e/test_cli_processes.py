"""Every decision process through the real CLI on a real store: stories, roles and bad input.

The stories follow the members' letter: IZA and AZWA registered, VNG signs AZWA under
reservation, the members are consulted, and the board ratifies, rejects, or refers to the ALV.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing

from adapters.entrypoints.cli.main import app
from tests.e2e.cli import Cli, Run

OFFICER = "officer:j.devries"
BOARD = "board:voorzitter"
AUDITOR = "auditor:a.jansen"
SECRETARY = "secretary:GM0363"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
ZONELESS_GAP = "2099-03-29T02:30"  # clocks go forward in Europe/Amsterdam: no such wall time


@pytest.fixture(autouse=True, scope="module")
def _build_the_command_tree_once() -> Iterator[None]:
    """typer rebuilds the click command tree on every invoke (most of a command's run time here);
    it is the same tree each time, so build it once for this module's few hundred commands."""
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


def ok(run: Run) -> Run:
    assert run.exit_code == 0, (run.exit_code, run.stdout, run.stderr)
    assert run.stderr == "", run.stderr
    return run


def data(cli: Cli, *args: str, actor: str | None = None) -> Any:
    """Run a command that must succeed and return its JSON output."""
    return ok(cli(*args, "--json", actor=actor)).json()


def moment(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat(timespec="seconds")


def now_exact() -> str:
    return datetime.now(UTC).isoformat()


def vng(cli: Cli, *extra: str) -> dict[str, str]:
    """VNG's status in every agreement, as `status` shows it."""
    rows = data(cli, "status", "--party", "VNG", *extra)
    return {row["agreement"]: row["status"] for row in rows}


# Building blocks of the stories ---------------------------------------------------------------


def register_agreements(cli: Cli) -> None:
    ok(cli("members", "load", actor=OFFICER))
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
            "--term",
            "2023-2026",
            "--party",
            "VWS,ZN",
            "--party",
            "VNG",
            "--involved",
            "NZa",
            "--reason",
            "IZA signed in 2022",
            actor=OFFICER,
        )
    )
    ok(
        cli(
            "agreement",
            "register",
            "--code",
            "AZWA",
            "--name",
            "AZWA",
            "--full-name",
            "Aanvullend Zorg- en Welzijnsakkoord",
            "--term",
            "2026-2028",
            "--party",
            "VWS,ZN,VNG",
            "--involved",
            "IGJ",
            "--supplements",
            "IZA",
            "--continues",
            "IZA",
            "--reason",
            "talks on the AZWA",
            actor=OFFICER,
        )
    )


def sign_vng(cli: Cli) -> str:
    return str(
        data(
            cli,
            "signing",
            "sign",
            "--party",
            "VNG",
            "--agreement",
            "AZWA",
            "--condition",
            "positieve uitkomst van de ledenraadpleging",
            "--condition",
            "bekrachtiging door het bestuur",
            "--reason",
            "VNG signs under reservation (8 Sep 2025)",
            actor=OFFICER,
        )["id"]
    )


def open_consultation(cli: Cli, closes: str) -> str:
    return str(
        data(
            cli,
            "consultation",
            "open",
            "--title",
            "Ledenraadpleging AZWA",
            "--question",
            "Stemt u in met het AZWA?",
            "--agreement",
            "AZWA",
            "--agreement",
            "IZA",
            "--closes",
            closes,
            "--reason",
            "Lbr. 25/041",
            actor=OFFICER,
        )["id"]
    )


def cast(cli: Cli, consultation: str, member: str, choice: str) -> None:
    ok(
        cli(
            "consultation",
            "cast",
            consultation,
            "--member",
            member,
            "--choice",
            choice,
            actor=f"secretary:{member}",
        )
    )


def schedule(cli: Cli, consultation: str, signing: str, date: str | None = None) -> str:
    return str(
        data(
            cli,
            "board",
            "schedule",
            "--title",
            "Bekrachtiging uitkomst ledenraadpleging",
            "--date",
            date or moment(days=10),
            "--consultation",
            consultation,
            "--agreement",
            "AZWA",
            "--signing",
            signing,
            "--reason",
            "the board ratifies the outcome",
            actor=OFFICER,
        )["id"]
    )


def close_early(cli: Cli, consultation: str) -> None:
    assert data(
        cli, "consultation", "close", consultation, "--reason", "all votes are in", actor=OFFICER
    ) == {"closed": True}


def convene(cli: Cli, date: str, title: str = "Najaars-ALV") -> str:
    return str(
        data(
            cli, "alv", "convene", "--title", title, "--date", date, "--reason", "r", actor=OFFICER
        )["id"]
    )


@dataclass
class Story:
    cli: Cli
    signing: str
    consultation: str
    ratification: str


def consulted(
    cli: Cli,
    *,
    yes: tuple[str, ...] = ("GM0363", "GM0599"),
    no: tuple[str, ...] = ("GM0088",),
    closes: str | None = None,
    close: bool = True,
) -> Story:
    """Agreements registered, VNG signed under reservation, members consulted (and closed)."""
    register_agreements(cli)
    signing = sign_vng(cli)
    consultation = open_consultation(cli, closes or moment(days=3))
    for member in yes:
        cast(cli, consultation, member, "yes")
    for member in no:
        cast(cli, consultation, member, "no")
    ratification = schedule(cli, consultation, signing)
    if close:
        close_early(cli, consultation)
    return Story(cli, signing, consultation, ratification)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "store")


# Story 1: the board ratifies ------------------------------------------------------------------


def test_the_board_ratifies_and_the_signature_becomes_definitive(cli: Cli) -> None:
    before_signing = now_exact()
    register_agreements(cli)
    assert data(
        cli,
        "agreement",
        "status",
        "AZWA",
        "--status",
        "signed",
        "--party",
        "VWS,ZN",
        "--reason",
        "signed by the other parties",
        actor=OFFICER,
    ) == {"changed": ["VWS", "ZN"]}
    assert data(
        cli,
        "agreement",
        "add-party",
        "AZWA",
        "--party",
        "MIND",
        "--reason",
        "MIND joins",
        actor=OFFICER,
    ) == {"added": "MIND"}
    ok(
        cli(
            "agreement",
            "add-party",
            "AZWA",
            "--party",
            "Zorginstituut Nederland",
            "--involved",
            "--reason",
            "involved",
            actor=OFFICER,
        )
    )
    azwa = data(cli, "agreement", "show", "AZWA")
    assert azwa["relations"] == [
        {"kind": "supplements", "agreement": "IZA"},
        {"kind": "continues participation in", "agreement": "IZA"},
    ]
    assert azwa["parties"] == {
        "IGJ": "involved, not signing",
        "MIND": "negotiating",
        "VNG": "negotiating",
        "VWS": "signed",
        "ZN": "signed",
        "Zorginstituut Nederland": "involved, not signing",
    }
    assert [a["code"] for a in data(cli, "agreement", "list")] == ["AZWA", "IZA"]

    signing = sign_vng(cli)
    assert vng(cli) == {"AZWA": "conditionally signed", "IZA": "conditionally signed"}
    shown = data(cli, "signing", "show", signing)
    assert (shown["party"], shown["agreement"], shown["state"]) == ("VNG", "AZWA", "conditional")
    assert [s["id"] for s in data(cli, "signing", "list")] == [signing]

    consultation = open_consultation(cli, moment(days=3))
    cast(cli, consultation, "GM0363", "yes")
    cast(cli, consultation, "GM0599", "yes")
    cast(cli, consultation, "GM0088", "no")
    ratification = schedule(cli, consultation, signing)
    assert data(cli, "board", "show", ratification)["advice"] == "pending"
    assert {"consultation closes", "ratification due"} <= {
        d["kind"] for d in data(cli, "deadlines")
    }
    assert data(cli, "actions", "--role", "board") == []
    assert [a["subject"] for a in data(cli, "actions", "--role", "secretary:GM0090")] == [
        consultation
    ]
    assert data(cli, "actions", "--role", "secretary:GM0363") == []  # it has voted

    close_early(cli, consultation)
    assert data(cli, "board", "show", ratification)["advice"] == "positive"
    board_actions = data(cli, "actions", "--role", "board")
    assert [(a["subject"], a["action"]) for a in board_actions] == [
        (ratification, "decide on the ratification (advice: positive)")
    ]
    before_decision = now_exact()
    assert data(
        cli,
        "board",
        "decide",
        ratification,
        "--decision",
        "ratify",
        "--reason",
        "board meeting",
        actor=BOARD,
    ) == {"decision": "ratify", "late": False}

    shown = data(cli, "board", "show", ratification)
    assert (shown["decision"], shown["outcome"], shown["communicated"]) == (
        "ratify",
        "ratified",
        False,
    )
    assert vng(cli) == {"AZWA": "definitive", "IZA": "definitive"}
    assert data(cli, "signing", "show", signing)["state"] == "definitive"
    assert [a["action"] for a in data(cli, "actions", "--role", "officer")] == [
        "communicate the board's decision"
    ]
    ok(
        cli(
            "board",
            "communicate",
            ratification,
            "--reference",
            "Ledenbrief bekrachtiging",
            "--reason",
            "inform members",
            actor=OFFICER,
        )
    )
    listed = data(cli, "board", "list")
    assert [(r["id"], r["communicated"]) for r in listed] == [(ratification, True)]
    assert data(cli, "actions", "--role", "officer") == []
    assert data(cli, "deadlines") == []
    settled = {d["kind"]: d["state"] for d in data(cli, "deadlines", "--all")}
    assert settled["consultation closes"] == settled["ratification due"] == "done"

    # the views: timeline, history, status as of a moment
    events = [row["event"] for row in data(cli, "timeline", ratification)]
    assert events == [
        "BoardRatification.Scheduled",
        "BoardRatification.AdviceReceived",
        "BoardRatification.Decided",
        "BoardRatification.Communicated",
    ]
    everything = data(cli, "timeline")
    assert len(everything) > len(events)
    assert {row["process"] for row in everything} >= {
        "Agreement",
        "ConditionalSigning",
        "Consultation",
        "BoardRatification",
    }
    history = data(cli, "history", signing)
    assert (history["version"], history["latest_version"]) == (2, 2)
    assert history["state"]["state"] == "definitive"
    assert data(cli, "history", signing, "--version", "1")["state"]["state"] == "conditional"
    assert data(cli, "history", signing, "--as-of", before_decision)["version"] == 1
    assert vng(cli, "--as-of", before_signing) == {}
    assert vng(cli, "--as-of", before_decision) == {
        "AZWA": "conditionally signed",
        "IZA": "conditionally signed",
    }
    only = data(cli, "status", "--agreement", "azwa", "--party", "VWS")
    assert [(r["agreement"], r["party"], r["status"]) for r in only] == [("AZWA", "VWS", "signed")]
    assert len(data(cli, "status", "--agreement", "IZA")) == 4


def test_every_view_and_list_has_human_output(cli: Cli) -> None:
    story = consulted(cli)
    ok(
        cli(
            "board",
            "decide",
            story.ratification,
            "--decision",
            "ratify",
            "--reason",
            "r",
            actor=BOARD,
        )
    )
    commands: list[tuple[str, ...]] = [
        ("agreement", "show", "AZWA"),
        ("agreement", "list"),
        ("signing", "show", story.signing),
        ("signing", "list"),
        ("board", "show", story.ratification),
        ("board", "list"),
        ("resolution", "list"),
        ("udo", "list"),
        ("alv", "list"),
        ("status",),
        ("status", "--as-of", "2025-01-01"),
        ("timeline",),
        ("timeline", story.ratification),
        ("history", story.signing),
        ("deadlines", "--all"),
        ("actions",),
    ]
    for args in commands:
        run = ok(cli(*args))
        assert run.stdout.strip(), args
    assert "definitive" in cli("status", "--party", "VNG").stdout
    assert "(none)" in cli("udo", "list").stdout


# Story 2: the board rejects -------------------------------------------------------------------


def test_the_board_rejects_against_positive_advice_with_a_rationale(cli: Cli) -> None:
    story = consulted(cli)
    fingerprint = cli.log_fingerprint()
    refused(
        cli(
            "board",
            "decide",
            story.ratification,
            "--decision",
            "reject",
            "--reason",
            "r",
            actor=BOARD,
        ),
        2,
        "the advice was positive: a decision to reject needs a rationale",
    )
    assert cli.log_fingerprint() == fingerprint
    ok(
        cli(
            "board",
            "decide",
            story.ratification,
            "--decision",
            "reject",
            "--rationale",
            "financing not secured",
            "--reason",
            "board meeting",
            actor=BOARD,
        )
    )
    assert data(cli, "board", "show", story.ratification)["outcome"] == "rejected"
    assert data(cli, "signing", "show", story.signing)["state"] == "withdrawn"
    assert vng(cli) == {"AZWA": "withdrawn", "IZA": "withdrawn"}
    summaries = [row["summary"] for row in data(cli, "timeline", story.ratification)]
    assert "the board decides to reject, departing from the advice: financing not secured" in (
        summaries
    )
    refused(
        cli(
            "board",
            "decide",
            story.ratification,
            "--decision",
            "ratify",
            "--rationale",
            "x",
            "--reason",
            "r",
            actor=BOARD,
        ),
        4,
        "was decided already",
    )


def test_a_rejection_that_follows_negative_advice_needs_no_rationale(cli: Cli) -> None:
    story = consulted(cli, yes=("GM0088",), no=("GM0363",))
    assert data(cli, "board", "show", story.ratification)["advice"] == "negative"
    ok(
        cli(
            "board",
            "decide",
            story.ratification,
            "--decision",
            "reject",
            "--reason",
            "r",
            actor=BOARD,
        )
    )
    assert vng(cli)["AZWA"] == "withdrawn"


# Story 3: the board refers to the ALV, whose vote settles it ------------------------------------


@pytest.mark.parametrize(
    ("vote", "outcome", "status"),
    [
        (("--yes-pct", "60"), "ratified", "definitive"),
        (("--outcome", "rejected"), "rejected", "withdrawn"),
        (("--yes-weight", "40", "--no-weight", "60"), "rejected", "withdrawn"),
    ],
    ids=["yes-pct", "announced", "weights"],
)
def test_the_board_refers_to_the_alv_and_its_vote_settles_it(
    cli: Cli, vote: tuple[str, ...], outcome: str, status: str
) -> None:
    story = consulted(cli)
    assembly = convene(cli, moment(minutes=-1))
    assert [a["id"] for a in data(cli, "alv", "list")] == [assembly]
    fingerprint = cli.log_fingerprint()
    refused(
        cli(
            "board",
            "decide",
            story.ratification,
            "--decision",
            "refer",
            "--rationale",
            "the members decide",
            "--reason",
            "r",
            actor=BOARD,
        ),
        2,
        "a referral names the ALV",
    )
    refused(
        cli(
            "board",
            "decide",
            story.ratification,
            "--decision",
            "refer",
            "--assembly",
            UNKNOWN,
            "--rationale",
            "the members decide",
            "--reason",
            "r",
            actor=BOARD,
        ),
        3,
        "unknown ALV",
    )
    assert cli.log_fingerprint() == fingerprint
    ok(
        cli(
            "board",
            "decide",
            story.ratification,
            "--decision",
            "refer",
            "--assembly",
            assembly,
            "--rationale",
            "the members decide",
            "--reason",
            "board meeting",
            actor=BOARD,
        )
    )
    shown = data(cli, "board", "show", story.ratification)
    assert (shown["decision"], shown["outcome"]) == ("refer", "pending")
    assert vng(cli)["AZWA"] == "conditionally signed"
    items = data(cli, "alv", "show", assembly)["items"]
    assert [(i["number"], i["kind"], i["subject_id"]) for i in items] == [
        (1, "ratification", story.ratification)
    ]
    assert data(
        cli, "alv", "item", assembly, "--title", "Rondvraag", "--reason", "agenda", actor=OFFICER
    ) == {"number": 2}
    result = data(
        cli, "alv", "vote", assembly, "--item", "1", *vote, "--reason", "r", actor=OFFICER
    )
    assert result["outcome"] == ("adopted" if outcome == "ratified" else "rejected")
    assert data(cli, "board", "show", story.ratification)["outcome"] == outcome
    assert vng(cli) == {"AZWA": status, "IZA": status}
    assert sorted(a["action"] for a in data(cli, "actions", "--role", "officer")) == [
        "communicate the ALV's decision",
        "record the votes and close: Najaars-ALV",
    ]

    ok(cli("alv", "hold", assembly, "--reason", "held", actor=OFFICER))
    refused(cli("alv", "hold", assembly, "--reason", "again", actor=OFFICER), 4, "held already")
    assert data(cli, "alv", "close", assembly, "--reason", "minutes", actor=OFFICER) == {
        "closed": True
    }
    fingerprint = cli.log_fingerprint()
    assert data(cli, "alv", "close", assembly, "--reason", "again", actor=OFFICER) == {
        "closed": False
    }
    assert cli.log_fingerprint() == fingerprint
    shown = data(cli, "alv", "show", assembly)
    assert (shown["held"], shown["closed"]) == (True, True)
    refused(
        cli(
            "alv",
            "vote",
            assembly,
            "--item",
            "2",
            "--yes-pct",
            "70",
            "--reason",
            "r",
            actor=OFFICER,
        ),
        4,
        "is closed",
    )
    meets = [d for d in data(cli, "deadlines", "--all") if d["kind"] == "ALV meets"]
    assert [(d["subject_id"], d["state"]) for d in meets] == [(assembly, "done")]


def test_an_alv_cannot_vote_before_it_meets(cli: Cli) -> None:
    assembly = convene(cli, moment(days=30))
    ok(cli("alv", "item", assembly, "--title", "Begroting", "--reason", "r", actor=OFFICER))
    fingerprint = cli.log_fingerprint()
    refused(
        cli(
            "alv",
            "vote",
            assembly,
            "--item",
            "1",
            "--yes-pct",
            "60",
            "--reason",
            "r",
            actor=OFFICER,
        ),
        4,
        "it cannot vote before that",
    )
    assert cli.log_fingerprint() == fingerprint


# Resolutions and UDO ------------------------------------------------------------------------


def test_a_resolution_suspends_participation_until_its_conditions_are_met(cli: Cli) -> None:
    register_agreements(cli)
    assembly = convene(cli, moment(minutes=-1), title="Najaars-ALV 2024")
    resolution = data(
        cli,
        "resolution",
        "table",
        "--title",
        "Stop met gesprekken vervolg IZA",
        "--tabled-by",
        "leden (ALV)",
        "--condition",
        "Gelijkwaardigheid",
        "--condition",
        "Structurele financiering",
        "--suspends",
        "VNG:IZA",
        "--assembly",
        assembly,
        "--reason",
        "agenda item 8",
        actor=OFFICER,
    )["id"]
    motion = data(
        cli,
        "resolution",
        "table",
        "--kind",
        "motion",
        "--title",
        "Motie Apeldoorn",
        "--tabled-by",
        "GM0200",
        "--reason",
        "agenda",
        actor=OFFICER,
    )["id"]
    assert sorted(r["id"] for r in data(cli, "resolution", "list")) == sorted([resolution, motion])
    items = data(cli, "alv", "show", assembly)["items"]
    assert [(i["kind"], i["subject_id"]) for i in items] == [("resolution", resolution)]
    refused(
        cli(
            "resolution",
            "meet",
            resolution,
            "--condition",
            "1",
            "--evidence",
            "e",
            "--reason",
            "r",
            actor=OFFICER,
        ),
        4,
        "not voted yet",
    )

    # the ALV's vote on the agenda item decides the resolution
    ok(
        cli(
            "alv",
            "vote",
            assembly,
            "--item",
            "1",
            "--yes-pct",
            "93.4",
            "--reason",
            "r",
            actor=OFFICER,
        )
    )
    shown = data(cli, "resolution", "show", resolution)
    assert (shown["outcome"], shown["yes_pct"], shown["fulfilled"]) == ("adopted", "93.4", False)
    assert vng(cli)["IZA"] == "participation suspended"
    suspended = now_exact()

    assert data(
        cli,
        "resolution",
        "decide",
        motion,
        "--yes-weight",
        "300",
        "--no-weight",
        "100",
        "--reason",
        "r",
        actor=OFFICER,
    ) == {"outcome": "adopted", "yes_pct": "75.00", "yes_weight": 300, "no_weight": 100}
    fingerprint = cli.log_fingerprint()
    ok(cli("resolution", "decide", motion, "--yes-pct", "75", "--reason", "again", actor=OFFICER))
    assert cli.log_fingerprint() == fingerprint  # the same outcome again writes nothing
    refused(
        cli("resolution", "decide", motion, "--yes-pct", "20", "--reason", "r", actor=OFFICER),
        4,
        "was adopted already",
    )

    meet = ("resolution", "meet", resolution, "--evidence", "akkoord VWS en ZN", "--reason", "r")
    assert data(cli, *meet, "--condition", "1", actor=OFFICER) == {"recorded": True}
    fingerprint = cli.log_fingerprint()
    assert data(cli, *meet, "--condition", "1", actor=OFFICER) == {"recorded": False}
    assert cli.log_fingerprint() == fingerprint
    assert vng(cli)["IZA"] == "participation suspended"
    assert [a["subject"] for a in data(cli, "actions", "--role", "officer")].count(resolution) == 1
    assert data(cli, *meet, "--condition", "2", actor=OFFICER) == {"recorded": True}
    assert data(cli, "resolution", "show", resolution)["fulfilled"] is True
    assert vng(cli)["IZA"] == "resumed"
    assert vng(cli, "--as-of", suspended, "--agreement", "IZA") == {
        "IZA": "participation suspended"
    }
    assert resolution not in [a["subject"] for a in data(cli, "actions", "--role", "officer")]
    summaries = [row["summary"] for row in data(cli, "timeline", resolution)]
    assert summaries[0] == "resolution tabled by leden (ALV): Stop met gesprekken vervolg IZA"
    assert summaries[1:] == [
        "adopted with 93.4% in favour",
        "condition 1 met: akkoord VWS en ZN",
        "condition 2 met: akkoord VWS en ZN",
        "all conditions met; the resolution is fulfilled",
    ]
    assert data(cli, "history", resolution, "--version", "1")["state"]["outcome"] == ""
    assert data(cli, "history", resolution)["state"]["fulfilled"] is True


def test_a_udo_from_commission_to_presentation(cli: Cli) -> None:
    register_agreements(cli)
    udo = data(
        cli,
        "udo",
        "commission",
        "--agreement",
        "AZWA",
        "--title",
        "Uitvoerbaarheidstoets AZWA",
        "--executed-by",
        "VNG Realisatie",
        "--executed-by",
        "VWS,BZK",
        "--reason",
        "agreed at the ALV",
        actor=OFFICER,
    )["id"]
    participants = ("udo", "participants", udo, "--member", "GM0363,gm0088", "--member", "GM0599")
    assert data(cli, *participants, "--reason", "r", actor=OFFICER) == {"added": 3}
    fingerprint = cli.log_fingerprint()
    assert data(cli, *participants, "--reason", "r", actor=OFFICER) == {"added": 0}
    assert cli.log_fingerprint() == fingerprint
    for number, title in enumerate(["Onduidelijke financiën", "Effectmeting"], start=1):
        assert data(
            cli,
            "udo",
            "point",
            udo,
            "--title",
            title,
            "--description",
            "d",
            "--reason",
            "r",
            actor=OFFICER,
        ) == {"number": number}
    fingerprint = cli.log_fingerprint()
    refused(cli("udo", "complete", udo, "--reason", "r", actor=OFFICER), 4, "no process agreement")
    refused(
        cli("udo", "present", udo, "--reference", "x", "--reason", "r", actor=OFFICER),
        4,
        "not completed yet",
    )
    assert cli.log_fingerprint() == fingerprint
    for point in ("1", "2"):
        assert data(
            cli,
            "udo",
            "agreement",
            udo,
            "--point",
            point,
            "--party",
            "VWS",
            "--party",
            "BZK",
            "--text",
            f"procesafspraak {point}",
            "--reason",
            "r",
            actor=OFFICER,
        ) == {"point": int(point)}
    assert [a["action"] for a in data(cli, "actions", "--role", "officer")] == [
        "complete the UDO: Uitvoerbaarheidstoets AZWA"
    ]
    ok(cli("udo", "complete", udo, "--summary", "twee punten", "--reason", "r", actor=OFFICER))
    assert [a["action"] for a in data(cli, "actions", "--role", "officer")] == [
        "present the UDO to the members"
    ]
    refused(
        cli("udo", "point", udo, "--title", "te laat", "--reason", "r", actor=OFFICER),
        4,
        "is completed",
    )
    ok(cli("udo", "present", udo, "--reference", "Lbr. 25/041", "--reason", "r", actor=OFFICER))
    refused(
        cli("udo", "present", udo, "--reference", "x", "--reason", "r", actor=OFFICER),
        4,
        "presented already",
    )
    assert data(cli, "actions", "--role", "officer") == []
    shown = data(cli, "udo", "show", udo)
    assert (shown["agreement"], shown["participants"]) == ("AZWA", 3)
    assert (shown["completed"], shown["presented"]) == (True, True)
    assert [p["process_agreements"] for p in shown["critical_points"]] == [
        [{"parties": ["VWS", "BZK"], "text": "procesafspraak 1"}],
        [{"parties": ["VWS", "BZK"], "text": "procesafspraak 2"}],
    ]
    assert [u["id"] for u in data(cli, "udo", "list")] == [udo]
    assert len(data(cli, "timeline", udo)) == 1 + 1 + 2 + 2 + 1 + 1


# A consultation that reaches its deadline ---------------------------------------------------


@pytest.mark.slow
def test_a_consultation_reaching_its_deadline_advises_the_board(cli: Cli) -> None:
    register_agreements(cli)  # before the clock starts running: these take a moment
    signing = sign_vng(cli)
    closes = datetime.now(UTC) + timedelta(seconds=3)
    consultation = open_consultation(cli, closes.isoformat())
    cast(cli, consultation, "GM0363", "yes")
    ratification = schedule(cli, consultation, signing)
    time.sleep(max(0.0, (closes - datetime.now(UTC)).total_seconds()) + 0.05)
    assert data(cli, "consultation", "show", consultation)["phase"] == "deadline passed"
    assert data(cli, "board", "show", ratification)["advice"] == "pending"
    assert consultation in [d["subject_id"] for d in data(cli, "deadlines")]
    # at the deadline no reason is needed: it is not an early close
    assert data(cli, "consultation", "close", consultation, actor=OFFICER) == {"closed": True}
    assert data(cli, "timeline", consultation)[-1]["summary"] == "ledenraadpleging closed"
    assert data(cli, "board", "show", ratification)["advice"] == "positive"
    ok(cli("board", "decide", ratification, "--decision", "ratify", "--reason", "r", actor=BOARD))
    assert vng(cli) == {"AZWA": "definitive", "IZA": "definitive"}


# Roles and bad input: one shared store; every case must leave it unchanged --------------------


@dataclass
class World:
    cli: Cli
    signing: str
    open_consultation: str
    closed_consultation: str
    pending: str  # a ratification still waiting for advice
    advised: str  # a ratification with positive advice, not decided
    udo: str
    resolution: str
    past_alv: str  # convened in the past, with agenda item 1
    future_alv: str  # convened in the future, with agenda item 1


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    cli = Cli(tmp_path_factory.mktemp("world") / "store")
    register_agreements(cli)
    signing = sign_vng(cli)
    still_open = open_consultation(cli, moment(days=30))
    # the board meets after the consultation closes (an earlier date needs --confirm-conflict)
    pending = schedule(cli, still_open, signing, moment(days=40))
    closed = open_consultation(cli, moment(days=30))
    cast(cli, closed, "GM0363", "yes")
    advised = schedule(cli, closed, signing, moment(days=40))
    close_early(cli, closed)
    udo = data(
        cli,
        "udo",
        "commission",
        "--agreement",
        "AZWA",
        "--title",
        "UDO",
        "--reason",
        "r",
        actor=OFFICER,
    )["id"]
    ok(cli("udo", "point", udo, "--title", "Financiën", "--reason", "r", actor=OFFICER))
    resolution = data(
        cli,
        "resolution",
        "table",
        "--title",
        "R",
        "--condition",
        "c",
        "--reason",
        "r",
        actor=OFFICER,
    )["id"]
    past_alv = convene(cli, moment(minutes=-5))
    future_alv = convene(cli, moment(days=30))
    for alv in (past_alv, future_alv):
        ok(cli("alv", "item", alv, "--title", "Begroting", "--reason", "r", actor=OFFICER))
    return World(
        cli,
        signing,
        still_open,
        closed,
        pending,
        advised,
        str(udo),
        str(resolution),
        past_alv,
        future_alv,
    )


Args = Callable[[World], tuple[str, ...]]

# Every write command, with arguments that the right role could carry out.
# fmt: off
OFFICER_COMMANDS: dict[str, Args] = {
    "members load": lambda w: ("members", "load"),
    "agreement register": lambda w: (
        "agreement", "register", "--code", "GALA", "--name", "GALA", "--full-name",
        "Gezond en Actief Leven Akkoord", "--party", "VWS,VNG", "--reason", "r",
    ),
    "agreement status": lambda w: (
        "agreement", "status", "AZWA", "--status", "signed", "--party", "VWS", "--reason", "r",
    ),
    "agreement add-party": lambda w: (
        "agreement", "add-party", "AZWA", "--party", "MIND", "--reason", "r",
    ),
    "resolution table": lambda w: ("resolution", "table", "--title", "T", "--reason", "r"),
    "resolution decide": lambda w: (
        "resolution", "decide", w.resolution, "--yes-pct", "60", "--reason", "r",
    ),
    "resolution meet": lambda w: (
        "resolution", "meet", w.resolution, "--condition", "1", "--evidence", "e", "--reason", "r",
    ),
    "udo commission": lambda w: (
        "udo", "commission", "--agreement", "AZWA", "--title", "T", "--reason", "r",
    ),
    "udo participants": lambda w: (
        "udo", "participants", w.udo, "--member", "GM0363", "--reason", "r",
    ),
    "udo point": lambda w: ("udo", "point", w.udo, "--title", "T", "--reason", "r"),
    "udo agreement": lambda w: (
        "udo", "agreement", w.udo, "--point", "1", "--party", "VWS", "--text", "t",
        "--reason", "r",
    ),
    "udo complete": lambda w: ("udo", "complete", w.udo, "--reason", "r"),
    "udo present": lambda w: ("udo", "present", w.udo, "--reference", "x", "--reason", "r"),
    "signing sign": lambda w: (
        "signing", "sign", "--party", "VWS", "--agreement", "AZWA", "--condition", "c",
        "--reason", "r",
    ),
    "board schedule": lambda w: (
        "board", "schedule", "--title", "T", "--date", "2099-10-29T10:00", "--consultation",
        w.open_consultation, "--agreement", "AZWA", "--reason", "r",
    ),
    "board communicate": lambda w: (
        "board", "communicate", w.advised, "--reference", "x", "--reason", "r",
    ),
    "alv convene": lambda w: (
        "alv", "convene", "--title", "T", "--date", "2099-11-28T10:00", "--reason", "r",
    ),
    "alv item": lambda w: ("alv", "item", w.past_alv, "--title", "T", "--reason", "r"),
    "alv vote": lambda w: (
        "alv", "vote", w.past_alv, "--item", "1", "--yes-pct", "60", "--reason", "r",
    ),
    "alv hold": lambda w: ("alv", "hold", w.past_alv, "--reason", "r"),
    "alv close": lambda w: ("alv", "close", w.past_alv, "--reason", "r"),
    "consultation open": lambda w: (
        "consultation", "open", "--title", "T", "--question", "Q", "--closes",
        "2099-10-22T16:00", "--reason", "r",
    ),
    "consultation close": lambda w: (
        "consultation", "close", w.open_consultation, "--reason", "r",
    ),
    "consultation extend": lambda w: (
        "consultation", "extend", w.open_consultation, "--closes", "2099-12-01T12:00",
        "--reason", "r",
    ),
    "consultation cancel": lambda w: (
        "consultation", "cancel", w.open_consultation, "--reason", "r",
    ),
}
# fmt: on


@pytest.mark.parametrize("command", sorted(OFFICER_COMMANDS))
def test_officer_work_is_refused_to_every_other_role(world: World, command: str) -> None:
    args = OFFICER_COMMANDS[command](world)
    fingerprint = world.cli.log_fingerprint()
    for actor in (AUDITOR, SECRETARY, BOARD):
        refused(world.cli(*args, actor=actor), 5, "only officer")
        assert world.cli.log_fingerprint() == fingerprint, (command, actor)


def test_only_the_board_decides_a_ratification(world: World) -> None:
    fingerprint = world.cli.log_fingerprint()
    for actor in (OFFICER, AUDITOR, SECRETARY):
        refused(
            world.cli(
                "board",
                "decide",
                world.advised,
                "--decision",
                "ratify",
                "--reason",
                "r",
                actor=actor,
            ),
            5,
            "only board may",
        )
    assert world.cli.log_fingerprint() == fingerprint


def test_only_a_members_secretary_casts_its_ballot(world: World) -> None:
    fingerprint = world.cli.log_fingerprint()
    cast_args = ("consultation", "cast", world.open_consultation, "--member", "GM0363")
    for actor in (OFFICER, AUDITOR, BOARD, "secretary:GM0088"):
        refused(world.cli(*cast_args, "--choice", "yes", actor=actor), 5, "may ")
    assert world.cli.log_fingerprint() == fingerprint


B = "bad"  # a malformed id
# (case id, arguments, actor, exit code, text in the error line)
BadCase = tuple[str, Args, str | None, int, str]
# fmt: off
BAD_INPUT: list[BadCase] = [
    # agreement
    ("register: malformed code", lambda w: (
        "agreement", "register", "--code", "A Z", "--name", "n", "--full-name", "f",
        "--party", "VWS", "--reason", "r"), OFFICER, 2, "malformed agreement code"),
    ("register: no reason", lambda w: (
        "agreement", "register", "--code", "GALA", "--name", "n", "--full-name", "f",
        "--party", "VWS"), OFFICER, 2, "the reason must be"),
    ("register: no signing party", lambda w: (
        "agreement", "register", "--code", "GALA", "--name", "n", "--full-name", "f",
        "--reason", "r"), OFFICER, 2, "at least one signing party"),
    ("register: a party twice", lambda w: (
        "agreement", "register", "--code", "GALA", "--name", "n", "--full-name", "f",
        "--party", "VWS", "--involved", "VWS", "--reason", "r"), OFFICER, 2, "listed once"),
    ("register: twice", lambda w: (
        "agreement", "register", "--code", "IZA", "--name", "n", "--full-name", "f",
        "--party", "VWS", "--reason", "r"), OFFICER, 4, "registered already"),
    ("register: continues an unknown agreement", lambda w: (
        "agreement", "register", "--code", "GALA", "--name", "n", "--full-name", "f",
        "--party", "VWS", "--continues", "NOPE", "--reason", "r"), OFFICER, 3,
        "unknown agreement 'NOPE'"),
    ("status: unknown status", lambda w: (
        "agreement", "status", "AZWA", "--status", "half signed", "--party", "VWS",
        "--reason", "r"), OFFICER, 2, "unknown party status 'half signed'"),
    ("status: no parties", lambda w: (
        "agreement", "status", "AZWA", "--status", "signed", "--reason", "r"), OFFICER, 2,
        "name the parties"),
    ("status: unknown agreement", lambda w: (
        "agreement", "status", "NOPE", "--status", "signed", "--party", "VWS", "--reason", "r"),
        OFFICER, 3, "unknown agreement"),
    ("status: unknown party", lambda w: (
        "agreement", "status", "AZWA", "--status", "signed", "--party", "Nobody",
        "--reason", "r"), OFFICER, 3, "Nobody is not a party to AZWA"),
    ("status: impossible transition", lambda w: (
        "agreement", "status", "AZWA", "--status", "resumed", "--party", "VWS", "--reason", "r"),
        OFFICER, 4, "cannot go from negotiating to resumed"),
    ("status: no reason", lambda w: (
        "agreement", "status", "AZWA", "--status", "signed", "--party", "VWS"), OFFICER, 2,
        "the reason must be"),
    ("add-party: already a party", lambda w: (
        "agreement", "add-party", "AZWA", "--party", "VWS", "--reason", "r"), OFFICER, 4,
        "already a party"),
    ("add-party: unknown agreement", lambda w: (
        "agreement", "add-party", "NOPE", "--party", "MIND", "--reason", "r"), OFFICER, 3,
        "unknown agreement"),
    ("add-party: blank name", lambda w: (
        "agreement", "add-party", "AZWA", "--party", " ", "--reason", "r"), OFFICER, 2,
        "malformed party name"),
    ("add-party: no reason", lambda w: (
        "agreement", "add-party", "AZWA", "--party", "MIND"), OFFICER, 2, "the reason must be"),
    ("show: unknown agreement", lambda w: ("agreement", "show", "NOPE"), None, 3,
        "unknown agreement"),
    ("show: malformed code", lambda w: ("agreement", "show", "not a code"), None, 2,
        "malformed agreement code"),
    # resolution
    ("table: unknown kind", lambda w: (
        "resolution", "table", "--title", "T", "--kind", "decree", "--reason", "r"), OFFICER, 2,
        "--kind is resolution or motion"),
    ("table: suspends without a colon", lambda w: (
        "resolution", "table", "--title", "T", "--condition", "c", "--suspends", "VNG-IZA",
        "--reason", "r"), OFFICER, 2, "--suspends takes PARTY:AGREEMENT"),
    ("table: suspends without a party", lambda w: (
        "resolution", "table", "--title", "T", "--condition", "c", "--suspends", ":IZA",
        "--reason", "r"), OFFICER, 2, "--suspends takes PARTY:AGREEMENT"),
    ("table: suspends without conditions", lambda w: (
        "resolution", "table", "--title", "T", "--suspends", "VNG:IZA", "--reason", "r"),
        OFFICER, 2, "name the conditions"),
    ("table: malformed assembly", lambda w: (
        "resolution", "table", "--title", "T", "--assembly", B, "--reason", "r"), OFFICER, 2,
        "malformed ALV id"),
    ("table: unknown assembly", lambda w: (
        "resolution", "table", "--title", "T", "--assembly", UNKNOWN, "--reason", "r"),
        OFFICER, 3, "unknown ALV"),
    ("table: no reason", lambda w: ("resolution", "table", "--title", "T"), OFFICER, 2,
        "give a reason to table a resolution"),
    ("table: blank title", lambda w: ("resolution", "table", "--title", " ", "--reason", "r"),
        OFFICER, 2, "the title must be"),
    ("decide: malformed id", lambda w: (
        "resolution", "decide", B, "--yes-pct", "60", "--reason", "r"), OFFICER, 2,
        "malformed resolution id"),
    ("decide: unknown id", lambda w: (
        "resolution", "decide", UNKNOWN, "--yes-pct", "60", "--reason", "r"), OFFICER, 3,
        "unknown resolution"),
    ("decide: 101%", lambda w: (
        "resolution", "decide", w.resolution, "--yes-pct", "101", "--reason", "r"), OFFICER, 2,
        "between 0 and 100"),
    ("decide: abc%", lambda w: (
        "resolution", "decide", w.resolution, "--yes-pct", "abc", "--reason", "r"), OFFICER, 2,
        "a percentage like 93.4"),
    ("decide: pct and weights", lambda w: (
        "resolution", "decide", w.resolution, "--yes-pct", "60", "--yes-weight", "6",
        "--no-weight", "4", "--reason", "r"), OFFICER, 2, "one of them"),
    ("decide: one weight", lambda w: (
        "resolution", "decide", w.resolution, "--yes-weight", "6", "--reason", "r"), OFFICER, 2,
        "give both --yes-weight and --no-weight"),
    ("decide: zero weights", lambda w: (
        "resolution", "decide", w.resolution, "--yes-weight", "0", "--no-weight", "0",
        "--reason", "r"), OFFICER, 2, "not both zero"),
    ("decide: no result", lambda w: ("resolution", "decide", w.resolution, "--reason", "r"),
        OFFICER, 2, "give the result"),
    ("decide: unknown outcome", lambda w: (
        "resolution", "decide", w.resolution, "--outcome", "maybe", "--reason", "r"), OFFICER,
        2, "adopted or rejected, not 'maybe'"),
    ("decide: no reason", lambda w: ("resolution", "decide", w.resolution, "--yes-pct", "60"),
        OFFICER, 2, "give a reason to record a vote"),
    ("meet: malformed id", lambda w: (
        "resolution", "meet", B, "--condition", "1", "--evidence", "e", "--reason", "r"),
        OFFICER, 2, "malformed resolution id"),
    ("meet: unknown id", lambda w: (
        "resolution", "meet", UNKNOWN, "--condition", "1", "--evidence", "e", "--reason", "r"),
        OFFICER, 3, "unknown resolution"),
    ("meet: not voted", lambda w: (
        "resolution", "meet", w.resolution, "--condition", "1", "--evidence", "e",
        "--reason", "r"), OFFICER, 4, "not voted yet"),
    ("resolution show: malformed", lambda w: ("resolution", "show", B), None, 2,
        "malformed resolution id"),
    ("resolution show: unknown", lambda w: ("resolution", "show", UNKNOWN), None, 3,
        "unknown resolution"),
    # udo
    ("commission: no reason", lambda w: (
        "udo", "commission", "--agreement", "AZWA", "--title", "T"), OFFICER, 2,
        "give a reason to commission a UDO"),
    ("commission: malformed agreement", lambda w: (
        "udo", "commission", "--agreement", "a z", "--title", "T", "--reason", "r"), OFFICER, 2,
        "malformed agreement code"),
    ("participants: none", lambda w: ("udo", "participants", w.udo, "--reason", "r"), OFFICER,
        2, "name the municipalities"),
    ("participants: malformed code", lambda w: (
        "udo", "participants", w.udo, "--member", "Harlingen", "--reason", "r"), OFFICER, 2,
        "malformed municipality codes: HARLINGEN"),
    ("participants: malformed id", lambda w: (
        "udo", "participants", B, "--member", "GM0363", "--reason", "r"), OFFICER, 2,
        "malformed UDO id"),
    ("participants: unknown id", lambda w: (
        "udo", "participants", UNKNOWN, "--member", "GM0363", "--reason", "r"), OFFICER, 3,
        "unknown UDO"),
    ("point: blank title", lambda w: ("udo", "point", w.udo, "--title", "", "--reason", "r"),
        OFFICER, 2, "the title must be"),
    ("point: no reason", lambda w: ("udo", "point", w.udo, "--title", "T"), OFFICER, 2,
        "give a reason to record a critical point"),
    ("agreement: unknown point", lambda w: (
        "udo", "agreement", w.udo, "--point", "9", "--party", "VWS", "--text", "t",
        "--reason", "r"), OFFICER, 2, "has no critical point 9"),
    ("agreement: no parties", lambda w: (
        "udo", "agreement", w.udo, "--point", "1", "--text", "t", "--reason", "r"), OFFICER, 2,
        "names the parties"),
    ("complete: open points", lambda w: ("udo", "complete", w.udo, "--reason", "r"), OFFICER,
        4, "critical point(s) 1 have no process agreement yet"),
    ("complete: unknown id", lambda w: ("udo", "complete", UNKNOWN, "--reason", "r"), OFFICER,
        3, "unknown UDO"),
    ("present: not completed", lambda w: (
        "udo", "present", w.udo, "--reference", "x", "--reason", "r"), OFFICER, 4,
        "is not completed yet"),
    ("present: malformed id", lambda w: (
        "udo", "present", B, "--reference", "x", "--reason", "r"), OFFICER, 2,
        "malformed UDO id"),
    ("udo show: unknown", lambda w: ("udo", "show", UNKNOWN), None, 3, "unknown UDO"),
    # signing
    ("sign: no conditions", lambda w: (
        "signing", "sign", "--party", "VNG", "--agreement", "AZWA", "--reason", "r"), OFFICER,
        2, "names its conditions"),
    ("sign: no reason", lambda w: (
        "signing", "sign", "--party", "VNG", "--agreement", "AZWA", "--condition", "c"),
        OFFICER, 2, "give a reason to sign conditionally"),
    ("sign: unknown agreement", lambda w: (
        "signing", "sign", "--party", "VNG", "--agreement", "NOPE", "--condition", "c",
        "--reason", "r"), OFFICER, 3, "unknown agreement"),
    ("sign: not a party", lambda w: (
        "signing", "sign", "--party", "Nobody", "--agreement", "AZWA", "--condition", "c",
        "--reason", "r"), OFFICER, 3, "Nobody is not a party to AZWA"),
    ("signing show: malformed", lambda w: ("signing", "show", B), None, 2,
        "malformed signature id"),
    ("signing show: unknown", lambda w: ("signing", "show", UNKNOWN), None, 3,
        "unknown conditional signature"),
    # board
    ("schedule: date without time", lambda w: (
        "board", "schedule", "--title", "T", "--date", "29-10-2099", "--consultation",
        w.open_consultation, "--agreement", "AZWA", "--reason", "r"), OFFICER, 2,
        "needs a date and a time"),
    ("schedule: malformed date", lambda w: (
        "board", "schedule", "--title", "T", "--date", "2099-13-29T10:00", "--consultation",
        w.open_consultation, "--agreement", "AZWA", "--reason", "r"), OFFICER, 2,
        "is not an ISO date-time"),
    ("schedule: nonexistent time", lambda w: (
        "board", "schedule", "--title", "T", "--date", ZONELESS_GAP, "--consultation",
        w.open_consultation, "--agreement", "AZWA", "--reason", "r"), OFFICER, 2,
        "does not exist in Europe/Amsterdam"),
    ("schedule: unknown zone", lambda w: (
        "board", "schedule", "--title", "T", "--date", "2099-10-29T10:00", "--tz", "Amsterdam",
        "--consultation", w.open_consultation, "--agreement", "AZWA", "--reason", "r"),
        OFFICER, 2, "unknown time zone"),
    ("schedule: malformed consultation", lambda w: (
        "board", "schedule", "--title", "T", "--date", "2099-10-29T10:00", "--consultation", B,
        "--agreement", "AZWA", "--reason", "r"), OFFICER, 2, "malformed consultation id"),
    ("schedule: unknown consultation", lambda w: (
        "board", "schedule", "--title", "T", "--date", "2099-10-29T10:00", "--consultation",
        UNKNOWN, "--agreement", "AZWA", "--reason", "r"), OFFICER, 3, "unknown consultation"),
    ("schedule: malformed signing", lambda w: (
        "board", "schedule", "--title", "T", "--date", "2099-10-29T10:00", "--consultation",
        w.open_consultation, "--agreement", "AZWA", "--signing", B, "--reason", "r"), OFFICER,
        2, "malformed signature id"),
    ("schedule: unknown signing", lambda w: (
        "board", "schedule", "--title", "T", "--date", "2099-10-29T10:00", "--consultation",
        w.open_consultation, "--agreement", "AZWA", "--signing", UNKNOWN, "--reason", "r"),
        OFFICER, 3, "unknown conditional signature"),
    ("schedule: no agreements", lambda w: (
        "board", "schedule", "--title", "T", "--date", "2099-10-29T10:00", "--consultation",
        w.open_consultation, "--reason", "r"), OFFICER, 2, "names the agreements"),
    ("schedule: no reason", lambda w: (
        "board", "schedule", "--title", "T", "--date", "2099-10-29T10:00", "--consultation",
        w.open_consultation, "--agreement", "AZWA"), OFFICER, 2,
        "give a reason to schedule a ratification"),
    ("decide: unknown decision", lambda w: (
        "board", "decide", w.advised, "--decision", "postpone", "--reason", "r"), BOARD, 2,
        "ratify, reject or refer, not 'postpone'"),
    ("decide: before the advice", lambda w: (
        "board", "decide", w.pending, "--decision", "ratify", "--reason", "r"), BOARD, 4,
        "there is no advice"),
    ("decide: malformed id", lambda w: (
        "board", "decide", B, "--decision", "ratify", "--reason", "r"), BOARD, 2,
        "malformed ratification id"),
    ("decide: unknown id", lambda w: (
        "board", "decide", UNKNOWN, "--decision", "ratify", "--reason", "r"), BOARD, 3,
        "unknown ratification"),
    ("decide: malformed assembly", lambda w: (
        "board", "decide", w.advised, "--decision", "refer", "--assembly", B, "--rationale",
        "x", "--reason", "r"), BOARD, 2, "malformed ALV id"),
    ("decide: no reason", lambda w: ("board", "decide", w.advised, "--decision", "ratify"),
        BOARD, 2, "give a reason to record the board's decision"),
    ("communicate: no outcome yet", lambda w: (
        "board", "communicate", w.advised, "--reference", "x", "--reason", "r"), OFFICER, 4,
        "has no outcome to communicate yet"),
    ("communicate: unknown id", lambda w: (
        "board", "communicate", UNKNOWN, "--reference", "x", "--reason", "r"), OFFICER, 3,
        "unknown ratification"),
    ("board show: malformed", lambda w: ("board", "show", B), None, 2,
        "malformed ratification id"),
    ("board show: unknown", lambda w: ("board", "show", UNKNOWN), None, 3,
        "unknown ratification"),
    # alv
    ("convene: date without time", lambda w: (
        "alv", "convene", "--title", "T", "--date", "2099-11-28", "--reason", "r"), OFFICER, 2,
        "needs a date and a time"),
    ("convene: nonexistent time", lambda w: (
        "alv", "convene", "--title", "T", "--date", ZONELESS_GAP, "--reason", "r"), OFFICER, 2,
        "does not exist in Europe/Amsterdam"),
    ("convene: unknown zone", lambda w: (
        "alv", "convene", "--title", "T", "--date", "2099-11-28T10:00", "--tz", "Mars/Olympus",
        "--reason", "r"), OFFICER, 2, "unknown time zone"),
    ("convene: no reason", lambda w: (
        "alv", "convene", "--title", "T", "--date", "2099-11-28T10:00"), OFFICER, 2,
        "give a reason to convene an ALV"),
    ("item: unknown kind", lambda w: (
        "alv", "item", w.past_alv, "--title", "T", "--kind", "speech", "--reason", "r"),
        OFFICER, 2, "unknown item kind 'speech'"),
    ("item: malformed subject", lambda w: (
        "alv", "item", w.past_alv, "--title", "T", "--subject", B, "--reason", "r"), OFFICER, 2,
        "malformed subject id"),
    ("item: malformed ALV", lambda w: ("alv", "item", B, "--title", "T", "--reason", "r"),
        OFFICER, 2, "malformed ALV id"),
    ("item: unknown ALV", lambda w: ("alv", "item", UNKNOWN, "--title", "T", "--reason", "r"),
        OFFICER, 3, "unknown ALV"),
    ("item: no reason", lambda w: ("alv", "item", w.past_alv, "--title", "T"), OFFICER, 2,
        "give a reason to add an agenda item"),
    ("vote: pct and weights", lambda w: (
        "alv", "vote", w.past_alv, "--item", "1", "--yes-pct", "60", "--yes-weight", "6",
        "--no-weight", "4", "--reason", "r"), OFFICER, 2, "one of them"),
    ("vote: pct and outcome", lambda w: (
        "alv", "vote", w.past_alv, "--item", "1", "--yes-pct", "60", "--outcome", "adopted",
        "--reason", "r"), OFFICER, 2, "one of them"),
    ("vote: 101%", lambda w: (
        "alv", "vote", w.past_alv, "--item", "1", "--yes-pct", "101", "--reason", "r"),
        OFFICER, 2, "between 0 and 100"),
    ("vote: abc%", lambda w: (
        "alv", "vote", w.past_alv, "--item", "1", "--yes-pct", "abc", "--reason", "r"),
        OFFICER, 2, "a percentage like 93.4"),
    ("vote: NaN%", lambda w: (
        "alv", "vote", w.past_alv, "--item", "1", "--yes-pct", "NaN", "--reason", "r"),
        OFFICER, 2, "between 0 and 100"),
    ("vote: unknown item", lambda w: (
        "alv", "vote", w.past_alv, "--item", "9", "--yes-pct", "60", "--reason", "r"), OFFICER,
        2, "has no agenda item 9"),
    ("vote: before the meeting", lambda w: (
        "alv", "vote", w.future_alv, "--item", "1", "--yes-pct", "60", "--reason", "r"),
        OFFICER, 4, "it cannot vote before that"),
    ("vote: unknown ALV", lambda w: (
        "alv", "vote", UNKNOWN, "--item", "1", "--yes-pct", "60", "--reason", "r"), OFFICER, 3,
        "unknown ALV"),
    ("vote: no reason", lambda w: ("alv", "vote", w.past_alv, "--item", "1", "--yes-pct", "60"),
        OFFICER, 2, "give a reason to record a vote"),
    ("hold: no reason", lambda w: ("alv", "hold", w.past_alv), OFFICER, 2,
        "give a reason to record the ALV as held"),
    ("hold: unknown ALV", lambda w: ("alv", "hold", UNKNOWN, "--reason", "r"), OFFICER, 3,
        "unknown ALV"),
    ("close: no reason", lambda w: ("alv", "close", w.past_alv), OFFICER, 2,
        "give a reason to close the ALV"),
    ("close: malformed ALV", lambda w: ("alv", "close", B, "--reason", "r"), OFFICER, 2,
        "malformed ALV id"),
    ("alv show: unknown", lambda w: ("alv", "show", UNKNOWN), None, 3, "unknown ALV"),
    # views
    ("status: as-of not a date", lambda w: ("status", "--as-of", "yesterday"), None, 2,
        "needs a date and a time"),
    ("status: as-of month 13", lambda w: ("status", "--as-of", "2025-13-01"), None, 2,
        "is not an ISO date-time"),
    ("status: unknown zone", lambda w: ("status", "--tz", "Mars/Olympus"), None, 2,
        "unknown time zone"),
    ("timeline: malformed id", lambda w: ("timeline", B), None, 2, "malformed process id"),
    ("timeline: unknown zone", lambda w: ("timeline", "--tz", "Mars/Olympus"), None, 2,
        "unknown time zone"),
    ("history: malformed id", lambda w: ("history", B), None, 2, "malformed aggregate id"),
    ("history: unknown id", lambda w: ("history", UNKNOWN), None, 3, "unknown aggregate"),
    ("history: as-of and version", lambda w: (
        "history", w.signing, "--as-of", "2099-01-01", "--version", "1"), None, 2,
        "not both"),
    ("history: version too high", lambda w: ("history", w.signing, "--version", "99"), None, 2,
        "has versions 1..1"),
    ("history: before it existed", lambda w: ("history", w.signing, "--as-of", "2000-01-01"),
        None, 3, "did not exist yet"),
    ("history: malformed as-of", lambda w: ("history", w.signing, "--as-of", "2025-02-30"),
        None, 2, "is not an ISO date-time"),
    ("deadlines: unknown zone", lambda w: ("deadlines", "--tz", "Mars/Olympus"), None, 2,
        "unknown time zone"),
    ("actions: unknown zone", lambda w: ("actions", "--tz", "Mars/Olympus"), None, 2,
        "unknown time zone"),
    # who acts
    ("no actor", lambda w: ("alv", "hold", w.past_alv, "--reason", "r"), None, 2,
        "say who acts"),
    ("unknown role", lambda w: ("alv", "hold", w.past_alv, "--reason", "r"), "mayor:x", 2,
        "unknown role 'mayor'"),
    ("secretary of no municipality", lambda w: ("alv", "hold", w.past_alv, "--reason", "r"),
        "secretary:Harlingen", 2, "write secretary:GMxxxx"),
]
# fmt: on


@pytest.mark.parametrize(
    ("args", "actor", "exit_code", "text"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_is_refused_with_one_line_and_nothing_written(
    world: World, args: Args, actor: str | None, exit_code: int, text: str
) -> None:
    fingerprint = world.cli.log_fingerprint()
    refused(world.cli(*args(world), actor=actor), exit_code, text)
    assert world.cli.log_fingerprint() == fingerprint


def test_refusals_of_process_commands_are_one_json_line_with_json(world: World) -> None:
    run = world.cli(
        "board",
        "decide",
        world.pending,
        "--decision",
        "ratify",
        "--reason",
        "r",
        "--json",
        actor=BOARD,
    )
    assert run.exit_code == 4
    error = json.loads(run.stderr)
    assert error["error"]["code"] == "ratification_state"
    assert "there is no advice" in error["error"]["message"]


@pytest.mark.parametrize(
    "args",
    [
        ("agreement", "list"),
        ("agreement", "show", "IZA"),
        ("resolution", "list"),
        ("udo", "list"),
        ("signing", "list"),
        ("board", "list"),
        ("alv", "list"),
        ("status",),
        ("timeline",),
        ("history", UNKNOWN),
        ("deadlines",),
        ("actions",),
    ],
    ids=" ".join,
)
def test_views_on_a_missing_store_are_refused_without_creating_it(
    cli: Cli, args: tuple[str, ...]
) -> None:
    refused(cli(*args), 3, "no akkoord store")
    assert not cli.data_dir.exists()


# Regressions: bugs found while writing these tests, fixed since -----------------------------


def test_a_contradicting_announced_alv_vote_is_refused(cli: Cli) -> None:
    assembly = convene(cli, moment(minutes=-1))
    ok(cli("alv", "item", assembly, "--title", "Motie", "--reason", "r", actor=OFFICER))
    vote = ("alv", "vote", assembly, "--item", "1", "--reason", "r")
    ok(cli(*vote, "--outcome", "adopted", actor=OFFICER))
    fingerprint = cli.log_fingerprint()
    run = cli(*vote, "--outcome", "rejected", actor=OFFICER)
    assert cli.log_fingerprint() == fingerprint
    assert data(cli, "alv", "show", assembly)["items"][0]["adopted"] is True
    refused(run, 4, "was voted on already")


@pytest.mark.parametrize("process", ["alv", "resolution"])
def test_an_announced_outcome_has_no_percentage_in_json(cli: Cli, process: str) -> None:
    if process == "alv":
        assembly = convene(cli, moment(minutes=-1))
        ok(cli("alv", "item", assembly, "--title", "Motie", "--reason", "r", actor=OFFICER))
        args: tuple[str, ...] = ("alv", "vote", assembly, "--item", "1")
    else:
        ok(cli("members", "load", actor=OFFICER))
        rid = data(cli, "resolution", "table", "--title", "M", "--reason", "r", actor=OFFICER)
        args = ("resolution", "decide", rid["id"])
    result = data(cli, *args, "--outcome", "adopted", "--reason", "r", actor=OFFICER)
    assert result["yes_pct"] is None
    human = cli(*args, "--outcome", "adopted", "--reason", "r", actor=OFFICER).stdout
    assert "None" not in human


@pytest.mark.parametrize("actor", ["system:scheduler", "system:workflow"])
def test_a_person_cannot_act_as_the_system(cli: Cli, actor: str) -> None:
    ok(cli("members", "load", actor=OFFICER))
    consultation = open_consultation(cli, moment(days=3))
    fingerprint = cli.log_fingerprint()
    run = cli("consultation", "close", consultation, "--reason", "r", actor=actor)
    assert cli.log_fingerprint() == fingerprint
    assert run.exit_code in (2, 5), run.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("alv", "vote", UNKNOWN, "--item", "first", "--yes-pct", "60", "--reason", "r"),
        ("resolution", "meet", UNKNOWN, "--condition", "1", "--reason", "r"),
        ("history", UNKNOWN, "--version", "0"),
    ],
    ids=["non-integer item", "missing --evidence", "version 0"],
)
def test_usage_errors_are_one_error_line(cli: Cli, args: tuple[str, ...]) -> None:
    ok(cli("members", "load", actor=OFFICER))
    refused(cli(*args, actor=OFFICER), 2, "")
