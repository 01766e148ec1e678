"""Vote weight: how many votes a municipality of a given size casts.

The members' letter says "one vote per 1,000 inhabitants, at most 75". It does not say how to
round, so the rule is a choice recorded with each consultation (see the README's design notes).
"""

from __future__ import annotations

from enum import StrEnum

from domain.errors import InvalidInputError
from domain.messages import N_

INHABITANTS_PER_VOTE = 1000
MIN_VOTES = 1
MAX_VOTES = 75


class WeightRule(StrEnum):
    CEIL = "ceil"  # one vote per 1,000 inhabitants or part thereof
    FLOOR = "floor"  # whole thousands only
    NEAREST = "nearest"  # rounded to the nearest thousand, halves up

    @classmethod
    def parse(cls, text: str) -> WeightRule:
        try:
            return cls(text.strip().lower())
        except ValueError:
            options = "|".join(r.value for r in cls)
            raise InvalidInputError(
                N_("unknown weight rule %(text)r (use %(options)s)", text=text, options=options)
            ) from None


def vote_weight(inhabitants: int, rule: WeightRule = WeightRule.CEIL) -> int:
    """Votes for a municipality of `inhabitants` people: within MIN_VOTES..MAX_VOTES."""
    if isinstance(inhabitants, bool) or not isinstance(inhabitants, int):
        raise InvalidInputError(
            N_("inhabitants must be a whole number, got %(inhabitants)r", inhabitants=inhabitants)
        )
    if inhabitants < 0:
        raise InvalidInputError(
            N_("inhabitants cannot be negative, got %(inhabitants)s", inhabitants=inhabitants)
        )
    if rule is WeightRule.CEIL:
        votes = -(-inhabitants // INHABITANTS_PER_VOTE)
    elif rule is WeightRule.FLOOR:
        votes = inhabitants // INHABITANTS_PER_VOTE
    else:
        votes = (inhabitants + INHABITANTS_PER_VOTE // 2) // INHABITANTS_PER_VOTE
    return min(MAX_VOTES, max(MIN_VOTES, votes))
