"""Commands and queries on the ALV (general members' meeting)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.general_assembly import GeneralAssembly, ItemKind, UnknownAssemblyError
from domain.rules import WeightedResult
from workflows.base import ProcessService

CONVENED = get_topic(GeneralAssembly.Convened)


def unknown_assembly(assembly_id: UUID) -> UnknownAssemblyError:
    return UnknownAssemblyError(f"unknown ALV {assembly_id}")


class AssemblyService(ProcessService):
    def convene_assembly(self, *, title: str, held_on: datetime, actor: Actor, reason: str) -> UUID:
        actor.require(Role.OFFICER, doing="convene an ALV")
        assembly = GeneralAssembly.convene(
            title=title, held_on=held_on, actor=str(actor), reason=reason, at=self.clock.now()
        )
        self.save(assembly)
        return assembly.id

    def reschedule_assembly(
        self, assembly_id: UUID, *, held_on: datetime, timezone: str, actor: Actor, reason: str
    ) -> None:
        actor.require(Role.OFFICER, doing="reschedule an ALV")
        now = self.clock.now()
        # No retry: a date someone else just moved is for a person to look at again.
        self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.reschedule(
                held_on=held_on, timezone=timezone, actor=str(actor), reason=reason, at=now
            ),
            retry=False,
        )

    def add_agenda_item(
        self,
        assembly_id: UUID,
        *,
        kind: ItemKind,
        title: str,
        actor: Actor,
        reason: str,
        subject_id: str = "",
    ) -> int:
        actor.require(Role.OFFICER, doing="add an agenda item")
        now = self.clock.now()
        return self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.add_item(
                kind=kind,
                title=title,
                subject_id=subject_id,
                actor=str(actor),
                reason=reason,
                at=now,
            ),
        )

    def record_item_vote(
        self, assembly_id: UUID, *, number: int, result: WeightedResult, actor: Actor, reason: str
    ) -> bool:
        actor.require(Role.OFFICER, doing="record an ALV vote")
        now = self.clock.now()
        return self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.decide_item(number, result, actor=str(actor), reason=reason, at=now),
        )

    def hold_assembly(self, assembly_id: UUID, *, actor: Actor, reason: str) -> None:
        actor.require(Role.OFFICER, doing="record an ALV as held")
        now = self.clock.now()
        self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.hold(actor=str(actor), reason=reason, at=now),
        )

    def close_assembly(self, assembly_id: UUID, *, actor: Actor, reason: str) -> bool:
        actor.require(Role.OFFICER, doing="close an ALV")
        now = self.clock.now()
        return self._change(
            GeneralAssembly,
            assembly_id,
            unknown_assembly(assembly_id),
            lambda a: a.close(actor=str(actor), reason=reason, at=now),
        )

    def get_assembly(self, assembly_id: UUID) -> dict[str, Any]:
        return self._load(GeneralAssembly, assembly_id, unknown_assembly(assembly_id)).summary()

    def list_assemblies(self) -> list[dict[str, Any]]:
        return [a.summary() for a in self.aggregates_of(GeneralAssembly, CONVENED)]
