"""Commands and queries on ALV resolutions and motions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.general_assembly import GeneralAssembly, ItemKind, UnknownAssemblyError
from domain.messages import N_
from domain.resolution import (
    PartialLift,
    Resolution,
    ResolutionKind,
    UnknownResolutionError,
    effect,
)
from domain.rules import WeightedResult
from workflows.base import ProcessService

RESOLUTION_TABLED = get_topic(Resolution.Tabled)


def unknown_resolution(resolution_id: UUID) -> UnknownResolutionError:
    return UnknownResolutionError(
        N_("unknown resolution %(resolution_id)s", resolution_id=resolution_id)
    )


class ResolutionService(ProcessService):
    def table_resolution(
        self,
        *,
        kind: ResolutionKind,
        title: str,
        text: str,
        tabled_by: str,
        conditions: list[str],
        suspends: list[tuple[str, str]],
        actor: Actor,
        reason: str,
        assembly_id: UUID | None = None,
        lifts: list[PartialLift] | None = None,
    ) -> UUID:
        """Table a resolution; on an ALV's agenda too when one is named (both saved at once).

        `lifts` names the conditions that lift a part of the effect on their own (1: talks);
        without it the effect lasts, whole, until every condition is met."""
        actor.require(Role.OFFICER, doing="table a resolution")
        now = self.clock.now()
        resolution = Resolution.table(
            kind=kind,
            title=title,
            text=text,
            tabled_by=tabled_by,
            conditions=conditions,
            effects=[effect(party, agreement) for party, agreement in suspends],
            actor=str(actor),
            reason=reason,
            at=now,
            assembly_id=str(assembly_id) if assembly_id else "",
            lifts=lifts,
        )
        if assembly_id is None:
            self.save(resolution)
            return resolution.id
        assembly = self._load(
            GeneralAssembly,
            assembly_id,
            UnknownAssemblyError(N_("unknown ALV %(assembly_id)s", assembly_id=assembly_id)),
        )
        assembly.add_item(
            kind=ItemKind(kind.value),
            title=title,
            subject_id=str(resolution.id),
            actor=str(actor),
            reason=reason,
            at=now,
        )
        self.save(resolution, assembly)
        return resolution.id

    def decide_resolution(
        self, resolution_id: UUID, *, result: WeightedResult, actor: Actor, reason: str
    ) -> bool:
        actor.require(Role.OFFICER, Role.SYSTEM, doing="record the vote on a resolution")
        now = self.clock.now()
        return self._change(
            Resolution,
            resolution_id,
            unknown_resolution(resolution_id),
            lambda r: r.decide(result, actor=str(actor), reason=reason, at=now),
        )

    def correct_decision(
        self, resolution_id: UUID, *, yes_pct: str, actor: Actor, reason: str
    ) -> bool:
        """Correct a mistyped percentage: effective when the vote was, recorded now."""
        actor.require(Role.OFFICER, doing="correct the recorded vote on a resolution")
        return self._change(
            Resolution,
            resolution_id,
            unknown_resolution(resolution_id),
            lambda r: r.correct_decision(yes_pct, actor=str(actor), reason=reason),
        )

    def meet_condition(
        self, resolution_id: UUID, *, number: int, evidence: str, actor: Actor, reason: str
    ) -> bool:
        actor.require(Role.OFFICER, doing="record a condition as met")
        now = self.clock.now()
        return self._change(
            Resolution,
            resolution_id,
            unknown_resolution(resolution_id),
            lambda r: r.meet_condition(
                number, evidence=evidence, actor=str(actor), reason=reason, at=now
            ),
        )

    def revoke_condition(
        self, resolution_id: UUID, *, number: int, evidence: str, actor: Actor, reason: str
    ) -> bool:
        actor.require(Role.OFFICER, doing="revoke a condition")
        now = self.clock.now()
        return self._change(
            Resolution,
            resolution_id,
            unknown_resolution(resolution_id),
            lambda r: r.revoke_condition(
                number, evidence=evidence, actor=str(actor), reason=reason, at=now
            ),
        )

    def declare_condition_failed(
        self, resolution_id: UUID, *, number: int, evidence: str, actor: Actor, reason: str
    ) -> bool:
        actor.require(Role.OFFICER, doing="declare a condition failed")
        now = self.clock.now()
        return self._change(
            Resolution,
            resolution_id,
            unknown_resolution(resolution_id),
            lambda r: r.declare_failed(
                number, evidence=evidence, actor=str(actor), reason=reason, at=now
            ),
        )

    def get_resolution(self, resolution_id: UUID) -> dict[str, Any]:
        return self._load(Resolution, resolution_id, unknown_resolution(resolution_id)).summary()

    def list_resolutions(self) -> list[dict[str, Any]]:
        return [r.summary() for r in self.aggregates_of(Resolution, RESOLUTION_TABLED)]
