"""Commands and queries on the agreements and the status of their parties."""

from __future__ import annotations

from typing import Any

from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.agreement import Agreement, PartyStatus, UnknownAgreementError, agreement_id
from domain.errors import ConflictError
from domain.messages import N_
from workflows.base import ProcessService

AGREEMENT_REGISTERED = get_topic(Agreement.Registered)


def _unknown(code: str) -> UnknownAgreementError:
    return UnknownAgreementError(N_("unknown agreement %(code)r", code=code))


class AgreementService(ProcessService):
    def register_agreement(
        self,
        *,
        code: str,
        name: str,
        full_name: str,
        term: str,
        signing_parties: list[str],
        involved_parties: list[str],
        relations: list[dict[str, str]],
        actor: Actor,
        reason: str,
    ) -> str:
        actor.require(Role.OFFICER, doing="register an agreement")
        agreement = Agreement.register(
            code=code,
            name=name,
            full_name=full_name,
            term=term,
            signing_parties=signing_parties,
            involved_parties=involved_parties,
            relations=relations,
            actor=str(actor),
            reason=reason,
            at=self.clock.now(),
        )
        if self._find(Agreement, agreement.id) is not None:
            raise ConflictError(
                N_("agreement %(agreement)s is registered already", agreement=agreement.code)
            )
        for relation in agreement.relations:
            self._load(
                Agreement, agreement_id(relation["agreement"]), _unknown(relation["agreement"])
            )
        self.save(agreement)
        return agreement.code

    def change_party_status(
        self,
        code: str,
        *,
        parties: list[str],
        status: PartyStatus,
        actor: Actor,
        reason: str,
        detail: str = "",
    ) -> list[str]:
        """Record where parties stand (e.g. all signed on 8 Sep); returns the parties that moved."""
        actor.require(Role.OFFICER, doing="record an agreement status")
        now = self.clock.now()

        def change(agreement: Agreement) -> list[str]:
            return [
                party
                for party in parties
                if agreement.change_status(
                    party, status, actor=str(actor), reason=reason, at=now, detail=detail
                )
            ]

        return self._change(Agreement, agreement_id(code), _unknown(code), change)

    def add_party(self, code: str, *, party: str, signing: bool, actor: Actor, reason: str) -> None:
        actor.require(Role.OFFICER, doing="add a party to an agreement")
        now = self.clock.now()
        self._change(
            Agreement,
            agreement_id(code),
            _unknown(code),
            lambda a: a.add_party(party, signing=signing, actor=str(actor), reason=reason, at=now),
        )

    def get_agreement(self, code: str) -> dict[str, Any]:
        return self._load(Agreement, agreement_id(code), _unknown(code)).summary()

    def list_agreements(self) -> list[dict[str, Any]]:
        found = [a.summary() for a in self.aggregates_of(Agreement, AGREEMENT_REGISTERED)]
        return sorted(found, key=lambda a: str(a["code"]))
