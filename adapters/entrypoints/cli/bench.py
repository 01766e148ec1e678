"""`akkoord bench`: measure akkoord on the current backend, each figure beside a baseline."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from adapters.entrypoints.cli.common import JsonOpt, err, guarded, out, print_json

QuickOpt = Annotated[
    bool, typer.Option("--quick", help="Smaller sizes: finishes in a few minutes.")
]
DatabaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Also measure commands and rebuild on this PostgreSQL server "
        "(postgresql://USER:PASSWORD@HOST:PORT/DBNAME), each store in a schema of its own, "
        "dropped afterwards.",
        show_default=False,
    ),
]


TABLE_WIDTH = 150  # columns of the table when the output is not a terminal


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _with_min(median: float | None, low: float | None, rounds: int) -> str:
    """The median, and the lowest round beside it when there was more than one."""
    if median is None or rounds < 2:
        return _number(median)
    return f"{_number(median)} [dim]({_number(low)})[/dim]"


@guarded
def bench_command(
    json_output: JsonOpt = False,
    quick: QuickOpt = False,
    database_url: DatabaseUrlOpt = None,
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
    """Benchmarks in temp dirs, each figure beside a baseline measured in the same run, in turns:
    commands, HTTP, CLI processes, bulk, rebuild, as-of, tally, memory (under 20 minutes; --quick:
    a few). --database-url adds PostgreSQL. --soak MINUTES runs the consistency soak instead."""
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
    postgres = None
    if database_url:
        from adapters.benchmarks.pg_schemas import check_server

        postgres = check_server(database_url)  # a bad URL or an absent server: one line, now

    started = time.perf_counter()

    def progress(what: str) -> None:
        if not json_output:
            err.print(f"[dim]{time.perf_counter() - started:6.1f} s  {what}[/dim]")

    figures = run_benchmarks(config, progress, database_url=database_url)
    seconds = time.perf_counter() - started
    if json_output:
        print_json(report(config, figures, seconds, postgres))
        return
    about = machine(postgres)
    table = Table(
        title=f"akkoord bench ({config.mode}, {seconds:.0f} s)",
        caption=(
            f"{about['date']}; {about['cpus']} CPUs, {about['memory']}; Python {about['python']}, "
            f"SQLite {about['sqlite']}, eventsourcing {about['eventsourcing']}"
            + (f"; PostgreSQL {postgres}" if postgres else "")
            + ". Median (and min) over the rounds; ratio = median / baseline median."
        ),
    )
    for column in ("figure", "median (min)", "unit", "baseline (min)", "ratio", "target", "met"):
        numeric = column in ("median (min)", "baseline (min)", "ratio")
        # The figure's name is never cut: it is what the JSON and the README refer to.
        table.add_column(column, justify="right" if numeric else "left", no_wrap=column == "figure")
    for f in figures:
        met = "" if f.met is None else ("[green]yes[/green]" if f.met else "[red]no[/red]")
        table.add_row(
            f.name,
            _with_min(f.value, f.low, f.rounds),
            f.unit,
            _with_min(f.baseline, f.baseline_low, f.rounds),
            _number(f.ratio),
            f.target or "",
            met,
        )
    # Piped into a file, rich would assume 80 columns and squeeze the table: give it room.
    from rich.console import Console

    wide = out if out.is_terminal else Console(highlight=False, width=max(out.width, TABLE_WIDTH))
    wide.print(table)
    for f in figures:
        out.print(f"[bold]{f.name}[/bold]: {f.what}; [dim]baseline: {f.baseline_what}[/dim]")
    checked = [f for f in figures if f.met is not None]
    missed = [f.name for f in checked if not f.met]
    out.print(
        f"{len(checked) - len(missed)} of {len(checked)} targets met"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
