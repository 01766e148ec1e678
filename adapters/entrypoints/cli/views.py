"""Commands for everyone: status per party (now or as of any moment), timeline, history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from adapters.entrypoints.cli.columns import heading
from adapters.entrypoints.cli.common import (
    DataDirOpt,
    JsonOpt,
    engine,
    guarded,
    out,
    parse_id,
    print_json,
    show,
)
from adapters.entrypoints.cli.widths import print_fitted
from adapters.i18n.catalogues import ENGLISH, current
from adapters.i18n.catalogues import gettext as _
from adapters.i18n.labels import label
from adapters.inputs.timeparse import DEFAULT_TZ, parse_as_of, zone
from domain.actor import Actor
from domain.errors import InvalidInputError
from projections.rows import from_time_key, time_key

# The read-model queries (SQLAlchemy) are imported inside the commands that run them, so that
# `akkoord --help`, which imports every command module, does not load them.

AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="A date (end of that day) or a date-time.")
]
TzOpt = Annotated[str, typer.Option("--tz", help="Zone for --as-of and for showing times.")]


def _local(key: str, tz: str) -> str:
    """Read-model time keys are UTC; people read them in their own zone."""
    if not key:
        return ""
    moment = from_time_key(key)
    return moment.astimezone(zone(tz)).isoformat(timespec="minutes")


def _shown(key: str, tz: str) -> str:
    """A time for a table: "22 oktober 2025, 16:00" in Dutch, ISO to the minute in English."""
    if not key or current() == ENGLISH:
        return _local(key, tz)
    from adapters.i18n.formats import moment

    return moment(from_time_key(key), zone(tz))


@guarded
def status_command(
    as_of: AsOfOpt = None,
    known_at: Annotated[
        str | None,
        typer.Option(
            "--known-at",
            help="As the record stood at this moment (recorded time): only what was recorded "
            "by then, e.g. before a correction. A date (end of that day) or a date-time.",
        ),
    ] = None,
    agreement: Annotated[str | None, typer.Option("--agreement")] = None,
    party: Annotated[str | None, typer.Option("--party")] = None,
    tz: TzOpt = DEFAULT_TZ,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Where every agreement stands for every party: now, or as of any past moment; with
    --known-at, as the record said at that moment."""
    from adapters.readmodels.queries import status_known_at

    zone(tz)
    moment = parse_as_of(as_of, tz) if as_of else datetime.now(UTC)
    recorded = parse_as_of(known_at, tz, what="known-at") if known_at else None
    with engine(data_dir) as e:
        e.catch_up()
        rows = status_known_at(e.app, e.views, moment, recorded, agreement, party)
    if json_output:
        print_json([{**r.as_dict(), "since": _local(r.since, tz)} for r in rows])
        return
    title = _("Status as of %(moment)s", moment=_shown(time_key(moment), tz))
    if recorded is not None:
        title += _(", as known at %(moment)s", moment=_shown(time_key(recorded), tz))
    table = Table(*map(heading, ("agreement", "party", "status", "since", "because")), title=title)
    for r in rows:
        status = label(r.status) + (f" ({r.detail})" if r.detail else "")
        because = " ".join(r.because) + (f"\n{r.decision}" if r.decision else "")
        table.add_row(r.agreement, r.party, status, _shown(r.since, tz), because)
    print_fitted(out, table)


@guarded
def timeline_command(
    aggregate_id: Annotated[str | None, typer.Argument(help="One process; default: all.")] = None,
    tz: TzOpt = DEFAULT_TZ,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Every step of the decision processes, in the order they took effect."""
    from adapters.readmodels.queries import timeline_rows

    zone(tz)
    only = parse_id(aggregate_id, "process") if aggregate_id else None
    with engine(data_dir) as e:
        e.catch_up()
        # A Dutch reader gets each step's sentence in Dutch; English and --json keep the summary.
        dutch = not json_output and current() != ENGLISH
        rows = timeline_rows(e.views, str(only) if only else None, sentences=dutch)
        if only is not None and not rows:
            e.app.history.of(only)  # refuses an id the log does not know

    if json_output:
        print_json([{**r, "at": _local(r["at"], tz)} for r in rows])
        return
    table = Table(*map(heading, ("when", "process", "what", "who")))
    for r in rows:
        table.add_row(_shown(r["at"], tz), label(r["process"]), _step(r, dutch), r["actor"])
    print_fitted(out, table)


def _step(row: dict[str, Any], dutch: bool) -> str:
    if not dutch:
        return str(row["summary"])
    from adapters.i18n.sentences import sentence  # Babel loads only for a Dutch reader

    return sentence(row)


@guarded
def history_command(
    aggregate_id: Annotated[str, typer.Argument(help="Any aggregate id.", show_default=False)],
    as_of: AsOfOpt = None,
    version: Annotated[int | None, typer.Option("--version", min=1)] = None,
    tz: TzOpt = DEFAULT_TZ,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """An aggregate as it was, at a version or as of a moment."""
    if as_of and version:
        raise InvalidInputError("give --as-of or --version, not both")
    aid = parse_id(aggregate_id, "aggregate")
    moment = parse_as_of(as_of, tz) if as_of else None
    with engine(data_dir) as e:
        data = e.app.history.of(aid, version=version, as_of=moment)
    if json_output:
        print_json(data)
        return
    out.print(
        f"[bold]{data['type']}[/bold] {data['id']} at version {data['version']} "
        f"of {data['latest_version']}"
    )
    show(False, data["state"])
    show(False, data["events"])


@guarded
def deadlines_command(
    all_states: Annotated[
        bool, typer.Option("--all", help="Also fired, done and cancelled.")
    ] = False,
    overdue_after: Annotated[
        float,
        typer.Option(
            "--overdue-after", min=0, help="Seconds past due before a deadline counts as overdue."
        ),
    ] = 60.0,
    tz: TzOpt = DEFAULT_TZ,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Pending, due and overdue deadlines (with --all also those fired, done or cancelled)."""
    from adapters.config import logs
    from adapters.readmodels.queries import deadline_rows, deadline_state

    zone(tz)
    states = ("pending", "fired", "done", "cancelled") if all_states else ("pending",)
    now = datetime.now(UTC)
    with engine(data_dir) as e:
        e.catch_up()
        rows = [
            {**r, "state": deadline_state(r, now, overdue_after)}
            for r in deadline_rows(e.views, states)
        ]
    log = logs.logger(command="deadlines")
    for r in rows:
        if r["state"] == "overdue":
            log.warning(
                "deadline overdue", kind=r["kind"], aggregate_id=r["subject_id"], due_at=r["due_at"]
            )
    when = _local if json_output else _shown
    show(
        json_output,
        [
            {
                "kind": r["kind"],
                "title": r["title"],
                "due_at": when(r["due_at"], tz),
                "state": r["state"],
                "settled_at": when(r["settled_at"] or "", tz),
                "subject_id": r["subject_id"],
            }
            for r in rows
        ],
    )


@guarded
def actions_command(
    role: Annotated[
        str | None, typer.Option("--role", help="officer, board, or secretary:GMxxxx.")
    ] = None,
    tz: TzOpt = DEFAULT_TZ,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Open actions: what each role must do next."""
    from adapters.readmodels.queries import actions_for

    zone(tz)
    if role:
        base = role.partition(":")[0]
        if base not in ("officer", "board", "secretary", "auditor"):
            raise InvalidInputError(f"unknown role {role!r} (officer, board, secretary:GMxxxx)")
        if ":" in role and base == "secretary":
            Actor.parse(role)
    with engine(data_dir) as e:
        e.catch_up()
        rows = actions_for(e.views, role)
    show(
        json_output,
        [
            {
                "role": r["role"],
                "action": r["action"],
                "subject": r["subject_id"],
                "due": (_local if json_output else _shown)(r["due_at"], tz),
            }
            for r in rows
        ],
    )
