"""`akkoord demo`: tell the story of the letters into a fresh store."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import typer
from rich.table import Table

from adapters.config.settings import Settings
from adapters.entrypoints.cli.columns import heading
from adapters.entrypoints.cli.common import DataDirOpt, JsonOpt, guarded, out, print_json
from adapters.entrypoints.cli.consultation import load_tally, print_tally, synthetic_note
from adapters.entrypoints.cli.scenario import play
from adapters.entrypoints.cli.widths import print_fitted, wrap_prose
from adapters.i18n.catalogues import ENGLISH, current
from adapters.i18n.catalogues import gettext as _
from adapters.i18n.labels import label
from domain.consultation import SYNTHETIC_ADVICE
from domain.errors import ConflictError
from domain.money import euros

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
        wrap_prose(out)  # a story for a person: every line fits the terminal
        out.print(f"[bold]{scenario.title}[/bold]")
        out.print(
            _(
                "[bold]SYNTHETIC BALLOTS[/bold]: the real per-municipality ballots of the "
                "ledenraadpleging are not public; the ones cast here are drawn from a seeded "
                "generator and marked synthetic."
            )
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
    matrix = Table(title=_("Status per party at the key dates (Europe/Amsterdam)"))
    matrix.add_column(heading("agreement"))
    matrix.add_column(heading("party"))
    dates = report["dates"]
    for d in dates:
        matrix.add_column(d[:10])
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for d in dates:
        for row in report["status"][d]:
            # A status that follows the synthetic ballots' advice says so in its cell too.
            synthetic = _(" (synthetic)") if SYNTHETIC_ADVICE in row["detail"] else ""
            cells.setdefault((row["agreement"], row["party"]), {})[d] = row["status"] + synthetic
    for (agreement, party), by_date in sorted(cells.items()):
        if {by_date.get(d, "") for d in dates} <= {"", "involved, not signing"}:
            continue
        matrix.add_row(agreement, party, *[_status_cell(by_date.get(d, "")) for d in dates])
    print_fitted(out, matrix)
    if tally is not None:
        print_tally(tally, provinces, report.get("synthetic_note", ""), result)
    for name, region in report["regions"].items():
        out.print(_("[bold]Region %(name)s[/bold]", name=name))
        for d in region["decisions"]:
            out.print(
                _(
                    "  decision %(number)s (%(state)s): %(text)s",
                    number=d["number"],
                    state=label(d["state"]),
                    text=d["text"],
                )
            )
        for moment, ent in region["funding"].items():
            amount = "" if ent["entitled_cents"] is None else f" {_euros(ent['entitled_cents'])}"
            out.print(
                _(
                    "  SPUK IZA 2026 as of %(day)s: %(status)s%(amount)s",
                    day=moment[:10],
                    status=label(ent["status"]),
                    amount=amount,
                )
            )
    for c in report["commitments"]:
        findings = ", ".join(
            _("review %(period)s: %(finding)s", period=p, finding=label(f))
            for p, f in c["findings"].items()
        ) or _("none yet")
        out.print(
            _(
                "  monitoring: %(title)s: %(raised)s review(s) raised by the scheduler; "
                "findings: %(findings)s; next %(next)s",
                title=c["title"],
                raised=c["raised"],
                findings=findings,
                next=c["next_review_at"][:10],
            )
        )
    out.print(
        _(
            "store: %(store)s  (%(events)s events, %(fired)s deadlines fired by the simulated "
            "clock). Try: akkoord status --as-of 2025-10-01 --party VNG --data-dir %(store)s",
            store=target,
            events=_number(report["events"]),
            fired=run.fired,
        )
    )


def _status_cell(text: str) -> str:
    """A status and its "(synthetic)" mark: the status in the run's language."""
    words = _(" (synthetic)")
    if text.endswith(words):
        return label(text.removesuffix(words)) + words
    return label(text)


def _number(value: int) -> str:
    if current() == ENGLISH:
        return str(value)
    from adapters.i18n.formats import number

    return number(value)


def _euros(cents: int) -> str:
    if current() == ENGLISH:
        return euros(cents)
    from decimal import Decimal

    from adapters.i18n.formats import money

    return money(Decimal(cents) / 100)


def _fresh_or_interrupted(settings: Settings, scenario: Scenario) -> bool:
    from adapters.bootstrap import build
    from adapters.scenario import started_here

    with build(settings) as e:
        return e.app.head() == 0 or started_here(e, scenario)
