"""Small rules every process shares: aware times, reasons, names, weighted results."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from domain.errors import InvalidDeadlineError, InvalidInputError, MissingReasonError
from domain.messages import N_

_CODE = re.compile(r"^[A-Z][A-Z0-9&+-]{0,15}$")


def require_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidDeadlineError(N_("%(what)s must carry a time zone", what=what))


def require_reason(reason: str, doing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise MissingReasonError(N_("give a reason to %(doing)s", doing=doing))
    return reason


def require_text(text: str, what: str, limit: int = 2000) -> str:
    text = text.strip()
    if not text or len(text) > limit:
        raise InvalidInputError(
            N_("%(what)s must be 1..%(limit)s characters", what=what, limit=limit)
        )
    return text


def agreement_code(text: str) -> str:
    code = text.strip().upper()
    if not _CODE.match(code):
        raise InvalidInputError(N_("malformed agreement code %(text)r (e.g. AZWA)", text=text))
    return code


def party_name(text: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > 80:
        raise InvalidInputError(N_("malformed party name %(text)r", text=text))
    return name


@dataclass(frozen=True)
class WeightedResult:
    """A vote's outcome: from counted weights, or only the percentage a meeting published."""

    yes_pct: Decimal | None
    yes_weight: int | None = None
    no_weight: int | None = None
    declared: bool | None = None  # the outcome as announced, when no figure was published

    @classmethod
    def from_weights(cls, yes_weight: int, no_weight: int) -> WeightedResult:
        if yes_weight < 0 or no_weight < 0 or yes_weight + no_weight == 0:
            raise InvalidInputError(
                N_("a weighted result needs non-negative weights, not both zero")
            )
        pct = (Decimal(100) * yes_weight / (yes_weight + no_weight)).quantize(Decimal("0.01"))
        return cls(yes_pct=pct, yes_weight=yes_weight, no_weight=no_weight)

    @classmethod
    def published(cls, yes_pct: str | Decimal | float) -> WeightedResult:
        try:
            pct = Decimal(str(yes_pct).strip().rstrip("%"))
        except InvalidOperation:
            raise InvalidInputError(
                N_("a percentage like 93.4, not %(yes_pct)r", yes_pct=yes_pct)
            ) from None
        if not pct.is_finite() or not Decimal(0) <= pct <= Decimal(100):
            raise InvalidInputError(
                N_("a percentage is between 0 and 100, not %(yes_pct)r", yes_pct=yes_pct)
            )
        return cls(yes_pct=pct)

    @classmethod
    def announced(cls, adopted: bool) -> WeightedResult:
        """Only the outcome is known (e.g. "motie Apeldoorn aangenomen")."""
        return cls(yes_pct=None, declared=adopted)

    @property
    def adopted(self) -> bool:
        """A simple majority of the weighted votes cast (judged on the weights when known, since
        the rounded percentage can hide a majority of one vote in a large electorate)."""
        if self.yes_weight is not None and self.no_weight is not None:
            return self.yes_weight > self.no_weight
        if self.yes_pct is not None:
            return self.yes_pct > Decimal(50)
        return bool(self.declared)

    def describe(self) -> str:
        outcome = "adopted" if self.adopted else "rejected"
        return outcome if self.yes_pct is None else f"{outcome} with {self.yes_pct}%"
