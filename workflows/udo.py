"""Commands and queries on UDOs (implementation tests of draft agreements)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.agreement import Agreement, UnknownAgreementError, agreement_id
from domain.implementation_test import ImplementationTest, UnknownImplementationTestError
from domain.messages import N_
from workflows.base import ProcessService

UDO_COMMISSIONED = get_topic(ImplementationTest.Commissioned)


def _unknown(udo_id: UUID) -> UnknownImplementationTestError:
    return UnknownImplementationTestError(N_("unknown UDO %(udo_id)s", udo_id=udo_id))


class ImplementationTestService(ProcessService):
    def commission_udo(
        self, *, agreement: str, title: str, executed_by: list[str], actor: Actor, reason: str
    ) -> UUID:
        actor.require(Role.OFFICER, doing="commission a UDO")
        self._load(
            Agreement,
            agreement_id(agreement),
            UnknownAgreementError(N_("unknown agreement %(agreement)r", agreement=agreement)),
        )
        udo = ImplementationTest.commission(
            agreement=agreement,
            title=title,
            executed_by=executed_by,
            actor=str(actor),
            reason=reason,
            at=self.clock.now(),
        )
        self.save(udo)
        return udo.id

    def add_udo_participants(
        self, udo_id: UUID, *, members: list[str], actor: Actor, reason: str
    ) -> int:
        actor.require(Role.OFFICER, doing="add UDO participants")
        now = self.clock.now()
        return self._change(
            ImplementationTest,
            udo_id,
            _unknown(udo_id),
            lambda u: u.add_participants(members, actor=str(actor), reason=reason, at=now),
        )

    def record_critical_point(
        self, udo_id: UUID, *, title: str, description: str, actor: Actor, reason: str
    ) -> int:
        actor.require(Role.OFFICER, doing="record a critical point")
        now = self.clock.now()
        return self._change(
            ImplementationTest,
            udo_id,
            _unknown(udo_id),
            lambda u: u.find_critical_point(
                title=title, description=description, actor=str(actor), reason=reason, at=now
            ),
        )

    def record_process_agreement(
        self, udo_id: UUID, *, point: int, parties: list[str], text: str, actor: Actor, reason: str
    ) -> None:
        actor.require(Role.OFFICER, doing="record a process agreement")
        now = self.clock.now()
        self._change(
            ImplementationTest,
            udo_id,
            _unknown(udo_id),
            lambda u: u.make_process_agreement(
                point, parties=parties, text=text, actor=str(actor), reason=reason, at=now
            ),
        )

    def complete_udo(self, udo_id: UUID, *, summary: str, actor: Actor, reason: str) -> None:
        actor.require(Role.OFFICER, doing="complete a UDO")
        now = self.clock.now()
        self._change(
            ImplementationTest,
            udo_id,
            _unknown(udo_id),
            lambda u: u.complete(summary=summary, actor=str(actor), reason=reason, at=now),
        )

    def present_udo(self, udo_id: UUID, *, reference: str, actor: Actor, reason: str) -> None:
        actor.require(Role.OFFICER, doing="present a UDO to the members")
        now = self.clock.now()
        self._change(
            ImplementationTest,
            udo_id,
            _unknown(udo_id),
            lambda u: u.present(reference=reference, actor=str(actor), reason=reason, at=now),
        )

    def get_udo(self, udo_id: UUID) -> dict[str, Any]:
        return self._load(ImplementationTest, udo_id, _unknown(udo_id)).summary()

    def list_udos(self) -> list[dict[str, Any]]:
        return [u.summary() for u in self.aggregates_of(ImplementationTest, UDO_COMMISSIONED)]
