"""Firing a deadline: the one command the scheduler (and a scenario's simulated clock) issues."""

from __future__ import annotations

from uuid import UUID

from domain.actor import SCHEDULER
from domain.board_ratification import BoardRatification
from domain.commitment import Commitment
from domain.consultation import Consultation
from domain.deadlines import DeadlineKind
from domain.errors import InvalidInputError, UnknownConsultationError
from domain.messages import N_
from workflows.base import GovernanceBase, ProcessService
from workflows.consultations import ConsultationService
from workflows.monitoring import unknown_commitment
from workflows.ratifications import unknown_ratification


class DeadlineService(ProcessService):
    """Deadlines fall on consultations, commitments and ratifications; closing a consultation is
    that process's own command, so it is asked of the consultations' service."""

    def __init__(self, app: GovernanceBase, *, consultations: ConsultationService) -> None:
        super().__init__(app)
        self.consultations = consultations

    def fire_deadline(self, kind: str, subject_id: UUID) -> bool:
        """Idempotent: returns False when the deadline had been dealt with already."""
        try:
            parsed = DeadlineKind(kind)
        except ValueError:
            raise InvalidInputError(N_("unknown deadline kind %(kind)r", kind=kind)) from None
        now = self.clock.now()
        actor = str(SCHEDULER)
        if parsed is DeadlineKind.CONSULTATION_CLOSES:
            return self.consultations.close_consultation(
                subject_id, actor=SCHEDULER, rule=parsed.value
            )
        if parsed is DeadlineKind.CLOSING_SOON:
            return self._change(
                Consultation,
                subject_id,
                UnknownConsultationError(
                    N_("unknown consultation %(subject_id)s", subject_id=subject_id)
                ),
                lambda c: c.notify_closing_soon(actor=actor, at=now),
            )
        if parsed is DeadlineKind.NON_VOTERS_REMINDER:
            return self._change(
                Consultation,
                subject_id,
                UnknownConsultationError(
                    N_("unknown consultation %(subject_id)s", subject_id=subject_id)
                ),
                lambda c: c.remind_as_scheduled(actor=actor, at=now),
            )
        if parsed is DeadlineKind.REVIEW_DUE:
            return self._change(
                Commitment,
                subject_id,
                unknown_commitment(subject_id),
                lambda c: c.raise_due_review(actor=actor, at=now),
            )
        if parsed is DeadlineKind.RATIFICATION_DUE:
            return self._change(
                BoardRatification,
                subject_id,
                unknown_ratification(subject_id),
                lambda r: r.notify_due(actor=actor, at=now),
            )
        return False
