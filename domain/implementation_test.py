"""The UDO (Uitvoerbaarheidstoets Decentrale Overheden): an implementation test of an agreement."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.actor import MEMBER_CODE
from domain.aggregate import GovernanceAggregate
from domain.errors import ConflictError, InvalidInputError, NotFoundError
from domain.messages import N_
from domain.rules import agreement_code, party_name, require_aware, require_reason, require_text


class UnknownImplementationTestError(NotFoundError):
    code = "unknown_udo"


class ImplementationTestStateError(ConflictError):
    code = "udo_state"


class ImplementationTest(GovernanceAggregate):
    class Commissioned(Aggregate.Created):
        agreement: str
        title: str
        executed_by: list[str]
        actor: str
        reason: str
        at: datetime

    class ParticipantsAdded(Aggregate.Event):
        members: list[str]
        actor: str
        reason: str
        at: datetime

    class CriticalPointFound(Aggregate.Event):
        number: int
        title: str
        description: str
        actor: str
        reason: str
        at: datetime

    class ProcessAgreementMade(Aggregate.Event):
        point: int
        parties: list[str]
        text: str
        actor: str
        reason: str
        at: datetime

    class Completed(Aggregate.Event):
        summary: str
        actor: str
        reason: str
        at: datetime

    class PresentedToMembers(Aggregate.Event):
        reference: str
        actor: str
        reason: str
        at: datetime

    agreement: str
    title: str
    participants: list[str]
    points: dict[str, str]
    agreements_per_point: dict[str, list[dict[str, Any]]]
    completed: bool
    presented: bool

    @classmethod
    def commission(
        cls,
        *,
        agreement: str,
        title: str,
        executed_by: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> ImplementationTest:
        require_aware(at, "now")
        return cls(
            agreement=agreement_code(agreement),
            title=require_text(title, "the title", 300),
            executed_by=[party_name(p) for p in executed_by],
            actor=actor,
            reason=require_reason(reason, "commission a UDO"),
            at=at,
        )

    @event(Commissioned)
    def __init__(
        self,
        agreement: str,
        title: str,
        executed_by: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.agreement = agreement
        self.title = title
        self.participants = []
        self.points = {}
        self.agreements_per_point = {}
        self.completed = False
        self.presented = False

    def _require_running(self) -> None:
        if self.completed:
            raise ImplementationTestStateError(N_("UDO %(id)s is completed", id=self.id))

    def add_participants(self, members: list[str], *, actor: str, reason: str, at: datetime) -> int:
        self._require_running()
        bad = [m for m in members if not MEMBER_CODE.match(m)]
        if bad:
            raise InvalidInputError(N_("malformed municipality codes: %(bad)s", bad=", ".join(bad)))
        new = sorted(set(members) - set(self.participants))
        if new:
            self._participants_added(
                members=new, actor=actor, reason=require_reason(reason, "add participants"), at=at
            )
        return len(new)

    def find_critical_point(
        self, *, title: str, description: str, actor: str, reason: str, at: datetime
    ) -> int:
        self._require_running()
        number = len(self.points) + 1
        self._critical_point_found(
            number=number,
            title=require_text(title, "the title", 300),
            description=description.strip(),
            actor=actor,
            reason=require_reason(reason, "record a critical point"),
            at=at,
        )
        return number

    def make_process_agreement(
        self, point: int, *, parties: list[str], text: str, actor: str, reason: str, at: datetime
    ) -> None:
        self._require_running()
        if str(point) not in self.points:
            raise InvalidInputError(
                N_("UDO %(id)s has no critical point %(point)s", id=self.id, point=point)
            )
        if not parties:
            raise InvalidInputError(N_("a process agreement names the parties it was made with"))
        self._process_agreement_made(
            point=point,
            parties=[party_name(p) for p in parties],
            text=require_text(text, "the agreement"),
            actor=actor,
            reason=require_reason(reason, "record a process agreement"),
            at=at,
        )

    def complete(self, *, summary: str, actor: str, reason: str, at: datetime) -> None:
        self._require_running()
        open_points = [n for n in self.points if not self.agreements_per_point.get(n)]
        if open_points:
            raise ImplementationTestStateError(
                N_(
                    "critical point(s) %(open_points)s have no process agreement yet",
                    open_points=", ".join(sorted(open_points)),
                )
            )
        self._completed(
            summary=summary.strip(),
            actor=actor,
            reason=require_reason(reason, "complete a UDO"),
            at=at,
        )

    def present(self, *, reference: str, actor: str, reason: str, at: datetime) -> None:
        if not self.completed:
            raise ImplementationTestStateError(N_("UDO %(id)s is not completed yet", id=self.id))
        if self.presented:
            raise ImplementationTestStateError(N_("UDO %(id)s was presented already", id=self.id))
        self._presented(
            reference=require_text(reference, "the reference", 200),
            actor=actor,
            reason=require_reason(reason, "present a UDO"),
            at=at,
        )

    @event(ParticipantsAdded)
    def _participants_added(
        self, members: list[str], actor: str, reason: str, at: datetime
    ) -> None:
        self.participants = sorted({*self.participants, *members})

    @event(CriticalPointFound)
    def _critical_point_found(
        self, number: int, title: str, description: str, actor: str, reason: str, at: datetime
    ) -> None:
        self.points[str(number)] = title

    @event(ProcessAgreementMade)
    def _process_agreement_made(
        self, point: int, parties: list[str], text: str, actor: str, reason: str, at: datetime
    ) -> None:
        self.agreements_per_point.setdefault(str(point), []).append(
            {"parties": parties, "text": text}
        )

    @event(Completed)
    def _completed(self, summary: str, actor: str, reason: str, at: datetime) -> None:
        self.completed = True

    @event(PresentedToMembers)
    def _presented(self, reference: str, actor: str, reason: str, at: datetime) -> None:
        self.presented = True

    def summary(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "agreement": self.agreement,
            "title": self.title,
            "participants": len(self.participants),
            "critical_points": [
                {
                    "number": int(n),
                    "title": t,
                    "process_agreements": self.agreements_per_point.get(n, []),
                }
                for n, t in sorted(self.points.items(), key=lambda kv: int(kv[0]))
            ],
            "completed": self.completed,
            "presented": self.presented,
        }
