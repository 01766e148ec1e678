"""The base of every akkoord aggregate: no change without a timezone-aware effective time, and
no recorded text with a NUL character."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self
from uuid import UUID

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate

from domain.errors import InvalidInputError
from domain.messages import N_
from domain.rules import require_aware


def _refuse_nul(values: Any) -> None:
    """No governance text needs a NUL, and PostgreSQL's text columns (the read models) cannot
    hold one: refused before anything is recorded, on every store alike."""
    for value in values:
        if isinstance(value, str):
            if "\x00" in value:
                raise InvalidInputError(N_("text may not contain a NUL character (\\x00)"))
        elif isinstance(value, list | tuple):
            _refuse_nul(value)


class GovernanceAggregate(Aggregate):
    @classmethod
    def _create(
        cls,
        event_class: type[CanInitAggregate[UUID]],
        *,
        id: UUID | None = None,  # the library's keyword
        **kwargs: Any,
    ) -> Self:
        _refuse_nul(kwargs.values())
        return super()._create(event_class, id=id, **kwargs)

    def trigger_event(self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any) -> None:
        # Checked here, once for every command method, because @event methods re-run on
        # replay and must not hold rules themselves.
        at = kwargs.get("at")
        if isinstance(at, datetime):
            require_aware(at, "the time of a change")
        _refuse_nul(kwargs.values())
        super().trigger_event(event_class, **kwargs)
