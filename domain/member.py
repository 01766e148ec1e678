"""A member of the association: one municipality, with its population by reference year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import MEMBER_CODE
from domain.aggregate import GovernanceAggregate
from domain.errors import InvalidInputError
from domain.ids import natural_id


@dataclass(frozen=True)
class MemberFacts:
    """One municipality as a source (the CBS file) describes it."""

    code: str
    name: str
    province: str
    year: int
    inhabitants: int

    def __post_init__(self) -> None:
        if not MEMBER_CODE.match(self.code):
            raise InvalidInputError(f"malformed municipality code {self.code!r} (want GMxxxx)")
        if not self.name.strip():
            raise InvalidInputError(f"{self.code} has no name")
        if not (self.name + self.province).isprintable():
            raise InvalidInputError(
                f"{self.code}: a name or province holds a line break or a control character"
            )
        if not self.province.strip():
            raise InvalidInputError(f"{self.code} has no province")
        if not 1800 <= self.year <= 2200:
            raise InvalidInputError(f"{self.code}: implausible population year {self.year}")
        if not 0 <= self.inhabitants <= 100_000_000:
            raise InvalidInputError(
                f"{self.code}: implausible number of inhabitants {self.inhabitants}"
            )


class Member(GovernanceAggregate):
    class Registered(Aggregate.Created):
        code: str
        name: str
        province: str
        year: int
        inhabitants: int
        actor: str
        reason: str
        at: datetime

    class DetailsChanged(Aggregate.Event):
        name: str
        province: str
        actor: str
        reason: str
        at: datetime

    class PopulationRecorded(Aggregate.Event):
        year: int
        inhabitants: int
        actor: str
        reason: str
        at: datetime

    code: str
    name: str
    province: str
    populations: dict[str, int]  # keyed by year as text, so snapshots round-trip through JSON

    @staticmethod
    def create_id(code: str) -> UUID:
        return member_id(code)

    @classmethod
    def register(cls, facts: MemberFacts, *, actor: str, reason: str, at: datetime) -> Member:
        return cls(
            code=facts.code,
            name=facts.name,
            province=facts.province,
            year=facts.year,
            inhabitants=facts.inhabitants,
            actor=actor,
            reason=reason,
            at=at,
        )

    @event(Registered)
    def __init__(
        self,
        code: str,
        name: str,
        province: str,
        year: int,
        inhabitants: int,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.code = code
        self.name = name
        self.province = province
        self.populations = {str(year): inhabitants}

    def update(self, facts: MemberFacts, *, actor: str, reason: str, at: datetime) -> bool:
        """Bring the member in line with `facts`; returns whether anything changed."""
        changed = False
        if (facts.name, facts.province) != (self.name, self.province):
            self._details_changed(
                name=facts.name, province=facts.province, actor=actor, reason=reason, at=at
            )
            changed = True
        if self.populations.get(str(facts.year)) != facts.inhabitants:
            self._population_recorded(
                year=facts.year, inhabitants=facts.inhabitants, actor=actor, reason=reason, at=at
            )
            changed = True
        return changed

    def population(self, year: int) -> int | None:
        return self.populations.get(str(year))

    @event(DetailsChanged)
    def _details_changed(
        self, name: str, province: str, actor: str, reason: str, at: datetime
    ) -> None:
        self.name = name
        self.province = province

    @event(PopulationRecorded)
    def _population_recorded(
        self, year: int, inhabitants: int, actor: str, reason: str, at: datetime
    ) -> None:
        self.populations[str(year)] = inhabitants

    def summary(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "province": self.province,
            "populations": dict(sorted(self.populations.items())),
        }


def member_id(code: str) -> UUID:
    return natural_id("member", code)
