"""The board ratifies a consultation's outcome: it may follow the advice or depart from it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.aggregate import GovernanceAggregate
from domain.errors import ConflictError, InvalidInputError, NotFoundError
from domain.rules import (
    WeightedResult,
    agreement_code,
    party_name,
    require_aware,
    require_reason,
    require_text,
)


class Decision(StrEnum):
    RATIFY = "ratify"
    REJECT = "reject"
    REFER = "refer"  # to the ALV, whose vote then decides

    @classmethod
    def parse(cls, text: str) -> Decision:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise InvalidInputError(
                f"a board decision is ratify, reject or refer, not {text!r}"
            ) from None


class UnknownRatificationError(NotFoundError):
    code = "unknown_ratification"


class RatificationStateError(ConflictError):
    code = "ratification_state"


class BoardRatification(GovernanceAggregate):
    class Scheduled(Aggregate.Created):
        title: str
        scheduled_for: datetime
        timezone: str
        consultation_id: str
        party: str
        agreements: list[str]
        signing_ids: list[str]
        actor: str
        reason: str
        at: datetime

    class AdviceReceived(Aggregate.Event):
        advice: str  # "positive", "negative" or "none" (nobody voted)
        yes_pct: Decimal | None
        cause: str
        actor: str
        reason: str
        at: datetime

    class Decided(Aggregate.Event):
        decision: str
        follows_advice: bool
        rationale: str
        assembly_id: str
        actor: str
        reason: str
        at: datetime

    class SettledByAssembly(Aggregate.Event):
        ratified: bool
        yes_pct: Decimal | None
        cause: str
        actor: str
        reason: str
        at: datetime

    class DueNotified(Aggregate.Event):
        actor: str
        at: datetime

    class Communicated(Aggregate.Event):
        to: list[str]
        reference: str
        actor: str
        reason: str
        at: datetime

    title: str
    scheduled_for: datetime
    consultation_id: str
    party: str
    agreements: list[str]
    signing_ids: list[str]
    advice: str
    decision: str
    outcome: str  # "", "ratified", "rejected"
    communicated: bool
    due_notified: bool

    @classmethod
    def schedule(
        cls,
        *,
        title: str,
        scheduled_for: datetime,
        timezone: str,
        consultation_id: str,
        party: str,
        agreements: list[str],
        signing_ids: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> BoardRatification:
        require_aware(scheduled_for, "the date of the ratification")
        if not agreements:
            raise InvalidInputError("a ratification names the agreements it decides on")
        return cls(
            title=require_text(title, "the title", 300),
            scheduled_for=scheduled_for,
            timezone=timezone,
            consultation_id=consultation_id,
            party=party_name(party),
            agreements=[agreement_code(a) for a in agreements],
            signing_ids=signing_ids,
            actor=actor,
            reason=require_reason(reason, "schedule a ratification"),
            at=at,
        )

    @event(Scheduled)
    def __init__(
        self,
        title: str,
        scheduled_for: datetime,
        timezone: str,
        consultation_id: str,
        party: str,
        agreements: list[str],
        signing_ids: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.title = title
        self.scheduled_for = scheduled_for
        self.consultation_id = consultation_id
        self.party = party
        self.agreements = agreements
        self.signing_ids = signing_ids
        self.advice = ""
        self.decision = ""
        self.outcome = ""
        self.communicated = False
        self.due_notified = False

    def receive_advice(
        self, result: WeightedResult | None, *, cause: str, actor: str, at: datetime
    ) -> bool:
        if self.advice:
            return False
        advice = "none" if result is None else ("positive" if result.adopted else "negative")
        self._advice_received(
            advice=advice,
            yes_pct=None if result is None else result.yes_pct,
            cause=cause,
            actor=actor,
            reason="the consultation closed",
            at=at,
        )
        return True

    def decide(
        self,
        decision: Decision,
        *,
        rationale: str,
        actor: str,
        reason: str,
        at: datetime,
        assembly_id: str = "",
    ) -> None:
        require_aware(at, "now")
        if not self.advice:
            raise RatificationStateError(
                f"ratification {self.id}: the consultation has not closed yet, there is no advice"
            )
        if self.decision:
            raise RatificationStateError(
                f"ratification {self.id} was decided already ({self.decision})"
            )
        follows = (decision is Decision.RATIFY and self.advice == "positive") or (
            decision is Decision.REJECT and self.advice == "negative"
        )
        if not follows and not rationale.strip():
            raise InvalidInputError(
                f"the advice was {self.advice}: a decision to {decision.value} needs a rationale"
            )
        if decision is Decision.REFER and not assembly_id:
            raise InvalidInputError("a referral names the ALV it goes to")
        self._decided(
            decision=decision.value,
            follows_advice=follows,
            rationale=rationale.strip(),
            assembly_id=assembly_id if decision is Decision.REFER else "",
            actor=actor,
            reason=require_reason(reason, "record the board's decision"),
            at=at,
        )

    def settle_by_assembly(
        self, result: WeightedResult, *, cause: str, actor: str, at: datetime
    ) -> bool:
        if self.decision != Decision.REFER.value:
            raise RatificationStateError(f"ratification {self.id} was not referred to the ALV")
        if self.outcome:
            if self.outcome == ("ratified" if result.adopted else "rejected"):
                return False
            raise RatificationStateError(f"ratification {self.id} was settled already")
        self._settled(
            ratified=result.adopted,
            yes_pct=result.yes_pct,
            cause=cause,
            actor=actor,
            reason="the ALV voted on the referred ratification",
            at=at,
        )
        return True

    def notify_due(self, *, actor: str, at: datetime) -> bool:
        """Record the "ratification due" reminder once; nothing once the board has decided."""
        if self.decision or self.due_notified:
            return False
        self._due_notified(actor=actor, at=at)
        return True

    def communicate(
        self, *, to: list[str], reference: str, actor: str, reason: str, at: datetime
    ) -> None:
        if not self.outcome:
            raise RatificationStateError(
                f"ratification {self.id} has no outcome to communicate yet"
            )
        if self.communicated:
            raise RatificationStateError(f"ratification {self.id} was communicated already")
        self._communicated(
            to=[require_text(t, "an addressee", 80) for t in to] or ["members"],
            reference=require_text(reference, "the reference", 200),
            actor=actor,
            reason=require_reason(reason, "communicate the decision"),
            at=at,
        )

    @event(AdviceReceived)
    def _advice_received(
        self,
        advice: str,
        yes_pct: Decimal | None,
        cause: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.advice = advice

    @event(Decided)
    def _decided(
        self,
        decision: str,
        follows_advice: bool,
        rationale: str,
        assembly_id: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.decision = decision
        if decision == Decision.RATIFY.value:
            self.outcome = "ratified"
        elif decision == Decision.REJECT.value:
            self.outcome = "rejected"

    @event(SettledByAssembly)
    def _settled(
        self,
        ratified: bool,
        yes_pct: Decimal | None,
        cause: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.outcome = "ratified" if ratified else "rejected"

    @event(DueNotified)
    def _due_notified(self, actor: str, at: datetime) -> None:
        self.due_notified = True

    @event(Communicated)
    def _communicated(
        self, to: list[str], reference: str, actor: str, reason: str, at: datetime
    ) -> None:
        self.communicated = True

    def summary(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "title": self.title,
            "scheduled_for": self.scheduled_for.isoformat(),
            "consultation_id": self.consultation_id,
            "party": self.party,
            "agreements": list(self.agreements),
            "signing_ids": list(self.signing_ids),
            "advice": self.advice or "pending",
            "decision": self.decision or "pending",
            "outcome": self.outcome or "pending",
            "communicated": self.communicated,
        }
