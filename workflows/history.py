"""Any aggregate as it was: at a version, or as of a moment in effective time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.errors import InvalidInputError, NotFoundError
from domain.messages import N_
from workflows.base import ProcessService


class UnknownAggregateError(NotFoundError):
    code = "unknown_aggregate"


def plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return value


class HistoryService(ProcessService):
    def of(
        self, aggregate_id: UUID, *, version: int | None = None, as_of: datetime | None = None
    ) -> dict[str, Any]:
        """The aggregate's state then, with the events that made it."""
        if version is not None and as_of is not None:
            raise InvalidInputError(N_("give a version or a moment, not both"))
        events = list(self.app.events.get(aggregate_id))
        if not events:
            raise UnknownAggregateError(
                N_("unknown aggregate %(aggregate_id)s", aggregate_id=aggregate_id)
            )
        if as_of is not None:
            upto = [e for e in events if getattr(e, "at", as_of) <= as_of]
            if not upto:
                raise UnknownAggregateError(
                    N_(
                        "aggregate %(aggregate_id)s did not exist yet on %(as_of)s",
                        aggregate_id=aggregate_id,
                        as_of=as_of,
                    )
                )
            version = upto[-1].originator_version
        if version is not None and not 1 <= version <= events[-1].originator_version:
            raise InvalidInputError(
                N_(
                    "aggregate %(aggregate_id)s has versions 1..%(last)s",
                    aggregate_id=aggregate_id,
                    last=events[-1].originator_version,
                )
            )
        try:
            aggregate: Aggregate = self.app.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise UnknownAggregateError(
                N_("unknown aggregate %(aggregate_id)s", aggregate_id=aggregate_id)
            ) from None
        state = {k: plain(v) for k, v in vars(aggregate).items() if not k.startswith("_")}
        return {
            "id": str(aggregate.id),
            "type": type(aggregate).__name__,
            "version": aggregate.version,
            "latest_version": events[-1].originator_version,
            "state": state,
            "events": [
                {
                    "version": e.originator_version,
                    "event": type(e).__qualname__,
                    "at": plain(getattr(e, "at", None)),
                    "actor": getattr(e, "actor", ""),
                }
                for e in events
                if e.originator_version <= aggregate.version
            ],
        }
