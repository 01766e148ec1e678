"""The kinds of deadline the engine keeps, and when reminders fall due."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum


class DeadlineKind(StrEnum):
    CONSULTATION_CLOSES = "consultation closes"
    CLOSING_SOON = "closing soon"  # a reminder, a day before a consultation closes
    RATIFICATION_DUE = "ratification due"  # a reminder on the day the board is to decide
    ASSEMBLY_MEETS = "ALV meets"  # shown, not fired: the officer records the meeting
    REVIEW_DUE = "review due"  # a monitoring commitment's next periodic review
    REVIEW_FINDING_DUE = "review finding due"  # shown, not fired: the owner records the finding


CLOSING_SOON_BEFORE = timedelta(hours=24)
FINDING_DUE_AFTER = timedelta(days=14)
FIRED_BY_SCHEDULER = frozenset(
    {
        DeadlineKind.CONSULTATION_CLOSES,
        DeadlineKind.CLOSING_SOON,
        DeadlineKind.RATIFICATION_DUE,
        DeadlineKind.REVIEW_DUE,
    }
)
