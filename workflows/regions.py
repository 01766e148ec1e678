"""Commands and queries on IZA regions and their decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.agreement import PartyStatus
from domain.errors import ConflictError
from domain.messages import N_
from domain.region import Region, UnknownRegionError, region_id
from workflows.base import ProcessService

REGION_REGISTERED = get_topic(Region.Registered)


def unknown_region(name: str) -> UnknownRegionError:
    return UnknownRegionError(N_("unknown region %(name)r", name=name))


class RegionService(ProcessService):
    def register_region(
        self,
        *,
        name: str,
        committee: str,
        mandate_municipality: str,
        members: list[str],
        actor: Actor,
        reason: str,
    ) -> str:
        actor.require(Role.OFFICER, doing="register a region")
        region = Region.register(
            name=name,
            committee=committee,
            mandate_municipality=mandate_municipality,
            members=members,
            actor=str(actor),
            reason=reason,
            at=self.clock.now(),
        )
        if self._find(Region, region.id) is not None:
            raise ConflictError(N_("region %(name)s is registered already", name=region.name))
        self.save(region)
        return region.name

    def record_region_decision(
        self, name: str, *, body: str, text: str, decided_on: datetime, actor: Actor, reason: str
    ) -> int:
        actor.require(Role.OFFICER, doing="record a regional decision")
        now = self.clock.now()
        return self._change(
            Region,
            region_id(name),
            unknown_region(name),
            lambda r: r.decide(
                body=body, text=text, decided_on=decided_on, actor=str(actor), reason=reason, at=now
            ),
        )

    def record_conditional_decision(
        self,
        name: str,
        *,
        body: str,
        text: str,
        decided_on: datetime,
        agreement: str,
        party: str,
        reopen_on: list[PartyStatus],
        moot_on: list[PartyStatus],
        actor: Actor,
        reason: str,
    ) -> int:
        actor.require(Role.OFFICER, doing="record a regional decision")
        now = self.clock.now()
        return self._change(
            Region,
            region_id(name),
            unknown_region(name),
            lambda r: r.decide_conditionally(
                body=body,
                text=text,
                decided_on=decided_on,
                agreement=agreement,
                party=party,
                reopen_on=reopen_on,
                moot_on=moot_on,
                actor=str(actor),
                reason=reason,
                at=now,
            ),
        )

    def record_region_budget(
        self, name: str, *, scheme: str, year: int, amount_cents: int, actor: Actor, reason: str
    ) -> None:
        actor.require(Role.OFFICER, doing="record a regional budget")
        now = self.clock.now()
        self._change(
            Region,
            region_id(name),
            unknown_region(name),
            lambda r: r.record_budget(
                scheme=scheme,
                year=year,
                amount_cents=amount_cents,
                actor=str(actor),
                reason=reason,
                at=now,
            ),
        )

    def get_region(self, name: str) -> dict[str, Any]:
        return self._load(Region, region_id(name), unknown_region(name)).summary()

    def list_regions(self) -> list[dict[str, Any]]:
        return [r.summary() for r in self.aggregates_of(Region, REGION_REGISTERED)]
