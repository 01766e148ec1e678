"""Shared fixtures: real stores in temp dirs, and a simulated clock.

The backend is picked by the environment, for the whole suite: without AKKOORD_DATABASE_URL every
store is SQLite files; with a postgresql:// URL ending in `?schema=per-data-dir`, every data
directory gets its own schema on that server (`.ci/run` runs the suite both ways).
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings

from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from adapters.inputs.members_csv import shipped_members_path
from domain.actor import Actor, Role
from workflows.clock import SimulatedClock

# No per-example deadline anywhere: on a loaded machine an example is slow, not wrong. Speed is
# measured by `akkoord bench`, never asserted in a test.
settings.register_profile("akkoord", deadline=None)
settings.load_profile("akkoord")

# The suite starts hundreds of akkoord processes. Where the environment turns bytecode caches off
# (PYTHONDONTWRITEBYTECODE, set on some CI machines), each would compile every module it imports
# again: about a third of their time. They run as an installed akkoord does, with caches.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

BACKEND = "postgresql" if os.environ.get("AKKOORD_DATABASE_URL") else "sqlite"


def examples(count: int) -> int:
    """Hypothesis examples for a property whose rule is the same code on either store: all of
    them on SQLite (the README's test command), a third on PostgreSQL (CI's second run, for its
    time budget), where each example still runs against that store."""
    return count if BACKEND == "sqlite" else max(10, count // 3)


AMS = ZoneInfo("Europe/Amsterdam")
OFFICER = Actor(Role.OFFICER, "test.officer")
START = datetime(2025, 9, 1, 9, 0, tzinfo=AMS)
OPENS = datetime(2025, 9, 10, 9, 0, tzinfo=AMS)
CLOSES = datetime(2025, 10, 22, 16, 0, tzinfo=AMS)


def shipped_rows() -> list[dict[str, str]]:
    with shipped_members_path().open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def pytest_report_header() -> str:
    where = os.environ.get("AKKOORD_DATABASE_URL", "SQLite files per data directory")
    return f"akkoord store backend: {BACKEND} ({where})"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Files with a slow test go first: the workers (a file each, `--dist loadfile`) then start
    # on the long ones and end on short ones, instead of one worker finishing a long file alone.
    slow_files = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow_files)
    for item in items:
        for marker in item.iter_markers("sqlite_only"):
            if BACKEND != "sqlite":
                item.add_marker(pytest.mark.skip(reason=f"SQLite only: {marker.args[0]}"))
        for marker in item.iter_markers("postgres_only"):
            if BACKEND != "postgresql":
                item.add_marker(pytest.mark.skip(reason=f"PostgreSQL only: {marker.args[0]}"))


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
