"""What a scenario file is: its dated steps and the file's limits and line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from adapters.scenario.provenance import Provenance
from domain.actor import Actor
from domain.errors import InvalidInputError

DEFAULT_SCENARIO = "scenario-azwa-2025.toml"
MAX_SCENARIO_BYTES = 10_000_000


class ScenarioError(InvalidInputError):
    code = "invalid_scenario"


def default_scenario_path() -> Path:
    return Path(str(files("adapters.data").joinpath(DEFAULT_SCENARIO)))


@dataclass(frozen=True)
class Step:
    number: int
    line: int
    at: datetime
    do: str
    actor: Actor
    reason: str
    name: str
    args: dict[str, Any]
    # Where the step comes from; its tag ends `reason`, so the log carries it too.
    provenance: Provenance = field(default_factory=Provenance)


@dataclass
class Scenario:
    title: str
    timezone: str
    steps: list[Step]
    key_dates: list[datetime] = field(default_factory=list)
    path: Path | None = None
    digest: str = ""  # of the file's text: which marks in a store belong to this scenario


STEP_HEADER = re.compile(r"^\s*\[\[\s*step\s*\]\]")


def step_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), start=1) if STEP_HEADER.match(line)]
