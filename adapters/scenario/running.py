"""Running a checked scenario on a simulated clock: deadlines fire as they fall due, and each
step's first write carries its mark so an interrupted run resumes where it stopped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from adapters.bootstrap import Engine
from adapters.inputs.timeparse import zone
from adapters.readmodels.queries import deadline_rows
from adapters.scenario.reading import (
    Scenario,
    ScenarioError,
    Step,
)
from adapters.scenario.steps import COMMANDS, Run
from domain.deadlines import FIRED_BY_SCHEDULER
from domain.errors import DomainError
from domain.scenario_step import ScenarioStep, scenario_step_id
from projections.rows import from_time_key, time_key


def fire_due(run: Run, until: datetime) -> None:
    """Fire every pending deadline due at or before `until`, each at its own moment."""
    while True:
        run.engine.catch_up()
        due = [d for d in deadline_rows(run.engine.views) if d["due_at"] <= time_key(until)]
        fireable = [d for d in due if d["kind"] in FIRED_BY_SCHEDULER]
        if not fireable:
            return
        deadline = fireable[0]
        moment = from_time_key(deadline["due_at"]).astimezone(zone(deadline["timezone"]))
        run.clock.set(max(moment, run.clock.now()))
        run.engine.app.deadlines.fire_deadline(deadline["kind"], UUID(deadline["subject_id"]))
        run.fired += 1


# Steps that write more than once; each write is idempotent (the same facts, the same seeded
# ballots at the same moments write nothing twice), so a marked one is simply run again.
REPEATABLE = frozenset({"members.load", "consultation.synthetic_ballots"})


@contextmanager
def marking(run: Run, scenario: Scenario, step: Step) -> Iterator[None]:
    """Save the step's mark with its first write, atomically; a conflict's retry carries a new
    mark (the library took the pending event of the refused one)."""
    app = run.engine.app
    original = app.save
    marked = False

    def save(*objs: Any, **kwargs: Any) -> Any:
        nonlocal marked
        if marked:
            return original(*objs, **kwargs)
        created = [
            str(o.id)
            for o in objs
            if isinstance(o, Aggregate)
            and o.pending_events
            and o.pending_events[0].originator_version == 1
        ]
        mark = ScenarioStep(
            digest=scenario.digest,
            number=step.number,
            command=step.do,
            created=created,
            actor=str(step.actor),
            at=run.clock.now(),
        )
        recordings = original(*objs, mark, **kwargs)
        marked = True
        return recordings

    app.save = save  # type: ignore[method-assign]
    try:
        yield
    finally:
        del app.save


def applied_mark(run: Run, scenario: Scenario, step: Step) -> ScenarioStep | None:
    return run.engine.app._find(ScenarioStep, scenario_step_id(scenario.digest, step.number))


def started_here(engine: Engine, scenario: Scenario) -> bool:
    """Whether a run of this very scenario has applied steps to the store."""
    return any(
        engine.app._find(ScenarioStep, scenario_step_id(scenario.digest, step.number))
        for step in scenario.steps
    )


def run_scenario(run: Run, scenario: Scenario) -> None:
    for step in scenario.steps:
        fire_due(run, step.at)
        run.clock.set(max(step.at, run.clock.now()))
        mark = applied_mark(run, scenario, step)
        if mark is not None:
            run.resumed += 1
            if step.name:
                if len(mark.created) != 1:
                    raise ScenarioError(
                        f"{scenario.path}:{step.line}: step {step.number}: cannot resume: the "
                        "step's mark does not name what it created"
                    )
                run.ids[step.name] = mark.created[0]
            if step.do not in REPEATABLE:
                run.progress(step.do, step.number, len(scenario.steps))
                continue
        _, _, handler = COMMANDS[step.do]
        args = {k: run.ref(v) if k != "suspends" else v for k, v in step.args.items()}
        try:
            if mark is None:
                with marking(run, scenario, step):
                    result = handler(run, step, args)
            else:
                result = handler(run, step, args)
        except DomainError as e:
            raise type(e)(
                f"{scenario.path}:{step.line}: step {step.number}: {step.do}: {e}"
            ) from None
        except (KeyError, ValueError, TypeError) as e:
            raise ScenarioError(
                f"{scenario.path}:{step.line}: step {step.number}: {step.do}: bad argument ({e})"
            ) from None
        if step.name:
            run.ids[step.name] = str(result)
        run.engine.catch_up()
        run.progress(step.do, step.number, len(scenario.steps))
    fire_due(run, run.clock.now())
