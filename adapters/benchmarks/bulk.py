"""Bulk: members load and scenario import, events per second.

Members load is what `akkoord members load --file F` does: parse and check the CSV, register
every municipality in one transaction, catch the read models up. Scenario import is what
`akkoord scenario run` does with the shipped story on a fresh store (every step a command on a
simulated clock, the deadlines fired between them). Both are compared with the library's
batched save of the same number of events (new small aggregates, one `save()`).
"""

from __future__ import annotations

import csv
from pathlib import Path

from adapters.benchmarks.baselines import bare_batched_save_events_per_second
from adapters.benchmarks.commands import OFFICER
from adapters.benchmarks.figures import Config, Figure, Stopwatch, figure, per_second
from adapters.benchmarks.logs import synthetic_facts
from adapters.bootstrap import build
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv
from adapters.scenario import Run, default_scenario_path, load_scenario, run_scenario
from workflows.clock import SimulatedClock

BATCH_BASELINE = "bare library: batched save of as many events (new small aggregates)"


def write_members_csv(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["code", "name", "province", "inhabitants", "year"])
        for fact in synthetic_facts(count):
            writer.writerow([fact.code, fact.name, fact.province, fact.inhabitants, fact.year])


def members_load_figure(directory: Path, config: Config) -> Figure:
    directory.mkdir(parents=True, exist_ok=True)
    source = directory / "members.csv"
    write_members_csv(source, config.members)
    with build(Settings(directory / "members", database_url=None), create=True) as engine:
        with Stopwatch() as watch:
            engine.app.members.load_members(
                read_members_csv(source), actor=OFFICER, reason="benchmark"
            )
            engine.catch_up()
        events = engine.app.head()
    baseline = bare_batched_save_events_per_second(directory, events, "members")
    return figure(
        "bulk.members_load",
        per_second(events, watch.seconds),
        "events/s",
        baseline,
        what=f"members load: {config.members:,} municipalities from CSV, one transaction",
        baseline_what=BATCH_BASELINE,
    )


def scenario_figure(directory: Path) -> Figure:
    directory.mkdir(parents=True, exist_ok=True)
    scenario = load_scenario(default_scenario_path())
    clock = SimulatedClock(scenario.steps[0].at)
    with build(
        Settings(directory / "scenario", database_url=None), create=True, clock=clock
    ) as engine:
        with Stopwatch() as watch:
            run_scenario(Run(engine=engine, clock=clock, timezone=scenario.timezone), scenario)
        events = engine.app.head()
    baseline = bare_batched_save_events_per_second(directory, events, "scenario")
    return figure(
        "bulk.scenario_import",
        per_second(events, watch.seconds),
        "events/s",
        baseline,
        what=f"scenario import: the shipped story, {len(scenario.steps)} steps, {events} events",
        baseline_what=BATCH_BASELINE,
    )


def bulk_figures(directory: Path, config: Config) -> list[Figure]:
    figures = [members_load_figure(directory, config)]
    if config.scenario:
        figures.append(scenario_figure(directory))
    return figures
