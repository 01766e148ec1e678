"""When a consultation reminds the members who have not voted yet: offsets before its deadline.

The schedule is derived, never stored as dates: a list of offsets (seconds before the closing
time) and the due moment of the last reminder sent. An extension moves the closing time, and so
every reminder still to come; the aggregate and the deadlines projection both ask `next_due`, so
the scheduler's timer and the command it fires agree on what is due.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from domain.errors import ConflictError, InvalidInputError
from domain.messages import N_

DEFAULT_REMINDERS = "7d,1d"
MAX_REMINDERS = 10
BY_HAND = "by hand"
AT_OPENING = "at opening"
_OFFSET = re.compile(r"\A([0-9]{1,4})\s*([dhm])\Z")
_UNIT = {"d": 86400, "h": 3600, "m": 60}


class NobodyToRemindError(ConflictError):
    """Every member asked about has voted already: a reminder would reach nobody."""

    code = "nobody_to_remind"


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """`7d,1d` (days, hours or minutes before the deadline); `none` for no reminders."""
    cleaned = text.strip().lower()
    if cleaned in ("", "none"):
        return ()
    found: set[int] = set()
    for part in cleaned.split(","):
        matched = _OFFSET.match(part.strip())
        if matched is None or int(matched[1]) == 0:
            raise InvalidInputError(
                N_(
                    "a reminder is a time before the deadline like 7d, 36h or 90m, not %(part)r",
                    part=part,
                )
            )
        found.add(int(matched[1]) * _UNIT[matched[2]])
    return tuple(timedelta(seconds=s) for s in sorted(found, reverse=True))


def offsets_seconds(offsets: Iterable[timedelta]) -> list[int]:
    """Longest first, each once; refuses a zero, a negative or too many."""
    seconds = sorted({int(o.total_seconds()) for o in offsets}, reverse=True)
    if any(s <= 0 for s in seconds):
        raise InvalidInputError(N_("a reminder falls before the deadline: give a positive offset"))
    if len(seconds) > MAX_REMINDERS:
        raise InvalidInputError(
            N_("at most %(limit)s reminders per consultation", limit=MAX_REMINDERS)
        )
    return seconds


def before_deadline(offset_seconds: int) -> str:
    """How an event names a scheduled reminder: `7 days before`, `36 hours before`."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if offset_seconds % size == 0:
            count = offset_seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'} before"
    return f"{offset_seconds} seconds before"


def _dues(closes_at: datetime, offsets: Iterable[int]) -> list[tuple[datetime, int]]:
    return sorted((closes_at - timedelta(seconds=o), o) for o in offsets)


def next_due(
    closes_at: datetime, offsets: Iterable[int], after: datetime
) -> tuple[datetime, int] | None:
    """The first reminder strictly after `after`: (its due moment, its offset), or None."""
    for due, offset in _dues(closes_at, offsets):
        if due > after:
            return due, offset
    return None


def latest_due(
    closes_at: datetime, offsets: Iterable[int], after: datetime, now: datetime
) -> tuple[datetime, int] | None:
    """The most recent reminder due by `now` and not sent (after `after`); reminders missed
    while the scheduler was down collapse into this one, so nobody gets two mails at once."""
    found = None
    for due, offset in _dues(closes_at, offsets):
        if after < due <= now:
            found = (due, offset)
    return found
