"""The assembled service layer: one application with the commands and queries of every process."""

from __future__ import annotations

from workflows.consultations import ConsultationService


class Governance(ConsultationService):
    """All of akkoord's commands and queries over the one event log."""
