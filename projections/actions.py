"""Open actions per role: what an officer, the board or a secretary must do next."""

from __future__ import annotations

from typing import Any

from projections.rows import Rows, time_key
from projections.topics import (
    BoardRatification,
    Commitment,
    Consultation,
    GeneralAssembly,
    ImplementationTest,
    Region,
    Resolution,
    topic,
)

TABLE = "open_actions"

TOPICS = [
    Consultation.Opened,
    Consultation.Extended,
    Consultation.Closed,
    Consultation.Cancelled,
    BoardRatification.AdviceReceived,
    BoardRatification.Decided,
    BoardRatification.SettledByAssembly,
    BoardRatification.Communicated,
    Resolution.Adopted,
    Resolution.Fulfilled,
    ImplementationTest.Commissioned,
    ImplementationTest.Completed,
    ImplementationTest.PresentedToMembers,
    GeneralAssembly.Convened,
    GeneralAssembly.Closed,
    Commitment.ReviewRaised,
    Commitment.ReviewRecorded,
    Region.DecisionReopened,
]


def _add(rows: Rows, role: str, subject: str, action: str, due_at: str = "") -> None:
    rows.insert(TABLE, {"role": role, "subject_id": subject, "action": action, "due_at": due_at})


def _done(rows: Rows, subject: str, role: str | None = None) -> None:
    where = {"subject_id": subject} if role is None else {"subject_id": subject, "role": role}
    rows.delete(TABLE, where)


class ActionsProjection:
    name = "actions"
    topics = TOPICS

    def process(self, event: Any, rows: Rows, position: int) -> None:
        t = topic(event)
        subject = str(event.originator_id)
        if t == Consultation.Opened:
            due = time_key(event.closes_at)
            _add(rows, "secretary", subject, f"cast your municipality's ballot: {event.title}", due)
            _add(rows, "officer", subject, f"see '{event.title}' closed at its deadline", due)
        elif t == Consultation.Extended:
            rows.update(TABLE, {"subject_id": subject}, {"due_at": time_key(event.closes_at)})
        elif t in (Consultation.Closed, Consultation.Cancelled):
            _done(rows, subject)
        elif t == BoardRatification.AdviceReceived:
            _add(rows, "board", subject, f"decide on the ratification (advice: {event.advice})")
        elif t == BoardRatification.Decided:
            _done(rows, subject, "board")
            if event.decision != "refer":
                _add(rows, "officer", subject, "communicate the board's decision")
        elif t == BoardRatification.SettledByAssembly:
            _add(rows, "officer", subject, "communicate the ALV's decision")
        elif t == BoardRatification.Communicated:
            _done(rows, subject)
        elif t == Resolution.Adopted:
            _add(rows, "officer", subject, "record the resolution's conditions as they are met")
        elif t == Resolution.Fulfilled:
            _done(rows, subject)
        elif t == ImplementationTest.Commissioned:
            _add(rows, "officer", subject, f"complete the UDO: {event.title}")
        elif t == ImplementationTest.Completed:
            _done(rows, subject)
            _add(rows, "officer", subject, "present the UDO to the members")
        elif t == ImplementationTest.PresentedToMembers:
            _done(rows, subject)
        elif t == GeneralAssembly.Convened:
            _add(
                rows,
                "officer",
                subject,
                f"record the votes and close: {event.title}",
                time_key(event.held_on),
            )
        elif t == GeneralAssembly.Closed:
            _done(rows, subject)
        elif t == Commitment.ReviewRaised:
            _add(
                rows,
                "officer",
                subject,
                f"record the finding of review {event.period}",
                time_key(event.at),
            )
        elif t == Commitment.ReviewRecorded:
            rows.delete(
                TABLE,
                {"subject_id": subject, "action": f"record the finding of review {event.period}"},
            )
        elif t == Region.DecisionReopened:
            _add(
                rows,
                "officer",
                subject,
                f"the region must decide again (decision {event.number})",
                time_key(event.at),
            )
