"""An ALV resolution or motion: tabled, voted with weighted votes, and its conditions met."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.aggregate import GovernanceAggregate
from domain.agreement import PartyStatus
from domain.errors import ConflictError, InvalidInputError, NotFoundError
from domain.rules import (
    WeightedResult,
    agreement_code,
    party_name,
    require_aware,
    require_reason,
    require_text,
)


class ResolutionKind(StrEnum):
    RESOLUTION = "resolution"
    MOTION = "motion"


class UnknownResolutionError(NotFoundError):
    code = "unknown_resolution"


class ResolutionStateError(ConflictError):
    code = "resolution_state"


def effect(party: str, agreement: str) -> dict[str, str]:
    """An effect while the conditions are unmet: `party` suspends participation in `agreement`."""
    return {
        "party": party_name(party),
        "agreement": agreement_code(agreement),
        "status": PartyStatus.SUSPENDED.value,
    }


class Resolution(GovernanceAggregate):
    class Tabled(Aggregate.Created):
        kind: str
        title: str
        text: str
        tabled_by: str
        assembly_id: str
        conditions: list[str]
        effects: list[dict[str, str]]
        actor: str
        reason: str
        at: datetime

    class Adopted(Aggregate.Event):
        yes_pct: Decimal | None
        yes_weight: int | None
        no_weight: int | None
        actor: str
        reason: str
        at: datetime

    class Rejected(Aggregate.Event):
        yes_pct: Decimal | None
        yes_weight: int | None
        no_weight: int | None
        actor: str
        reason: str
        at: datetime

    class ConditionMet(Aggregate.Event):
        condition: int
        evidence: str
        actor: str
        reason: str
        at: datetime

    class Fulfilled(Aggregate.Event):
        actor: str
        reason: str
        at: datetime

    kind: str
    title: str
    tabled_by: str
    assembly_id: str
    conditions: list[str]
    effects: list[dict[str, str]]
    outcome: str  # "", "adopted" or "rejected"
    yes_pct: Decimal | None
    met: dict[str, str]  # condition number (as text) -> evidence
    fulfilled: bool

    @classmethod
    def table(
        cls,
        *,
        kind: ResolutionKind,
        title: str,
        text: str,
        tabled_by: str,
        conditions: list[str],
        effects: list[dict[str, str]],
        actor: str,
        reason: str,
        at: datetime,
        assembly_id: str = "",
    ) -> Resolution:
        require_aware(at, "now")
        if effects and not conditions and kind is ResolutionKind.RESOLUTION:
            raise InvalidInputError("an effect lasts until conditions are met: name the conditions")
        return cls(
            kind=kind.value,
            title=require_text(title, "the title", 300),
            text=text.strip(),
            tabled_by=require_text(tabled_by, "who tabled it", 80),
            assembly_id=assembly_id,
            conditions=[require_text(c, "a condition", 500) for c in conditions],
            effects=list(effects),
            actor=actor,
            reason=require_reason(reason, "table a resolution"),
            at=at,
        )

    @event(Tabled)
    def __init__(
        self,
        kind: str,
        title: str,
        text: str,
        tabled_by: str,
        assembly_id: str,
        conditions: list[str],
        effects: list[dict[str, str]],
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.kind = kind
        self.title = title
        self.tabled_by = tabled_by
        self.assembly_id = assembly_id
        self.conditions = conditions
        self.effects = effects
        self.outcome = ""
        self.yes_pct = None
        self.met = {}
        self.fulfilled = False

    def decide(self, result: WeightedResult, *, actor: str, reason: str, at: datetime) -> bool:
        """Record the vote; False when this same outcome was recorded already."""
        require_aware(at, "now")
        outcome = "adopted" if result.adopted else "rejected"
        if self.outcome:
            if self.outcome == outcome and self.yes_pct == result.yes_pct:
                return False
            raise ResolutionStateError(f"resolution {self.id} was {self.outcome} already")
        trigger = self._adopted if result.adopted else self._rejected
        trigger(
            yes_pct=result.yes_pct,
            yes_weight=result.yes_weight,
            no_weight=result.no_weight,
            actor=actor,
            reason=require_reason(reason, "record a vote"),
            at=at,
        )
        return True

    def meet_condition(
        self, number: int, *, evidence: str, actor: str, reason: str, at: datetime
    ) -> bool:
        """Record condition `number` (1-based) as met; the last one fulfils the resolution."""
        require_aware(at, "now")
        if self.outcome != "adopted":
            raise ResolutionStateError(
                f"resolution {self.id} is {self.outcome or 'not voted yet'}: "
                "its conditions do not apply"
            )
        if not 1 <= number <= len(self.conditions):
            raise InvalidInputError(
                f"resolution {self.id} has conditions 1..{len(self.conditions)}, not {number}"
            )
        if str(number) in self.met:
            return False
        self._condition_met(
            condition=number,
            evidence=require_text(evidence, "the evidence"),
            actor=actor,
            reason=require_reason(reason, "meet a condition"),
            at=at,
        )
        if len(self.met) == len(self.conditions):
            self._fulfilled(actor=actor, reason="all conditions met", at=at)
        return True

    @event(Adopted)
    def _adopted(
        self,
        yes_pct: Decimal | None,
        yes_weight: int | None,
        no_weight: int | None,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.outcome = "adopted"
        self.yes_pct = yes_pct

    @event(Rejected)
    def _rejected(
        self,
        yes_pct: Decimal | None,
        yes_weight: int | None,
        no_weight: int | None,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.outcome = "rejected"
        self.yes_pct = yes_pct

    @event(ConditionMet)
    def _condition_met(
        self, condition: int, evidence: str, actor: str, reason: str, at: datetime
    ) -> None:
        self.met[str(condition)] = evidence

    @event(Fulfilled)
    def _fulfilled(self, actor: str, reason: str, at: datetime) -> None:
        self.fulfilled = True

    def summary(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "kind": self.kind,
            "title": self.title,
            "tabled_by": self.tabled_by,
            "outcome": self.outcome or "pending",
            "yes_pct": str(self.yes_pct) if self.yes_pct is not None else None,
            "conditions": [
                {
                    "number": i,
                    "text": c,
                    "met": str(i) in self.met,
                    "evidence": self.met.get(str(i), ""),
                }
                for i, c in enumerate(self.conditions, start=1)
            ],
            "effects": list(self.effects),
            "fulfilled": self.fulfilled,
        }
