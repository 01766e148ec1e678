"""Reading a scenario file and checking all of it before anything runs: each step's command,
arguments, date, actor and references, refused with the step's line."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from adapters.inputs.members_csv import read_limited
from adapters.inputs.timeparse import DEFAULT_TZ, parse_moment
from adapters.scenario.provenance import parse_provenance
from adapters.scenario.reading import (
    MAX_SCENARIO_BYTES,
    Scenario,
    ScenarioError,
    Step,
    step_lines,
)
from adapters.scenario.steps import COMMANDS
from domain.actor import Actor
from domain.errors import DomainError


def _references(value: Any) -> list[str]:
    if isinstance(value, str) and value.startswith("@"):
        return [value[1:]]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    return []


def load_scenario(path: Path) -> Scenario:
    """Parse and check the whole file; refuse it with the step and line of the first problem."""
    text = read_limited(path, MAX_SCENARIO_BYTES, ScenarioError)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{path}: not valid TOML ({e})") from None
    except RecursionError:
        raise ScenarioError(f"{path}: not valid TOML (nested too deeply)") from None
    timezone = str(data.get("timezone", DEFAULT_TZ))
    raw_steps = data.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ScenarioError(f"{path}: no [[step]] tables")
    lines = step_lines(text)
    steps: list[Step] = []
    names: set[str] = set()
    for number, raw in enumerate(raw_steps, start=1):
        line = lines[number - 1] if number - 1 < len(lines) else 0
        where = f"{path}:{line}: step {number}"
        try:
            steps.append(_check_step(raw, number, line, timezone, names, steps))
        except (DomainError, KeyError, TypeError, ValueError) as e:
            message = e.args[0] if isinstance(e, DomainError) else f"{type(e).__name__}: {e}"
            raise ScenarioError(f"{where}: {message}") from None
    key_dates = [
        parse_moment(str(d), timezone, what="key date")
        if "T" in str(d)
        else parse_moment(f"{d}T23:59:59", timezone, what="key date")
        for d in data.get("key_dates", [])
    ]
    return Scenario(
        title=str(data.get("title", path.name)),
        timezone=timezone,
        steps=steps,
        key_dates=key_dates,
        path=path,
        digest=hashlib.sha256(text.encode()).hexdigest(),
    )


PROVENANCE_KEYS = ("source", "passage", "assumed")


def _check_step(
    raw: Any, number: int, line: int, timezone: str, names: set[str], before: list[Step]
) -> Step:
    if not isinstance(raw, dict):
        raise ScenarioError("a step is a table")
    unknown_keys = set(raw) - {"at", "do", "as", "reason", "name", "with", *PROVENANCE_KEYS}
    if unknown_keys:
        raise ScenarioError(f"unknown key(s) {', '.join(sorted(unknown_keys))}")
    for key in ("at", "do", "as", "reason"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ScenarioError(f"'{key}' is required (text)")
    do = raw["do"].strip()
    if do not in COMMANDS:
        raise ScenarioError(f"unknown command {do!r}")
    at = parse_moment(raw["at"], timezone, what="'at'")
    if before and at < before[-1].at:
        raise ScenarioError(f"{raw['at']} is earlier than the step before it")
    args = raw.get("with", {})
    if not isinstance(args, dict):
        raise ScenarioError("'with' is a table of arguments")
    required, optional, _ = COMMANDS[do]
    missing = required - set(args)
    if missing:
        raise ScenarioError(f"{do} needs {', '.join(sorted(missing))}")
    extra = set(args) - required - optional
    if extra:
        raise ScenarioError(f"{do} does not take {', '.join(sorted(extra))}")
    for ref in _references(list(args.values())):
        if ref not in names:
            raise ScenarioError(f"@{ref} does not name an earlier step")
    name = str(raw.get("name", ""))
    if name:
        if name in names:
            raise ScenarioError(f"the name {name!r} is used twice")
        names.add(name)
    actor = Actor.parse(raw["as"])
    # Checked last, so a step that is wrong in itself is refused for that first.
    provenance = parse_provenance(raw)
    return Step(
        number=number,
        line=line,
        at=at,
        do=do,
        actor=actor,
        reason=f"{raw['reason'].strip()} {provenance.tag()}",
        name=name,
        args=args,
        provenance=provenance,
    )
