"""`akkoord bench`: measure akkoord on the current backend, each figure beside a baseline."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from adapters.entrypoints.cli.common import JsonOpt, err, guarded, out, print_json

QuickOpt = Annotated[
    bool, typer.Option("--quick", help="Smaller sizes: finishes in under a minute.")
]


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


@guarded
def bench_command(
    json_output: JsonOpt = False,
    quick: QuickOpt = False,
    soak_minutes: Annotated[
        float | None,
        typer.Option(
            "--soak",
            min=0.1,
            max=24 * 60,
            help="Instead: a soak of this many minutes (release checks).",
        ),
    ] = None,
) -> None:
    """Benchmarks in temp dirs: commands, bulk, rebuild, as-of, tally, memory (several minutes;
    --quick: under one). --soak MINUTES runs the long consistency soak instead."""
    from rich.table import Table

    if soak_minutes is not None:
        from adapters.benchmarks.soak import soak

        outcome = soak(soak_minutes, lambda what: None if json_output else err.print(what))
        if json_output:
            print_json(outcome.as_dict())
        else:
            err.print(
                f"soak: {outcome.commands} commands, {outcome.checks} checks, "
                f"{'no problems' if not outcome.problems else outcome.problems}"
            )
        if outcome.problems:
            raise typer.Exit(1)
        return

    from adapters.benchmarks.figures import Config
    from adapters.benchmarks.runner import machine, report, run_benchmarks

    config = Config.quick() if quick else Config.full()

    started = time.perf_counter()

    def progress(what: str) -> None:
        if not json_output:
            err.print(f"[dim]{time.perf_counter() - started:6.1f} s  {what}[/dim]")

    figures = run_benchmarks(config, progress)
    seconds = time.perf_counter() - started
    if json_output:
        print_json(report(config, figures, seconds))
        return
    about = machine()
    table = Table(
        title=f"akkoord bench ({config.mode}, {seconds:.0f} s)",
        caption=(
            f"{about['date']}; {about['cpus']} CPUs, {about['memory']}; Python {about['python']}, "
            f"SQLite {about['sqlite']}, eventsourcing {about['eventsourcing']}"
        ),
    )
    for column in ("figure", "value", "unit", "baseline", "ratio", "target", "met"):
        numeric = column in ("value", "baseline", "ratio")
        table.add_column(column, justify="right" if numeric else "left")
    for f in figures:
        met = "" if f.met is None else ("[green]yes[/green]" if f.met else "[red]no[/red]")
        table.add_row(
            f.name,
            _number(f.value),
            f.unit,
            _number(f.baseline),
            _number(f.ratio),
            f.target or "",
            met,
        )
    out.print(table)
    for f in figures:
        out.print(f"[bold]{f.name}[/bold]: {f.what}; [dim]baseline: {f.baseline_what}[/dim]")
    checked = [f for f in figures if f.met is not None]
    missed = [f.name for f in checked if not f.met]
    out.print(
        f"{len(checked) - len(missed)} of {len(checked)} targets met"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
