"""Process managers: the application follows its own log and reacts to the events that link one
decision process to the next (the reactions themselves: `workflows/reactions.py`).

Each reaction is saved together with the tracked position of the event it reacts to (the
library's process recorder), so after a crash it is redone exactly once.

The events reacted to are named here by topic, the name the log stores them under, and the
reactions are imported when the first of them arrives: a command that writes none of these
events (a ballot) never loads the processes the reactions reach into. A test holds these
topics to the reactions' own list.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError, Tracking

from workflows.base import GovernanceBase

MAX_CONFLICTS = 20

TOPICS = (
    "domain.resolution:Resolution.Adopted",
    "domain.resolution:Resolution.ConditionMet",
    "domain.resolution:Resolution.ConditionRevoked",
    "domain.resolution:Resolution.ConditionFailed",
    "domain.resolution:Resolution.Fulfilled",
    "domain.conditional_signing:ConditionalSigning.Signed",
    "domain.conditional_signing:ConditionalSigning.MadeDefinitive",
    "domain.conditional_signing:ConditionalSigning.Withdrawn",
    "domain.board_ratification:BoardRatification.Scheduled",
    "domain.consultation:Consultation.Closed",
    "domain.board_ratification:BoardRatification.Decided",
    "domain.board_ratification:BoardRatification.SettledByAssembly",
    "domain.general_assembly:GeneralAssembly.ItemDecided",
    "domain.agreement:Agreement.PartyStatusChanged",
)


class ProcessManagers(GovernanceBase):
    topics = TOPICS

    def policy(
        self, domain_event: DomainEventProtocol[UUID], processing_event: ProcessingEvent[UUID]
    ) -> None:
        from workflows.reactions import HANDLERS, Reaction

        handler = HANDLERS.get(type(domain_event))
        if handler is None:
            return
        tracking = processing_event.tracking
        reaction = Reaction(self, domain_event, tracking.notification_id if tracking else 0)
        handler(reaction, domain_event)
        processing_event.collect_events(*reaction.loaded.values())

    def run_workflows(self) -> int:
        """React to every event not yet reacted to; returns how many were processed."""
        processed = conflicts = 0
        while True:
            start = (self.recorder.max_tracking_id(self.name) or 0) + 1
            page = self.recorder.select_notifications(start=start, limit=100, topics=TOPICS)
            if not page:
                return processed
            for notification in page:
                event = self.mapper.to_domain_event(notification)
                try:
                    self.process_event(event, Tracking(self.name, notification.id))
                except IntegrityError:
                    # Another process reacted first, or an aggregate moved under us: re-read.
                    conflicts += 1
                    if conflicts > MAX_CONFLICTS:
                        raise
                    break
                processed += 1
