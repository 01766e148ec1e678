"""A signature under reservation: definitive when its conditions hold, withdrawn when one fails."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.aggregate import GovernanceAggregate
from domain.errors import ConflictError, InvalidInputError, NotFoundError
from domain.messages import N_
from domain.rules import agreement_code, party_name, require_aware, require_reason, require_text


class UnknownSigningError(NotFoundError):
    code = "unknown_signing"


class SigningStateError(ConflictError):
    code = "signing_state"


class ConditionalSigning(GovernanceAggregate):
    class Signed(Aggregate.Created):
        party: str
        agreement: str
        conditions: list[str]
        actor: str
        reason: str
        at: datetime

    class MadeDefinitive(Aggregate.Event):
        cause: str
        actor: str
        reason: str
        at: datetime

    class Withdrawn(Aggregate.Event):
        cause: str
        actor: str
        reason: str
        at: datetime

    party: str
    agreement: str
    conditions: list[str]
    state: str  # "conditional", "definitive", "withdrawn"

    @classmethod
    def sign(
        cls,
        *,
        party: str,
        agreement: str,
        conditions: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> ConditionalSigning:
        require_aware(at, "now")
        if not conditions:
            raise InvalidInputError(N_("a conditional signature names its conditions"))
        return cls(
            party=party_name(party),
            agreement=agreement_code(agreement),
            conditions=[require_text(c, "a condition", 500) for c in conditions],
            actor=actor,
            reason=require_reason(reason, "sign conditionally"),
            at=at,
        )

    @event(Signed)
    def __init__(
        self,
        party: str,
        agreement: str,
        conditions: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.party = party
        self.agreement = agreement
        self.conditions = conditions
        self.state = "conditional"

    def make_definitive(self, *, cause: str, actor: str, reason: str, at: datetime) -> bool:
        if self.state == "definitive":
            return False
        if self.state == "withdrawn":
            raise SigningStateError(
                N_("signature %(id)s was withdrawn; it cannot become definitive", id=self.id)
            )
        self._made_definitive(
            cause=cause,
            actor=actor,
            reason=require_reason(reason, "make a signature definitive"),
            at=at,
        )
        return True

    def withdraw(self, *, cause: str, actor: str, reason: str, at: datetime) -> bool:
        if self.state == "withdrawn":
            return False
        if self.state == "definitive":
            raise SigningStateError(
                N_("signature %(id)s is definitive; it cannot be withdrawn", id=self.id)
            )
        self._withdrawn(
            cause=cause, actor=actor, reason=require_reason(reason, "withdraw a signature"), at=at
        )
        return True

    @event(MadeDefinitive)
    def _made_definitive(self, cause: str, actor: str, reason: str, at: datetime) -> None:
        self.state = "definitive"

    @event(Withdrawn)
    def _withdrawn(self, cause: str, actor: str, reason: str, at: datetime) -> None:
        self.state = "withdrawn"

    def summary(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "party": self.party,
            "agreement": self.agreement,
            "conditions": list(self.conditions),
            "state": self.state,
        }
