"""`akkoord scenario run FILE`: replay a dated story on a simulated clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from adapters.config.settings import Settings
from adapters.entrypoints.cli.common import DataDirOpt, JsonOpt, emit, guarded, out
from workflows.clock import SimulatedClock

# The scenario runner wires a whole store: it loads when a scenario runs, not on --help.
if TYPE_CHECKING:
    from adapters.bootstrap import Engine
    from adapters.scenario import Run, Scenario

app = typer.Typer(help="Scenario files: dated steps on a simulated clock.", no_args_is_help=True)


def play(
    settings: Settings,
    scenario: Scenario,
    show_progress: bool,
    after: Callable[[Engine, Run], None] | None = None,
    *,
    commit: bool = True,
) -> Run:
    """Run a scenario all or nothing: first on a scratch copy of the store, and only when every
    step succeeded on the real one (a fresh store is simply moved into place). Without `commit`
    the scratch run is all there is: a check that writes nothing.

    The real run resumes a run of the same file that was killed: the steps it marked are
    skipped (see adapters.scenario). The scratch copy is removed whatever happens, and copies
    left by killed runs are removed at the next start."""
    from adapters.bootstrap import create_tables
    from adapters.store import backend_for
    from adapters.store.scratch_dirs import scratch_dir

    target = settings.data_dir
    backend = backend_for(settings)
    fresh = not backend.store_exists()
    with scratch_dir(target.parent) as directory:
        scratch = backend.scratch(directory / "store")
        scratch.data_dir.mkdir()
        try:
            if not fresh:
                backend.copy_store_to(scratch, create_tables)
            adopt = fresh and commit
            run = _play(scratch, scenario, show_progress, after if adopt else None)
            if not commit:
                return run
            if adopt and backend.adopt(scratch, create_tables):
                return run
            return _play(settings, scenario, False, after)
        finally:
            backend.drop_scratch(scratch)


def _play(
    settings: Settings,
    scenario: Scenario,
    show_progress: bool,
    after: Callable[[Engine, Run], None] | None,
) -> Run:
    from adapters.bootstrap import build
    from adapters.scenario import Run, run_scenario

    clock = SimulatedClock(scenario.steps[0].at)
    with build(settings, create=True, clock=clock) as e:
        run = Run(engine=e, clock=clock, timezone=scenario.timezone)
        if show_progress:
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
            with Progress(*columns, console=out, transient=True) as bar:
                steps = bar.add_task("steps", total=len(scenario.steps))
                ballots = bar.add_task("synthetic ballots", total=None, visible=False)

                def progress(what: str, done: int, total: int) -> None:
                    if what == "synthetic ballots":
                        bar.update(ballots, completed=done, total=total, visible=done < total)
                    else:
                        bar.update(steps, completed=done, description=f"step: {what}")

                run.progress = progress
                run_scenario(run, scenario)
        else:
            run_scenario(run, scenario)
        if after is not None:
            after(e, run)
    return run


@app.command("run")
@guarded
def run_command(
    file: Annotated[
        Path | None, typer.Argument(help="A scenario TOML file (default: the shipped story).")
    ] = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Check the whole file, then run its steps in order; deadlines fire as the clock passes them."""
    from adapters.scenario import default_scenario_path, load_scenario

    path = file or default_scenario_path()
    scenario = load_scenario(path)
    run = play(Settings.resolve(data_dir), scenario, show_progress=not json_output)
    emit(
        json_output,
        {
            "steps": len(scenario.steps),
            "resumed": run.resumed,
            "deadlines_fired": run.fired,
            "ids": run.ids,
        },
        f"{len(scenario.steps)} steps run, {run.fired} deadlines fired ({scenario.title})"
        + (
            f"; {run.resumed} steps were applied already by an interrupted run"
            if run.resumed
            else ""
        ),
    )


@app.command("check")
@guarded
def check_command(
    file: Annotated[Path, typer.Argument(help="A scenario TOML file.", show_default=False)],
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Check a scenario file: every step, run on a scratch copy of the store; nothing is written."""
    from adapters.scenario import load_scenario

    scenario = load_scenario(file)
    play(Settings.resolve(data_dir), scenario, show_progress=not json_output, commit=False)
    emit(
        json_output,
        {"steps": len(scenario.steps), "title": scenario.title},
        f"{file}: {len(scenario.steps)} steps, OK",
    )
