"""The event log as auditors read it: position, time, aggregate, event name, actor and data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

_ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor", "at"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class LogEntry:
    position: int
    recorded_at: str  # when the store took the event
    effective_at: str  # the moment the command took effect (a simulated clock may differ)
    aggregate_id: str
    version: int
    event: str
    actor: str
    data: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "recorded_at": self.recorded_at,
            "effective_at": self.effective_at,
            "aggregate_id": self.aggregate_id,
            "version": self.version,
            "event": self.event,
            "actor": self.actor,
            "data": self.data,
        }


def describe(position: int, event: DomainEventProtocol[Any]) -> LogEntry:
    fields = vars(event)
    effective = fields.get("at")
    recorded = fields.get("timestamp")
    return LogEntry(
        position=position,
        recorded_at=recorded.isoformat() if isinstance(recorded, datetime) else "",
        effective_at=effective.isoformat() if isinstance(effective, datetime) else "",
        aggregate_id=str(event.originator_id),
        version=event.originator_version,
        event=type(event).__qualname__,
        actor=str(fields.get("actor", "")),
        data={k: _plain(v) for k, v in fields.items() if k not in _ENVELOPE},
    )
