"""Firing a deadline: the one command the scheduler (and a scenario's simulated clock) issues."""

from __future__ import annotations

from uuid import UUID

from domain.actor import SCHEDULER
from workflows.consultations import ConsultationService

CONSULTATION_CLOSES = "consultation closes"


class DeadlineService(ConsultationService):
    def fire_deadline(self, kind: str, subject_id: UUID) -> bool:
        """Idempotent: returns False when the deadline had been dealt with already."""
        if kind == CONSULTATION_CLOSES:
            return self.close_consultation(subject_id, actor=SCHEDULER, rule=kind)
        return False
