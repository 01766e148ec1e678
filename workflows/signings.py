"""Commands and queries on conditional signatures."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.agreement import Agreement, UnknownAgreementError, agreement_id
from domain.conditional_signing import ConditionalSigning, UnknownSigningError
from domain.messages import N_
from workflows.base import ProcessService

SIGNED = get_topic(ConditionalSigning.Signed)


def unknown_signing(signing_id: UUID) -> UnknownSigningError:
    return UnknownSigningError(
        N_("unknown conditional signature %(signing_id)s", signing_id=signing_id)
    )


class SigningService(ProcessService):
    def sign_conditionally(
        self, *, party: str, agreement: str, conditions: list[str], actor: Actor, reason: str
    ) -> UUID:
        actor.require(Role.OFFICER, doing="record a conditional signature")
        target = self._load(
            Agreement,
            agreement_id(agreement),
            UnknownAgreementError(N_("unknown agreement %(agreement)r", agreement=agreement)),
        )
        signing = ConditionalSigning.sign(
            party=party,
            agreement=target.code,
            conditions=conditions,
            actor=str(actor),
            reason=reason,
            at=self.clock.now(),
        )
        target.status_of(signing.party)  # refuses a party the agreement does not have
        self.save(signing)
        return signing.id

    def get_signing(self, signing_id: UUID) -> dict[str, Any]:
        return self._load(ConditionalSigning, signing_id, unknown_signing(signing_id)).summary()

    def list_signings(self) -> list[dict[str, Any]]:
        return [s.summary() for s in self.aggregates_of(ConditionalSigning, SIGNED)]
