"""`akkoord log`: the event log for auditors."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from adapters.entrypoints.cli.columns import heading, value
from adapters.entrypoints.cli.common import DataDirOpt, JsonOpt, engine, guarded, out, parse_id
from adapters.i18n.catalogues import gettext as _
from projections.event_log import describe


@guarded
def log_command(
    aggregate: Annotated[
        str | None, typer.Option("--aggregate", help="Only this aggregate.")
    ] = None,
    since: Annotated[
        int, typer.Option("--from", help="Start at this position.", min=1, max=10**15)
    ] = 1,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Every recorded event: position, time, aggregate, event, actor, data (JSON: one per line)."""
    only = parse_id(aggregate, "aggregate") if aggregate else None
    with engine(data_dir) as e:
        entries = (
            describe(n.id, e.app.mapper.to_domain_event(n))
            for n in e.app.notifications(start=since)
            if only is None or n.originator_id == only
        )
        if json_output:
            for entry in entries:
                sys.stdout.write(json.dumps(entry.as_dict(), ensure_ascii=False) + "\n")
            return
        table = Table()
        for column in ("pos", "effective_at", "aggregate", "event", "actor", "data"):
            table.add_column(heading(column), overflow="fold")
        for entry in entries:
            # The event's own data stays as recorded (English keys, like --json).
            data = {k: v for k, v in entry.data.items() if k != "electorate"}
            if "electorate" in entry.data:
                data["electorate"] = _("%(num)s members", num=len(entry.data["electorate"]))
            table.add_row(
                str(entry.position),
                value(entry.effective_at),
                entry.aggregate_id[:8],
                entry.event,
                entry.actor,
                json.dumps(data, ensure_ascii=False),
            )
        out.print(table)
