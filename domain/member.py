"""A member of the association: one municipality, with its population by reference year and its
place in time: it may begin as the successor of others (a merger, split or rename) and end in
favour of its successors, each on an effective date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import MEMBER_CODE
from domain.aggregate import GovernanceAggregate
from domain.errors import ConflictError, InvalidInputError
from domain.ids import natural_id
from domain.messages import N_
from domain.rules import require_aware

MERGED, SPLIT, RENAMED = "merged", "split", "renamed"
HOW = (MERGED, SPLIT, RENAMED)


class MemberEndedError(ConflictError):
    code = "member_ended"


def check_details(code: str, name: str, province: str) -> None:
    """What every municipality has: a CBS code, a name and a province, printable on one line."""
    if not MEMBER_CODE.match(code):
        raise InvalidInputError(N_("malformed municipality code %(code)r (want GMxxxx)", code=code))
    if not name.strip():
        raise InvalidInputError(N_("%(code)s has no name", code=code))
    if not (name + province).isprintable():
        raise InvalidInputError(
            N_("%(code)s: a name or province holds a line break or a control character", code=code)
        )
    if not province.strip():
        raise InvalidInputError(N_("%(code)s has no province", code=code))


@dataclass(frozen=True)
class MemberFacts:
    """One municipality as a source (the CBS file) describes it."""

    code: str
    name: str
    province: str
    year: int
    inhabitants: int

    def __post_init__(self) -> None:
        check_details(self.code, self.name, self.province)
        if not 1800 <= self.year <= 2200:
            raise InvalidInputError(
                N_(
                    "%(code)s: implausible population year %(year)s",
                    code=self.code,
                    year=self.year,
                )
            )
        if not 0 <= self.inhabitants <= 100_000_000:
            raise InvalidInputError(
                N_(
                    "%(code)s: implausible number of inhabitants %(inhabitants)s",
                    code=self.code,
                    inhabitants=self.inhabitants,
                )
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

    # A municipality the register did not hold, beginning on `effective` as the successor of
    # `predecessors` (a new code after a merger, a split or a rename).
    class Established(Aggregate.Created):
        code: str
        name: str
        province: str
        effective: datetime
        how: str
        predecessors: list[str]
        actor: str
        reason: str
        at: datetime

        def apply(self, aggregate: Any) -> None:
            # The library builds the member with __init__ from the fields both events share.
            aggregate.began = self.effective
            aggregate.successions = (
                Succession(self.effective, self.how, tuple(self.predecessors), begins=True),
            )

    # A registered member takes over (part of) the territory of `predecessors`: it continues
    # (a surviving code, a neighbour in a split), or, with `begins`, it had been registered
    # ahead of its start (from a newer CBS file) and begins only on `effective`.
    class Succeeded(Aggregate.Event):
        effective: datetime
        how: str
        predecessors: list[str]
        begins: bool
        actor: str
        reason: str
        at: datetime

    class Ended(Aggregate.Event):
        effective: datetime
        how: str
        successors: list[str]
        actor: str
        reason: str
        at: datetime

    code: str
    name: str
    province: str
    populations: dict[str, int]  # keyed by year as text, so snapshots round-trip through JSON
    # None: in the register from the start of its records (everything `members load` adds).
    began: datetime | None = None
    ended: datetime | None = None
    end_how: str = ""
    successors: tuple[str, ...] = ()
    successions: tuple[Succession, ...] = ()

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
        actor: str,
        reason: str,
        at: datetime,
        # Absent when an Established event builds the member: it begins without figures.
        year: int | None = None,
        inhabitants: int | None = None,
    ) -> None:
        self.code = code
        self.name = name
        self.province = province
        self.populations = {} if year is None or inhabitants is None else {str(year): inhabitants}

    @classmethod
    def establish(
        cls,
        *,
        code: str,
        name: str,
        province: str,
        effective: datetime,
        how: str,
        predecessors: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> Member:
        check_details(code, name, province)
        _check_change(effective, how)
        return cls._established(
            code=code,
            name=name,
            province=province,
            effective=effective,
            how=how,
            predecessors=list(predecessors),
            actor=actor,
            reason=reason,
            at=at,
        )

    @classmethod
    def _established(cls, **kwargs: Any) -> Member:
        return cls._create(cls.Established, id=member_id(kwargs["code"]), **kwargs)

    def in_register(self, moment: datetime) -> bool:
        """Whether the member belongs to the register at `moment`: begun, not yet ended."""
        return (self.began is None or self.began <= moment) and (
            self.ended is None or moment < self.ended
        )

    def succeed(
        self,
        *,
        effective: datetime,
        how: str,
        predecessors: list[str],
        begins: bool,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        _check_change(effective, how)
        self.refuse_if_ended()
        if begins and self.began is not None:
            raise ConflictError(
                N_(
                    "%(code)s %(name)s began on %(began_day)s already",
                    code=self.code,
                    name=self.name,
                    began_day=self.began.date(),
                )
            )
        if self.began is not None and effective < self.began:
            raise ConflictError(
                N_(
                    "%(code)s %(name)s begins only on %(began_day)s, after %(effective_day)s",
                    code=self.code,
                    name=self.name,
                    began_day=self.began.date(),
                    effective_day=effective.date(),
                )
            )
        self._succeeded(
            effective=effective,
            how=how,
            predecessors=list(predecessors),
            begins=begins,
            actor=actor,
            reason=reason,
            at=at,
        )

    def end(
        self,
        *,
        effective: datetime,
        how: str,
        successors: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        _check_change(effective, how)
        self.refuse_if_ended()
        latest = self.last_change()
        if latest is not None and effective <= latest:
            raise ConflictError(
                N_(
                    "%(code)s %(name)s cannot end on %(effective_day)s: its last change "
                    "takes effect on %(latest_day)s",
                    code=self.code,
                    name=self.name,
                    effective_day=effective.date(),
                    latest_day=latest.date(),
                )
            )
        self._ended(
            effective=effective,
            how=how,
            successors=list(successors),
            actor=actor,
            reason=reason,
            at=at,
        )

    def last_change(self) -> datetime | None:
        """The effective date of the member's latest beginning or succession."""
        return max([s.effective for s in self.successions], default=self.began)

    def refuse_if_ended(self) -> None:
        if self.ended is not None:
            raise MemberEndedError(
                N_(
                    "%(code)s %(name)s ended on %(ended_day)s (%(end_how)s into %(successors)s)",
                    code=self.code,
                    name=self.name,
                    ended_day=self.ended.date(),
                    end_how=self.end_how,
                    successors=", ".join(self.successors),
                )
            )

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

    def record_population(
        self, *, year: int, inhabitants: int, actor: str, reason: str, at: datetime
    ) -> None:
        if not 1800 <= year <= 2200:
            raise InvalidInputError(
                N_("%(code)s: implausible population year %(year)s", code=self.code, year=year)
            )
        if not 0 <= inhabitants <= 100_000_000:
            raise InvalidInputError(
                N_(
                    "%(code)s: implausible number of inhabitants %(inhabitants)s",
                    code=self.code,
                    inhabitants=inhabitants,
                )
            )
        self._population_recorded(
            year=year, inhabitants=inhabitants, actor=actor, reason=reason, at=at
        )

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

    @event(Succeeded)
    def _succeeded(
        self,
        effective: datetime,
        how: str,
        predecessors: list[str],
        begins: bool,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        if begins:
            self.began = effective
        self.successions = (
            *self.successions,
            Succession(effective, how, tuple(predecessors), begins=begins),
        )

    @event(Ended)
    def _ended(
        self,
        effective: datetime,
        how: str,
        successors: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.ended = effective
        self.end_how = how
        self.successors = tuple(successors)

    def summary(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "province": self.province,
            "populations": dict(sorted(self.populations.items())),
            "began": self.began.isoformat() if self.began else None,
            "ended": self.ended.isoformat() if self.ended else None,
            "ended_how": self.end_how or None,
            "successors": list(self.successors),
            "successions": [
                {
                    "effective": s.effective.isoformat(),
                    "how": s.how,
                    "codes": list(s.predecessors),
                    "began": s.begins,
                }
                for s in self.successions
            ],
        }


@dataclass(frozen=True)
class Succession:
    """One change by which a member took over (part of) its predecessors' territory."""

    effective: datetime
    how: str
    predecessors: tuple[str, ...]
    begins: bool


def _check_change(effective: datetime, how: str) -> None:
    require_aware(effective, "the effective date")
    if how not in HOW:
        raise InvalidInputError(
            N_("a member changes by %(ways)s, not %(how)r", ways=", ".join(HOW), how=how)
        )


def member_id(code: str) -> UUID:
    return natural_id("member", code)
