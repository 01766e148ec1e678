"""Commands and queries on the board's ratifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.agreement import Agreement, UnknownAgreementError, agreement_id
from domain.board_ratification import BoardRatification, Decision, UnknownRatificationError
from domain.conditional_signing import ConditionalSigning
from domain.consultation import Consultation
from domain.errors import UnknownConsultationError
from domain.general_assembly import GeneralAssembly, UnknownAssemblyError
from workflows.base import ProcessService
from workflows.signings import unknown_signing

RATIFICATION_SCHEDULED = get_topic(BoardRatification.Scheduled)


def unknown_ratification(ratification_id: UUID) -> UnknownRatificationError:
    return UnknownRatificationError(f"unknown ratification {ratification_id}")


class RatificationService(ProcessService):
    def schedule_ratification(
        self,
        *,
        title: str,
        scheduled_for: datetime,
        timezone: str,
        consultation_id: UUID,
        party: str,
        agreements: list[str],
        signing_ids: list[UUID],
        actor: Actor,
        reason: str,
    ) -> UUID:
        actor.require(Role.OFFICER, doing="schedule a ratification")
        self._load(
            Consultation,
            consultation_id,
            UnknownConsultationError(f"unknown consultation {consultation_id}"),
        )
        for sid in signing_ids:
            self._load(ConditionalSigning, sid, unknown_signing(sid))
        for code in agreements:
            self._load(
                Agreement, agreement_id(code), UnknownAgreementError(f"unknown agreement {code!r}")
            )
        ratification = BoardRatification.schedule(
            title=title,
            scheduled_for=scheduled_for,
            timezone=timezone,
            consultation_id=str(consultation_id),
            party=party,
            agreements=agreements,
            signing_ids=[str(s) for s in signing_ids],
            actor=str(actor),
            reason=reason,
            at=self.clock.now(),
        )
        self.save(ratification)
        return ratification.id

    def decide_ratification(
        self,
        ratification_id: UUID,
        *,
        decision: Decision,
        rationale: str,
        actor: Actor,
        reason: str,
        assembly_id: UUID | None = None,
    ) -> None:
        actor.require(Role.BOARD, doing="record the board's decision")
        if assembly_id is not None:
            self._load(
                GeneralAssembly, assembly_id, UnknownAssemblyError(f"unknown ALV {assembly_id}")
            )
        now = self.clock.now()
        self._change(
            BoardRatification,
            ratification_id,
            unknown_ratification(ratification_id),
            lambda r: r.decide(
                decision,
                rationale=rationale,
                actor=str(actor),
                reason=reason,
                at=now,
                assembly_id=str(assembly_id) if assembly_id else "",
            ),
        )

    def communicate_ratification(
        self, ratification_id: UUID, *, to: list[str], reference: str, actor: Actor, reason: str
    ) -> None:
        actor.require(Role.OFFICER, doing="communicate a decision")
        now = self.clock.now()
        self._change(
            BoardRatification,
            ratification_id,
            unknown_ratification(ratification_id),
            lambda r: r.communicate(
                to=to, reference=reference, actor=str(actor), reason=reason, at=now
            ),
        )

    def get_ratification(self, ratification_id: UUID) -> dict[str, Any]:
        return self._load(
            BoardRatification, ratification_id, unknown_ratification(ratification_id)
        ).summary()

    def list_ratifications(self) -> list[dict[str, Any]]:
        return [r.summary() for r in self.aggregates_of(BoardRatification, RATIFICATION_SCHEDULED)]
