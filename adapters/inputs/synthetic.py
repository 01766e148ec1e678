"""Synthetic ballots for scenarios and the demo.

The real per-municipality ballots of the 2025 ledenraadpleging are not public, so a scenario
draws them from a seeded generator shaped like what the press reported (about 257 of 342 took
part, about 97% in favour). Every synthetic explanation says "(synthetic)" in its text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

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
    members: list[str],
    seed: int,
    turnout: float,
    in_favour: float,
    *,
    opens: datetime,
    closes: datetime,
) -> list[SyntheticBallot]:
    """Seeded ballots for `members` between `opens` and `closes`, in time order, a few re-cast."""
    rng = random.Random(seed)
    voters = rng.sample(sorted(members), round(len(members) * turnout))
    span = (closes - opens).total_seconds()
    ballots: list[SyntheticBallot] = []
    for code in voters:
        at = opens + timedelta(seconds=rng.uniform(0, span - 1))
        choice = "yes" if rng.random() < in_favour else "no"
        comment = rng.choice(COMMENTS[:3] if choice == "yes" else COMMENTS[3:])
        explanation = comment if rng.random() < 0.3 else ""
        if rng.random() < 0.05:  # changed its mind later: the later ballot counts
            first = "no" if choice == "yes" else "yes"
            ballots.append(SyntheticBallot(at, code, first, ""))
            at = at + (closes - at) * rng.uniform(0.1, 0.9)
        ballots.append(SyntheticBallot(at, code, choice, explanation))
    return sorted(ballots, key=lambda b: (b.at, b.member))
