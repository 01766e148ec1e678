"""Deadlines: the scheduler's to-do list, and what `akkoord deadlines` shows.

A deadline is pending until the scheduler fires it (fired), the process settles it first
(done), or it no longer applies (cancelled). A rescheduled ratification or ALV moves its row: the
scheduler follows the row, so a reminder fires at the new date, never the old one.
"""

from __future__ import annotations

from typing import Any

from domain.deadlines import CLOSING_SOON_BEFORE, FINDING_DUE_AFTER, DeadlineKind
from domain.reminders import next_due
from projections.rows import Rows, time_key
from projections.topics import BoardRatification, Commitment, Consultation, GeneralAssembly, topic

TABLE = "deadlines"
K = DeadlineKind

TOPICS = [
    Consultation.Opened,
    Consultation.Extended,
    Consultation.Closed,
    Consultation.Cancelled,
    Consultation.ClosingSoonNotified,
    Consultation.NonVotersReminded,
    BoardRatification.Scheduled,
    BoardRatification.Rescheduled,
    BoardRatification.DueNotified,
    BoardRatification.Decided,
    GeneralAssembly.Convened,
    GeneralAssembly.Rescheduled,
    GeneralAssembly.Held,
    Commitment.Registered,
    Commitment.ReviewRaised,
    Commitment.ReviewRecorded,
]


def _add(rows: Rows, subject: str, kind: DeadlineKind, title: str, due: Any, tz: str) -> None:
    rows.insert(
        TABLE,
        {
            "subject_id": subject,
            "kind": kind.value,
            "title": title,
            "due_at": time_key(due),
            "timezone": tz,
            "state": "pending",
            "settled_at": None,
        },
    )


def _settle(rows: Rows, subject: str, kind: DeadlineKind, state: str, at: Any) -> None:
    rows.update(
        TABLE,
        {"subject_id": subject, "kind": kind.value, "state": "pending"},
        {"state": state, "settled_at": time_key(at)},
    )


def _add_reminders(rows: Rows, subject: str, event: Any) -> None:
    """One row per consultation with reminders, re-armed after each; "none" (not shown, not
    fired) while no reminder is to come, e.g. when every one fell before the opening."""
    offsets = event.reminders or []
    if not offsets:
        return
    first = next_due(event.closes_at, offsets, max(event.opens_at, event.at))
    _add(
        rows,
        subject,
        K.NON_VOTERS_REMINDER,
        event.title,
        event.closes_at if first is None else first[0],
        event.timezone,
    )
    if first is None:
        rows.update(
            TABLE, {"subject_id": subject, "kind": K.NON_VOTERS_REMINDER.value}, {"state": "none"}
        )


def _rearm_reminder(rows: Rows, subject: str, event: Any) -> None:
    if event.due_at is None:
        return  # a reminder by hand leaves the schedule as it was
    where = {"subject_id": subject, "kind": K.NON_VOTERS_REMINDER.value}
    if event.next_due_at is None:
        rows.update(TABLE, where, {"state": "fired", "settled_at": time_key(event.at)})
    else:
        rows.update(
            TABLE,
            where,
            {
                "due_at": time_key(event.next_due_at),
                "state": "pending",
                "settled_at": time_key(event.at),
            },
        )


class DeadlinesProjection:
    name = "deadlines"
    topics = TOPICS

    def process(self, event: Any, rows: Rows, position: int) -> None:
        t = topic(event)
        subject = str(event.originator_id)
        if t == Consultation.Opened:
            _add(rows, subject, K.CONSULTATION_CLOSES, event.title, event.closes_at, event.timezone)
            _add(
                rows,
                subject,
                K.CLOSING_SOON,
                event.title,
                event.closes_at - CLOSING_SOON_BEFORE,
                event.timezone,
            )
            _add_reminders(rows, subject, event)
        elif t == Consultation.NonVotersReminded:
            _rearm_reminder(rows, subject, event)
        elif t == Consultation.Extended:
            if event.reminder_due_at is not None:
                rows.update(
                    TABLE,
                    {"subject_id": subject, "kind": K.NON_VOTERS_REMINDER.value},
                    {"due_at": time_key(event.reminder_due_at), "state": "pending"},
                )
            rows.update(
                TABLE,
                {"subject_id": subject, "kind": K.CONSULTATION_CLOSES.value},
                {"due_at": time_key(event.closes_at)},
            )
            # A later deadline deserves its own reminder, even when the first one went out.
            rows.update(
                TABLE,
                {"subject_id": subject, "kind": K.CLOSING_SOON.value},
                {
                    "due_at": time_key(event.closes_at - CLOSING_SOON_BEFORE),
                    "state": "pending",
                    "settled_at": None,
                },
            )
        elif t == Consultation.ClosingSoonNotified:
            _settle(rows, subject, K.CLOSING_SOON, "fired", event.at)
        elif t == Consultation.Closed:
            by_deadline = event.rule == K.CONSULTATION_CLOSES.value
            _settle(
                rows, subject, K.CONSULTATION_CLOSES, "fired" if by_deadline else "done", event.at
            )
            _settle(rows, subject, K.CLOSING_SOON, "cancelled", event.at)
            _settle(rows, subject, K.NON_VOTERS_REMINDER, "cancelled", event.at)
        elif t == Consultation.Cancelled:
            _settle(rows, subject, K.CONSULTATION_CLOSES, "cancelled", event.at)
            _settle(rows, subject, K.CLOSING_SOON, "cancelled", event.at)
            _settle(rows, subject, K.NON_VOTERS_REMINDER, "cancelled", event.at)
        elif t == BoardRatification.Scheduled:
            _add(
                rows, subject, K.RATIFICATION_DUE, event.title, event.scheduled_for, event.timezone
            )
        elif t == BoardRatification.Rescheduled:
            # Re-armed even when the old date's reminder went out: the new date deserves its own.
            rows.update(
                TABLE,
                {"subject_id": subject, "kind": K.RATIFICATION_DUE.value},
                {
                    "due_at": time_key(event.scheduled_for),
                    "timezone": event.timezone,
                    "state": "pending",
                    "settled_at": None,
                },
            )
        elif t == BoardRatification.DueNotified:
            _settle(rows, subject, K.RATIFICATION_DUE, "fired", event.at)
        elif t == BoardRatification.Decided:
            _settle(rows, subject, K.RATIFICATION_DUE, "done", event.at)
        elif t == GeneralAssembly.Convened:
            _add(rows, subject, K.ASSEMBLY_MEETS, event.title, event.held_on, "Europe/Amsterdam")
        elif t == GeneralAssembly.Rescheduled:
            rows.update(
                TABLE,
                {"subject_id": subject, "kind": K.ASSEMBLY_MEETS.value},
                {"due_at": time_key(event.held_on), "timezone": event.timezone},
            )
        elif t == GeneralAssembly.Held:
            _settle(rows, subject, K.ASSEMBLY_MEETS, "done", event.at)
        elif t == Commitment.Registered:
            _add(
                rows, subject, K.REVIEW_DUE, event.title, event.first_review_at, "Europe/Amsterdam"
            )
            _add(
                rows,
                subject,
                K.REVIEW_FINDING_DUE,
                event.title,
                event.first_review_at,
                "Europe/Amsterdam",
            )
            rows.update(
                TABLE,
                {"subject_id": subject, "kind": K.REVIEW_FINDING_DUE.value},
                {"state": "none"},
            )
        elif t == Commitment.ReviewRaised:
            # A recurring deadline: the row re-arms for the next period as soon as one is raised.
            rows.update(
                TABLE,
                {"subject_id": subject, "kind": K.REVIEW_DUE.value},
                {
                    "due_at": time_key(event.next_due_at),
                    "state": "pending",
                    "settled_at": time_key(event.at),
                },
            )
            for idle in ("none", "done"):  # the oldest unrecorded review sets the due date
                rows.update(
                    TABLE,
                    {"subject_id": subject, "kind": K.REVIEW_FINDING_DUE.value, "state": idle},
                    {
                        "state": "pending",
                        "settled_at": None,
                        "due_at": time_key(event.at + FINDING_DUE_AFTER),
                    },
                )
        elif t == Commitment.ReviewRecorded and event.outstanding == 0:
            _settle(rows, subject, K.REVIEW_FINDING_DUE, "done", event.at)
