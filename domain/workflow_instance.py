"""A running workflow: which definition (and version) it follows, and every step it took."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.aggregate import GovernanceAggregate
from domain.ids import natural_id


def workflow_id(definition: str, subject_id: str) -> UUID:
    return natural_id("workflow", f"{definition}:{subject_id}")


class WorkflowInstance(GovernanceAggregate):
    class Started(Aggregate.Created):
        definition: str
        definition_version: int
        subject_id: str
        actor: str
        at: datetime

    class StepTaken(Aggregate.Event):
        trigger: str
        action: str
        actor: str
        at: datetime

    class StepFailed(Aggregate.Event):
        trigger: str
        action: str
        error: str
        actor: str
        at: datetime

    class Linked(Aggregate.Event):
        target_id: str
        actor: str
        at: datetime

    definition: str
    definition_version: int
    subject_id: str
    links: list[str]

    @staticmethod
    def create_id(definition: str, subject_id: str) -> UUID:
        return workflow_id(definition, subject_id)

    @event(Started)
    def __init__(
        self, definition: str, definition_version: int, subject_id: str, actor: str, at: datetime
    ) -> None:
        self.definition = definition
        self.definition_version = definition_version
        self.subject_id = subject_id
        self.links = []

    @event(StepTaken)
    def step(self, trigger: str, action: str, actor: str, at: datetime) -> None:
        """Record what the workflow did in reaction to `trigger`."""

    @event(StepFailed)
    def fail(self, trigger: str, action: str, error: str, actor: str, at: datetime) -> None:
        """Record a reaction the rules refused, so it is visible instead of silently lost."""

    def link(self, target_id: str, *, actor: str, at: datetime) -> None:
        if target_id not in self.links:
            self._linked(target_id=target_id, actor=actor, at=at)

    @event(Linked)
    def _linked(self, target_id: str, actor: str, at: datetime) -> None:
        self.links.append(target_id)
