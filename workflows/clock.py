"""The clock port: the domain never reads the time itself, it is handed `at` by a service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """A clock that moves only when told to: scenarios and tests replay real dates with it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a simulated clock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a simulated clock needs timezone-aware times")
        if moment < self._now:
            raise ValueError(f"a simulated clock does not run backwards ({moment} < {self._now})")
        self._now = moment

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)
