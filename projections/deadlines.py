"""Pending deadlines: the scheduler's to-do list, and what `akkoord deadlines` shows."""

from __future__ import annotations

from typing import Any

from eventsourcing.utils import get_topic

from domain.board_ratification import BoardRatification
from domain.consultation import Consultation
from domain.general_assembly import GeneralAssembly
from projections.rows import Rows, time_key

TABLE = "deadlines"
CONSULTATION_CLOSES = "consultation closes"
RATIFICATION_DUE = "ratification due"
ASSEMBLY_MEETS = "ALV meets"

TOPICS = [
    get_topic(c)
    for c in (
        Consultation.Opened,
        Consultation.Extended,
        Consultation.Closed,
        Consultation.Cancelled,
        BoardRatification.Scheduled,
        BoardRatification.Decided,
        GeneralAssembly.Convened,
        GeneralAssembly.Held,
    )
]


class DeadlinesProjection:
    name = "deadlines"
    topics = TOPICS

    def process(self, event: Any, rows: Rows, position: int) -> None:
        subject = str(event.originator_id)
        if isinstance(event, Consultation.Opened):
            rows.insert(
                TABLE,
                {
                    "subject_id": subject,
                    "kind": CONSULTATION_CLOSES,
                    "title": event.title,
                    "due_at": time_key(event.closes_at),
                    "timezone": event.timezone,
                    "state": "pending",
                },
            )
        elif isinstance(event, Consultation.Extended):
            _set(rows, subject, CONSULTATION_CLOSES, due_at=time_key(event.closes_at))
        elif isinstance(event, Consultation.Closed):
            _set(rows, subject, CONSULTATION_CLOSES, state="done")
        elif isinstance(event, Consultation.Cancelled):
            _set(rows, subject, CONSULTATION_CLOSES, state="cancelled")
        elif isinstance(event, BoardRatification.Scheduled):
            rows.insert(
                TABLE,
                {
                    "subject_id": subject,
                    "kind": RATIFICATION_DUE,
                    "title": event.title,
                    "due_at": time_key(event.scheduled_for),
                    "timezone": event.timezone,
                    "state": "pending",
                },
            )
        elif isinstance(event, BoardRatification.Decided):
            _set(rows, subject, RATIFICATION_DUE, state="done")
        elif isinstance(event, GeneralAssembly.Convened):
            rows.insert(
                TABLE,
                {
                    "subject_id": subject,
                    "kind": ASSEMBLY_MEETS,
                    "title": event.title,
                    "due_at": time_key(event.held_on),
                    "timezone": "Europe/Amsterdam",
                    "state": "pending",
                },
            )
        elif isinstance(event, GeneralAssembly.Held):
            _set(rows, subject, ASSEMBLY_MEETS, state="done")


def _set(rows: Rows, subject: str, kind: str, **values: str) -> None:
    rows.update(TABLE, {"subject_id": subject, "kind": kind}, values)
