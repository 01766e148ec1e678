"""`akkoord demo`: the ledenraadpleging of 10 Sep - 22 Oct 2025 on a simulated clock.

The real per-municipality ballots are not public, so the ballots here are synthetic: drawn from
a seeded generator to resemble what the press reported (about 257 of 342 took part, about 97%
in favour). Every synthetic explanation says so in its text.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from adapters.bootstrap import Engine
from adapters.members_csv import read_members_csv, shipped_members_path
from domain.actor import SCHEDULER, Actor, Role
from workflows.clock import SimulatedClock

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MEMBERS_LOADED = datetime(2025, 9, 1, 9, 0, tzinfo=AMSTERDAM)
OPENS = datetime(2025, 9, 10, 9, 0, tzinfo=AMSTERDAM)
CLOSES = datetime(2025, 10, 22, 16, 0, tzinfo=AMSTERDAM)
OFFICER = Actor(Role.OFFICER, "vng.bestuurssecretariaat")

TITLE = "Ledenraadpleging AZWA en HLO"
QUESTION = (
    "Stemt u in met ondertekening van het AZWA en het HLO? Met de ondertekening van het AZWA "
    "stemt u ook in met de voortzetting van deelname van gemeenten aan het IZA."
)
COMMENTS = (
    "(synthetic) Instemming, met zorgen over gelijkwaardigheid in de praktijk.",
    "(synthetic) Instemming; de financiering op lange termijn blijft een punt van zorg.",
    "(synthetic) Instemming, mits de uitvoerbaarheid lokaal en regionaal wordt bewaakt.",
    "(synthetic) Geen instemming: de structurele middelen zijn onvoldoende geborgd.",
)


@dataclass(frozen=True)
class SyntheticBallot:
    at: datetime
    member: str
    choice: str
    explanation: str


def synthetic_ballots(
    members: list[str], seed: int, turnout: float = 0.75, in_favour: float = 0.97
) -> list[SyntheticBallot]:
    """Seeded ballots for `members`, in time order, with a few re-casts."""
    rng = random.Random(seed)
    voters = rng.sample(sorted(members), round(len(members) * turnout))
    span = (CLOSES - OPENS).total_seconds()
    ballots: list[SyntheticBallot] = []
    for code in voters:
        at = OPENS + timedelta(seconds=rng.uniform(0, span - 1))
        choice = "yes" if rng.random() < in_favour else "no"
        comment = rng.choice(COMMENTS[:3] if choice == "yes" else COMMENTS[3:])
        explanation = comment if rng.random() < 0.3 else ""
        if rng.random() < 0.05:  # changed its mind later: the later ballot counts
            first = "no" if choice == "yes" else "yes"
            ballots.append(SyntheticBallot(at, code, first, ""))
            at = at + (CLOSES - at) * rng.uniform(0.1, 0.9)
        ballots.append(SyntheticBallot(at, code, choice, explanation))
    return sorted(ballots, key=lambda b: (b.at, b.member))


@dataclass(frozen=True)
class DemoResult:
    consultation_id: UUID
    ballots: int
    members: int


def run_consultation_story(
    e: Engine, clock: SimulatedClock, seed: int, progress: Callable[[int, int], None]
) -> DemoResult:
    clock.set(MEMBERS_LOADED)
    facts = read_members_csv(shipped_members_path())
    e.app.load_members(facts, actor=OFFICER, reason="CBS population on 1 January 2024")
    clock.set(OPENS)
    cid = e.app.open_consultation(
        title=TITLE,
        question=QUESTION,
        agreements=["AZWA", "HLO", "IZA"],
        opens_at=OPENS,
        closes_at=CLOSES,
        timezone="Europe/Amsterdam",
        actor=OFFICER,
        reason="Ledenbrief Lbr. 25/041 van 10 september 2025",
    )
    ballots = synthetic_ballots([f.code for f in facts], seed)
    for done, ballot in enumerate(ballots, start=1):
        clock.set(ballot.at)
        e.app.cast_ballot(
            cid,
            member=ballot.member,
            choice=ballot.choice,
            explanation=ballot.explanation,
            actor=Actor(Role.SECRETARY, ballot.member),
        )
        progress(done, len(ballots))
    # The deadline closes through the command the scheduler fires.
    clock.set(CLOSES)
    e.app.close_consultation(cid, actor=SCHEDULER, rule="closes_at")
    e.catch_up()
    return DemoResult(consultation_id=cid, ballots=len(ballots), members=len(facts))
