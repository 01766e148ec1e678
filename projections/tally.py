"""The tally of a ledenraadpleging, kept up to date one ballot at a time.

Every ballot costs the same constant work (one voter row, one consultation row, one province
row), so the tally of an electorate of any size reads as one row and never needs a recount.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

from domain.consultation import Voter
from domain.voting_rules import BLANK
from projections.topics import Consultation, topic

TOPICS = [
    Consultation.Opened,
    Consultation.BallotCast,
    Consultation.BallotRecast,
    Consultation.Extended,
    Consultation.Closed,
    Consultation.Cancelled,
]


@dataclass(frozen=True)
class Delta:
    yes_weight: int = 0
    no_weight: int = 0
    yes_members: int = 0
    no_members: int = 0
    # A blank vote counts for turnout only; any other option (A, B, C ...) in the percentages.
    blank_weight: int = 0
    blank_members: int = 0
    other_weight: int = 0
    other_members: int = 0


# The counters of the tally tables, in this order.
COUNTS = (
    "yes_weight",
    "no_weight",
    "yes_members",
    "no_members",
    "blank_weight",
    "blank_members",
    "other_weight",
    "other_members",
)


def kind(choice: str | None) -> str | None:
    """Which counter a standing choice is in: yes, no, blank or other (None: not voted)."""
    if choice is None:
        return None
    return choice if choice in ("yes", "no", BLANK) else "other"


@dataclass(frozen=True)
class StandingVoter:
    province: str
    weight: int
    choice: str | None


class TallyView(Protocol):
    """Where the tally lives; an adapter implements it inside one transaction per batch."""

    def add_consultation(
        self, consultation_id: str, title: str, closes_at: str, voters: list[Voter]
    ) -> None: ...

    def voter(self, consultation_id: str, member: str) -> StandingVoter | None: ...

    def set_ballot(
        self, consultation_id: str, member: str, choice: str, explanation: str, at: str
    ) -> None: ...

    def add(self, consultation_id: str, province: str, delta: Delta) -> None: ...

    def set_state(self, consultation_id: str, **fields: str) -> None: ...


def ballot_delta(previous: str | None, new: str, weight: int) -> Delta:
    before, after = kind(previous), kind(new)
    moved = {k: int(after == k) - int(before == k) for k in ("yes", "no", BLANK, "other")}
    return Delta(
        **{f"{k}_weight": n * weight for k, n in moved.items()},
        **{f"{k}_members": n for k, n in moved.items()},
    )


class TallyProjection:
    name = "tally"
    topics = TOPICS

    def process(self, event: Any, view: TallyView, position: int = 0) -> None:
        t = topic(event)
        cid = str(event.originator_id)
        if t == Consultation.Opened:
            voters = [Voter.from_dict(code, data) for code, data in event.electorate.items()]
            view.add_consultation(cid, event.title, event.closes_at.isoformat(), voters)
        elif t in (Consultation.BallotCast, Consultation.BallotRecast):
            standing = view.voter(cid, event.member)
            if standing is None:  # the aggregate refuses such ballots; never count one
                return
            view.add(
                cid, standing.province, ballot_delta(standing.choice, event.choice, standing.weight)
            )
            view.set_ballot(
                cid, event.member, event.choice, event.explanation, event.at.isoformat()
            )
        elif t == Consultation.Extended:
            view.set_state(cid, closes_at=event.closes_at.isoformat())
        elif t == Consultation.Closed:
            view.set_state(cid, state="closed")
        elif t == Consultation.Cancelled:
            view.set_state(cid, state="cancelled")


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


@dataclass(frozen=True)
class Tally:
    """Only cast votes count: percentages are over the weight of the ballots cast."""

    yes_weight: int
    no_weight: int
    yes_members: int
    no_members: int
    electorate_members: int
    electorate_weight: int
    blank_weight: int = 0
    blank_members: int = 0
    other_weight: int = 0  # options besides yes, no and blank
    other_members: int = 0

    @property
    def voted_members(self) -> int:
        """Turnout: every standing ballot, blank ones included."""
        return self.yes_members + self.no_members + self.blank_members + self.other_members

    @property
    def voted_weight(self) -> int:
        return self.yes_weight + self.no_weight + self.blank_weight + self.other_weight

    @property
    def counted_weight(self) -> int:
        """What the percentages are over: the votes cast for an option, not the blank ones."""
        return self.yes_weight + self.no_weight + self.other_weight

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "voted_members": self.voted_members,
            "voted_weight": self.voted_weight,
            "counted_weight": self.counted_weight,
            "yes_pct": _pct(self.yes_weight, self.counted_weight),
            "no_pct": _pct(self.no_weight, self.counted_weight),
            "turnout_members_pct": _pct(self.voted_members, self.electorate_members),
            "turnout_weight_pct": _pct(self.voted_weight, self.electorate_weight),
        }
