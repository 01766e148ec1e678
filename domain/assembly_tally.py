"""The weighted tally of an ALV agenda item from the votes its members cast in the meeting.

A vote counts with the weight it was cast with: the member's own votes plus those of every member
it held a proxy for at that moment (one vote for all of them; see the README's design notes).
Abstentions are counted and shown, but the percentage is of the yes and no weight only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.errors import InvalidChoiceError
from domain.messages import N_


class AssemblyChoice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"

    @classmethod
    def parse(cls, text: str) -> AssemblyChoice:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise InvalidChoiceError(
                N_("an ALV vote is yes, no or abstain, not %(text)r", text=text)
            ) from None


@dataclass(frozen=True)
class ItemTally:
    yes_weight: int
    no_weight: int
    abstain_weight: int
    voters: int  # members whose own vote was cast (the ones they represent not included)
    represented: int  # members whose weight came with a proxy holder's vote

    @property
    def yes_pct(self) -> Decimal | None:
        """Of the yes and no weight; None when nobody voted yes or no."""
        counted = self.yes_weight + self.no_weight
        if counted == 0:
            return None
        return (Decimal(100) * self.yes_weight / counted).quantize(Decimal("0.01"))

    def as_dict(self) -> dict[str, Any]:
        pct = self.yes_pct
        return {
            "yes_weight": self.yes_weight,
            "no_weight": self.no_weight,
            "abstain_weight": self.abstain_weight,
            "yes_pct": None if pct is None else str(pct),
            "voters": self.voters,
            "represented": self.represented,
        }


def count(votes: Mapping[str, Mapping[str, Any]]) -> ItemTally:
    """`votes`: member code -> {"choice", "weight", "represents"}, the standing vote of each."""
    weights = {choice.value: 0 for choice in AssemblyChoice}
    represented = 0
    for vote in votes.values():
        weights[str(vote["choice"])] += int(vote["weight"])
        represented += len(vote["represents"])
    return ItemTally(
        yes_weight=weights[AssemblyChoice.YES.value],
        no_weight=weights[AssemblyChoice.NO.value],
        abstain_weight=weights[AssemblyChoice.ABSTAIN.value],
        voters=len(votes),
        represented=represented,
    )
