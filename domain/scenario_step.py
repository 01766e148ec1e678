"""A scenario step applied to the store: the mark a rerun of a killed scenario reads to know
which steps are done. Its id is a function of (scenario digest, step number), so one step can
be marked only once, and the mark is saved in the same transaction as the step's first write."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.aggregate import GovernanceAggregate
from domain.ids import natural_id


def scenario_step_id(digest: str, number: int) -> UUID:
    return natural_id("scenario-step", f"{digest}:{number}")


class ScenarioStep(GovernanceAggregate):
    class Applied(Aggregate.Created):
        digest: str
        number: int
        command: str
        created: list[str]
        actor: str
        at: datetime

    digest: str
    number: int
    command: str
    created: list[str]

    @staticmethod
    def create_id(digest: str, number: int) -> UUID:
        return scenario_step_id(digest, number)

    @event(Applied)
    def __init__(
        self, digest: str, number: int, command: str, created: list[str], actor: str, at: datetime
    ) -> None:
        self.digest = digest
        self.number = number
        self.command = command
        self.created = created
