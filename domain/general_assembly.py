"""The ALV (algemene ledenvergadering): its agenda and the binding weighted votes on each item.

Its date may move until it meets (or votes); the "ALV meets" deadline moves with it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.aggregate import GovernanceAggregate
from domain.errors import ConflictError, InvalidDeadlineError, InvalidInputError, NotFoundError
from domain.rules import WeightedResult, require_aware, require_reason, require_text


class ItemKind(StrEnum):
    RESOLUTION = "resolution"
    MOTION = "motion"
    RATIFICATION = "ratification"
    OTHER = "other"


class UnknownAssemblyError(NotFoundError):
    code = "unknown_assembly"


class AssemblyStateError(ConflictError):
    code = "assembly_state"


class GeneralAssembly(GovernanceAggregate):
    class Convened(Aggregate.Created):
        title: str
        held_on: datetime
        actor: str
        reason: str
        at: datetime

    class Rescheduled(Aggregate.Event):
        held_on: datetime
        previous_held_on: datetime
        timezone: str
        actor: str
        reason: str
        at: datetime

    class ItemAdded(Aggregate.Event):
        number: int
        kind: str
        title: str
        subject_id: str
        actor: str
        reason: str
        at: datetime

    class ItemDecided(Aggregate.Event):
        number: int
        adopted: bool
        yes_pct: Decimal | None
        yes_weight: int | None
        no_weight: int | None
        actor: str
        reason: str
        at: datetime

    class Held(Aggregate.Event):
        actor: str
        reason: str
        at: datetime

    class Closed(Aggregate.Event):
        actor: str
        reason: str
        at: datetime

    title: str
    held_on: datetime
    items: dict[str, dict[str, Any]]
    held: bool
    closed: bool
    timezone: str = "Europe/Amsterdam"  # the default for ALVs convened before it was kept

    @classmethod
    def convene(
        cls, *, title: str, held_on: datetime, actor: str, reason: str, at: datetime
    ) -> GeneralAssembly:
        require_aware(held_on, "the date of the ALV")
        return cls(
            title=require_text(title, "the title", 300),
            held_on=held_on,
            actor=actor,
            reason=require_reason(reason, "convene an ALV"),
            at=at,
        )

    @event(Convened)
    def __init__(
        self, title: str, held_on: datetime, actor: str, reason: str, at: datetime
    ) -> None:
        self.title = title
        self.held_on = held_on
        self.items = {}
        self.held = False
        self.closed = False

    def reschedule(
        self, *, held_on: datetime, timezone: str, actor: str, reason: str, at: datetime
    ) -> None:
        require_aware(held_on, "the new date of the ALV")
        require_aware(at, "now")
        if self.held or self.closed:
            raise AssemblyStateError(
                f"ALV {self.id} was {'closed' if self.closed else 'held'} already; "
                "its date cannot move"
            )
        voted = [n for n, item in self.items.items() if item.get("adopted") is not None]
        if voted:
            raise AssemblyStateError(
                f"ALV {self.id} has voted already (item {min(voted, key=int)}); "
                "its date cannot move"
            )
        if held_on == self.held_on:
            raise InvalidDeadlineError(f"ALV {self.id} meets on {held_on.isoformat()} already")
        if held_on <= at:
            raise InvalidDeadlineError(
                f"the new date {held_on.isoformat()} has already passed: an ALV moves to a "
                "moment still ahead"
            )
        self._rescheduled(
            held_on=held_on,
            previous_held_on=self.held_on,
            timezone=timezone,
            actor=actor,
            reason=require_reason(reason, "reschedule an ALV"),
            at=at,
        )

    def item_for(self, subject_id: str) -> int | None:
        for number, item in self.items.items():
            if item["subject_id"] == subject_id:
                return int(number)
        return None

    def add_item(
        self, *, kind: ItemKind, title: str, subject_id: str, actor: str, reason: str, at: datetime
    ) -> int:
        """Put an item on the agenda; an item about the same subject is not added twice."""
        if self.closed:
            raise AssemblyStateError(f"ALV {self.id} is closed")
        existing = self.item_for(subject_id) if subject_id else None
        if existing is not None:
            return existing
        number = len(self.items) + 1
        self._item_added(
            number=number,
            kind=kind.value,
            title=require_text(title, "the title", 300),
            subject_id=subject_id,
            actor=actor,
            reason=require_reason(reason, "add an agenda item"),
            at=at,
        )
        return number

    def decide_item(
        self, number: int, result: WeightedResult, *, actor: str, reason: str, at: datetime
    ) -> bool:
        require_aware(at, "now")
        if self.closed:
            raise AssemblyStateError(f"ALV {self.id} is closed")
        if at < self.held_on:
            raise AssemblyStateError(
                f"ALV {self.id} meets on {self.held_on.isoformat()}; it cannot vote before that"
            )
        item = self.items.get(str(number))
        if item is None:
            raise InvalidInputError(f"ALV {self.id} has no agenda item {number}")
        if item.get("adopted") is not None:
            if (item["adopted"], item["yes_pct"]) == (result.adopted, result.yes_pct):
                return False
            raise AssemblyStateError(f"item {number} of ALV {self.id} was voted on already")
        self._item_decided(
            number=number,
            adopted=result.adopted,
            yes_pct=result.yes_pct,
            yes_weight=result.yes_weight,
            no_weight=result.no_weight,
            actor=actor,
            reason=require_reason(reason, "record a vote"),
            at=at,
        )
        return True

    def hold(self, *, actor: str, reason: str, at: datetime) -> None:
        if self.held:
            raise AssemblyStateError(f"ALV {self.id} was held already")
        self._held(actor=actor, reason=require_reason(reason, "record the ALV as held"), at=at)

    def close(self, *, actor: str, reason: str, at: datetime) -> bool:
        if self.closed:
            return False
        self._closed(actor=actor, reason=require_reason(reason, "close the ALV"), at=at)
        return True

    @event(Rescheduled)
    def _rescheduled(
        self,
        held_on: datetime,
        previous_held_on: datetime,
        timezone: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.held_on = held_on
        self.timezone = timezone

    @event(ItemAdded)
    def _item_added(
        self,
        number: int,
        kind: str,
        title: str,
        subject_id: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.items[str(number)] = {
            "kind": kind,
            "title": title,
            "subject_id": subject_id,
            "adopted": None,
            "yes_pct": None,
        }

    @event(ItemDecided)
    def _item_decided(
        self,
        number: int,
        adopted: bool,
        yes_pct: Decimal | None,
        yes_weight: int | None,
        no_weight: int | None,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.items[str(number)].update(adopted=adopted, yes_pct=yes_pct)

    @event(Held)
    def _held(self, actor: str, reason: str, at: datetime) -> None:
        self.held = True

    @event(Closed)
    def _closed(self, actor: str, reason: str, at: datetime) -> None:
        self.closed = True

    def summary(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "title": self.title,
            "held_on": self.held_on.isoformat(),
            "held": self.held,
            "closed": self.closed,
            "items": [
                {
                    "number": int(n),
                    **{k: (str(v) if isinstance(v, Decimal) else v) for k, v in item.items()},
                }
                for n, item in sorted(self.items.items(), key=lambda kv: int(kv[0]))
            ],
        }
