"""`akkoord demo`: tell the story of the letters into a fresh store."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import typer
from rich.table import Table

from adapters.config.settings import Settings
from adapters.entrypoints.cli.common import DataDirOpt, JsonOpt, guarded, out, print_json
from adapters.entrypoints.cli.consultation import load_tally, print_tally, synthetic_note
from adapters.entrypoints.cli.scenario import play
from domain.consultation import SYNTHETIC_ADVICE
from domain.errors import ConflictError
from domain.funding import euros

# The store, the read models and the scenario runner load when the demo runs, not on --help.
if TYPE_CHECKING:
    from adapters.bootstrap import Engine
    from adapters.scenario import Run, Scenario


class StoreNotEmptyError(ConflictError):
    code = "store_not_empty"


@guarded
def demo_command(
    scenario_file: Annotated[
        Path | None, typer.Option("--scenario", help="Default: the shipped story of the letters.")
    ] = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Run the story of the letters (IZA 2022 to the ALV of November 2025) into a fresh store."""
    from adapters.audit.transparency import transparent
    from adapters.readmodels.consultation_results import tally_result
    from adapters.readmodels.queries import entitlement, status_as_of
    from adapters.scenario import default_scenario_path, load_scenario
    from adapters.store import backend_for, store_exists

    target = data_dir or Path(tempfile.mkdtemp(prefix="akkoord-demo-"))
    settings = Settings(data_dir=target)
    scenario = load_scenario(scenario_file or default_scenario_path())
    if store_exists(settings) and not _fresh_or_interrupted(settings, scenario):
        # (an initialised but empty PostgreSQL database, right after `db init`, will do; so
        # will a store holding a killed demo of the same story, which is finished)
        raise StoreNotEmptyError(
            f"{backend_for(settings).describe()} already holds a store; the demo needs a fresh one"
        )
    if not json_output:
        out.print(f"[bold]{scenario.title}[/bold]")
        out.print(
            "[bold]SYNTHETIC BALLOTS[/bold]: the real per-municipality ballots of the "
            "ledenraadpleging are not public; the ones cast here are drawn from a seeded "
            "generator and marked synthetic."
        )
    report: dict[str, Any] = {}

    def summarise(e: Engine, run: Run) -> None:
        dates = [*scenario.key_dates, run.clock.now()]
        report["dates"] = [d.isoformat() for d in dates]
        report["status"] = {
            d.isoformat(): [r.as_dict() for r in status_as_of(e.views, d)] for d in dates
        }
        consultation = run.ids.get("consultation")
        if consultation:
            tally, provinces = load_tally(e, consultation)
            report["consultation_id"] = consultation
            report["tally"] = (tally, provinces)
            # the voting rules and the advice they give, shown wherever the result is
            report["tally_result"] = tally_result(e.app, e.views, UUID(consultation))
            report["synthetic_note"] = synthetic_note(e, consultation)
        # How many events, not the last position: on PostgreSQL a failed insert (a conflict
        # retried) leaves a gap in the positions. The tree holds one leaf per event.
        report["events"] = transparent(e.app.recorder).tree().size
        report["regions"] = {
            r["name"]: {
                "decisions": r["decisions"],
                "funding": {
                    d.isoformat(): entitlement(e.views, "SPUK-IZA", r["name"], 2026, d)
                    for d in dates
                },
            }
            for r in e.app.regions.list_regions()
        }
        report["commitments"] = e.app.monitoring.list_commitments()

    run = play(settings, scenario, show_progress=not json_output, after=summarise)
    tally, provinces = report.pop("tally", (None, {}))
    result = report.pop("tally_result", None)
    if json_output:
        print_json(
            {
                "data_dir": str(target),
                "synthetic": True,
                "ids": run.ids,
                "deadlines_fired": run.fired,
                **report,
                "tally": (
                    {**tally.as_dict(), "rules": result["rules"], "outcome": result["outcome"]}
                    if tally and result
                    else None
                ),
            }
        )
        return
    matrix = Table(title="Status per party at the key dates (Europe/Amsterdam)")
    matrix.add_column("agreement")
    matrix.add_column("party")
    dates = report["dates"]
    for d in dates:
        matrix.add_column(d[:10])
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for d in dates:
        for row in report["status"][d]:
            # A status that follows the synthetic ballots' advice says so in its cell too.
            synthetic = " (synthetic)" if SYNTHETIC_ADVICE in row["detail"] else ""
            cells.setdefault((row["agreement"], row["party"]), {})[d] = row["status"] + synthetic
    for (agreement, party), by_date in sorted(cells.items()):
        if {by_date.get(d, "") for d in dates} <= {"", "involved, not signing"}:
            continue
        matrix.add_row(agreement, party, *[by_date.get(d, "") for d in dates])
    out.print(matrix)
    if tally is not None:
        print_tally(tally, provinces, report.get("synthetic_note", ""), result)
    for name, region in report["regions"].items():
        out.print(f"[bold]Region {name}[/bold]")
        for d in region["decisions"]:
            out.print(f"  decision {d['number']} ({d['state']}): {d['text']}")
        for moment, ent in region["funding"].items():
            amount = "" if ent["entitled_cents"] is None else f" {euros(ent['entitled_cents'])}"
            out.print(f"  SPUK IZA 2026 as of {moment[:10]}: {ent['status']}{amount}")
    for c in report["commitments"]:
        findings = ", ".join(f"review {p}: {f}" for p, f in c["findings"].items()) or "none yet"
        out.print(
            f"  monitoring: {c['title']}: {c['raised']} review(s) raised by the scheduler; "
            f"findings: {findings}; next {c['next_review_at'][:10]}"
        )
    out.print(
        f"store: {target}  ({report['events']} events, {run.fired} deadlines fired by the "
        f"simulated clock). Try: akkoord status --as-of 2025-10-01 --party VNG "
        f"--data-dir {target}"
    )


def _fresh_or_interrupted(settings: Settings, scenario: Scenario) -> bool:
    from adapters.bootstrap import build
    from adapters.scenario import started_here

    with build(settings) as e:
        return e.app.head() == 0 or started_here(e, scenario)
