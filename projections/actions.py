"""Open actions per role: what an officer, the board or a secretary must do next."""

from __future__ import annotations

from typing import Any

from eventsourcing.utils import get_topic

from domain.board_ratification import BoardRatification
from domain.commitment import Commitment
from domain.consultation import Consultation
from domain.general_assembly import GeneralAssembly
from domain.implementation_test import ImplementationTest
from domain.region import Region
from domain.resolution import Resolution
from projections.rows import Rows, time_key

TABLE = "open_actions"

TOPICS = [
    get_topic(c)
    for c in (
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
    )
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
        subject = str(event.originator_id)
        if isinstance(event, Consultation.Opened):
            due = time_key(event.closes_at)
            _add(rows, "secretary", subject, f"cast your municipality's ballot: {event.title}", due)
            _add(rows, "officer", subject, f"see '{event.title}' closed at its deadline", due)
        elif isinstance(event, Consultation.Extended):
            rows.update(TABLE, {"subject_id": subject}, {"due_at": time_key(event.closes_at)})
        elif isinstance(event, Consultation.Closed | Consultation.Cancelled):
            _done(rows, subject)
        elif isinstance(event, BoardRatification.AdviceReceived):
            _add(rows, "board", subject, f"decide on the ratification (advice: {event.advice})")
        elif isinstance(event, BoardRatification.Decided):
            _done(rows, subject, "board")
            if event.decision != "refer":
                _add(rows, "officer", subject, "communicate the board's decision")
        elif isinstance(event, BoardRatification.SettledByAssembly):
            _add(rows, "officer", subject, "communicate the ALV's decision")
        elif isinstance(event, BoardRatification.Communicated):
            _done(rows, subject)
        elif isinstance(event, Resolution.Adopted):
            _add(rows, "officer", subject, "record the resolution's conditions as they are met")
        elif isinstance(event, Resolution.Fulfilled):
            _done(rows, subject)
        elif isinstance(event, ImplementationTest.Commissioned):
            _add(rows, "officer", subject, f"complete the UDO: {event.title}")
        elif isinstance(event, ImplementationTest.Completed):
            _done(rows, subject)
            _add(rows, "officer", subject, "present the UDO to the members")
        elif isinstance(event, ImplementationTest.PresentedToMembers):
            _done(rows, subject)
        elif isinstance(event, GeneralAssembly.Convened):
            _add(
                rows,
                "officer",
                subject,
                f"record the votes and close: {event.title}",
                time_key(event.held_on),
            )
        elif isinstance(event, GeneralAssembly.Closed):
            _done(rows, subject)
        elif isinstance(event, Commitment.ReviewRaised):
            _add(
                rows,
                "officer",
                subject,
                f"record the finding of review {event.period}",
                time_key(event.at),
            )
        elif isinstance(event, Commitment.ReviewRecorded):
            rows.delete(
                TABLE,
                {"subject_id": subject, "action": f"record the finding of review {event.period}"},
            )
        elif isinstance(event, Region.DecisionReopened):
            _add(
                rows,
                "officer",
                subject,
                f"the region must decide again (decision {event.number})",
                time_key(event.at),
            )
