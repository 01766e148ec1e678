"""Shared fixtures: real SQLite stores in temp dirs, and a simulated clock."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.bootstrap import Engine, build
from adapters.members_csv import shipped_members_path
from adapters.settings import Settings
from domain.actor import Actor, Role
from workflows.clock import SimulatedClock

AMS = ZoneInfo("Europe/Amsterdam")
OFFICER = Actor(Role.OFFICER, "test.officer")
START = datetime(2025, 9, 1, 9, 0, tzinfo=AMS)
OPENS = datetime(2025, 9, 10, 9, 0, tzinfo=AMS)
CLOSES = datetime(2025, 10, 22, 16, 0, tzinfo=AMS)


def shipped_rows() -> list[dict[str, str]]:
    with shipped_members_path().open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def engine(store_dir: Path, clock: SimulatedClock) -> Iterator[Engine]:
    with build(Settings(store_dir), create=True, clock=clock) as e:
        yield e


def secretary(code: str) -> Actor:
    return Actor(Role.SECRETARY, code)
