"""The kinds of deadline the engine keeps, when reminders fall due, and the rules that keep the
dates of one process consistent with the next: a ratification after its consultation closes,
and a decision on or before the day it was due (or marked late)."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import ConflictError
from domain.messages import N_


class DeadlineKind(StrEnum):
    CONSULTATION_CLOSES = "consultation closes"
    CLOSING_SOON = "closing soon"  # a reminder, a day before a consultation closes
    RATIFICATION_DUE = "ratification due"  # a reminder on the day the board is to decide
    ASSEMBLY_MEETS = "ALV meets"  # shown, not fired: the officer records the meeting
    REVIEW_DUE = "review due"  # a monitoring commitment's next periodic review
    REVIEW_FINDING_DUE = "review finding due"  # shown, not fired: the owner records the finding
    # The next reminder to the members who have not voted (one row, re-armed after each).
    NON_VOTERS_REMINDER = "non-voters reminder"


CLOSING_SOON_BEFORE = timedelta(hours=24)
FINDING_DUE_AFTER = timedelta(days=14)
FIRED_BY_SCHEDULER = frozenset(
    {
        DeadlineKind.CONSULTATION_CLOSES,
        DeadlineKind.CLOSING_SOON,
        DeadlineKind.RATIFICATION_DUE,
        DeadlineKind.REVIEW_DUE,
        DeadlineKind.NON_VOTERS_REMINDER,
    }
)

# How a person overrides a date conflict, in each entry point's spelling.
CONFIRM_HINT = N_('confirm it with a reason (CLI --confirm-conflict, API "confirm_conflict": true)')


class DateConflictError(ConflictError):
    """Two processes' dates contradict each other, and nobody confirmed that on purpose."""

    code = "date_conflict"


def ratification_too_early(ratification_at: datetime, consultation_closes_at: datetime) -> bool:
    """The board cannot weigh advice that does not exist yet: its date must fall strictly after
    the consultation's closing time (at the closing moment itself there is no advice either)."""
    return ratification_at <= consultation_closes_at


def require_after_close(
    ratification_at: datetime,
    consultation_closes_at: datetime,
    *,
    confirmed: bool,
    doing: str,
) -> bool:
    """Refuse a ratification dated at or before the close unless confirmed; returns whether the
    dates conflict (so the event can record that someone confirmed it)."""
    if not ratification_too_early(ratification_at, consultation_closes_at):
        return False
    if not confirmed:
        raise DateConflictError(
            N_(
                "cannot %(doing)s: the ratification on %(ratification_at)s would fall before the "
                "consultation closes at %(consultation_closes_at)s; %(confirm_hint)s",
                doing=doing,
                ratification_at=ratification_at,
                consultation_closes_at=consultation_closes_at,
                confirm_hint=CONFIRM_HINT,
            )
        )
    return True


def _zone(name: str, fallback: tzinfo | None) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return fallback


def decided_late(due: datetime, timezone: str, decided_at: datetime) -> bool:
    """A decision is late when it falls on a later calendar day than the one it was due on, in
    the process's own zone: a board that meets at 10:00 and decides at 15:00 is on time."""
    zone = _zone(timezone, due.tzinfo)
    return decided_at.astimezone(zone).date() > due.astimezone(zone).date()
