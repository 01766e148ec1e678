"""`akkoord demo`: tell the story into a fresh store."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from adapters.bootstrap import build
from adapters.cli.common import DataDirOpt, JsonOpt, guarded, out, print_json
from adapters.cli.consultation import load_tally, print_tally
from adapters.demo import CLOSES, MEMBERS_LOADED, OPENS, run_consultation_story
from adapters.settings import Settings
from domain.errors import ConflictError
from workflows.clock import SimulatedClock


class StoreNotEmptyError(ConflictError):
    code = "store_not_empty"


@guarded
def demo_command(
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic ballots.")] = 2025,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Run the AZWA/HLO ledenraadpleging of autumn 2025 into a fresh store and print the tally."""
    target = data_dir or Path(tempfile.mkdtemp(prefix="akkoord-demo-"))
    settings = Settings(data_dir=target)
    if settings.store_exists():
        raise StoreNotEmptyError(f"{target} already holds a store; the demo needs a fresh one")
    clock = SimulatedClock(MEMBERS_LOADED)
    with build(settings, create=True, clock=clock) as e:
        if json_output:
            result = run_consultation_story(e, clock, seed, lambda done, total: None)
        else:
            out.print(
                "[bold]SYNTHETIC BALLOTS[/bold]: the real per-municipality ballots are not public;"
                f" these are drawn with seed {seed}."
            )
            with Progress(console=out, transient=True) as bar:
                task = bar.add_task("casting ballots", total=None)
                result = run_consultation_story(
                    e,
                    clock,
                    seed,
                    lambda done, total: bar.update(task, completed=done, total=total),
                )
        tally, provinces = load_tally(e, str(result.consultation_id))
        head = e.app.head()
    if json_output:
        print_json(
            {
                "data_dir": str(target),
                "consultation_id": str(result.consultation_id),
                "synthetic": True,
                "seed": seed,
                "ballots_cast": result.ballots,
                "events": head,
                "tally": tally.as_dict(),
            }
        )
        return
    out.print(
        f"Ledenraadpleging AZWA/HLO, {OPENS:%d %b %Y} - {CLOSES:%d %b %Y %H:%M} Europe/Amsterdam:"
        f" {result.members} members, {result.ballots} ballots (synthetic), closed by the deadline."
    )
    print_tally(tally, provinces)
    out.print(f"store: {target}  ({head} events; try: akkoord log --data-dir {target})")
