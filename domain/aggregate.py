"""The base of every akkoord aggregate: no change without a timezone-aware effective time."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, CanMutateAggregate

from domain.rules import require_aware


class GovernanceAggregate(Aggregate):
    def trigger_event(self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any) -> None:
        # Checked here, once for every command method, because @event methods re-run on
        # replay and must not hold rules themselves.
        at = kwargs.get("at")
        if isinstance(at, datetime):
            require_aware(at, "the time of a change")
        super().trigger_event(event_class, **kwargs)
