"""`akkoord members ...`: load and list the municipalities."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from adapters.entrypoints.cli.common import (
    ActorOpt,
    DataDirOpt,
    JsonOpt,
    actor_from,
    engine,
    guarded,
    out,
    print_json,
)
from adapters.inputs.members_csv import read_members_csv, shipped_members_path

app = typer.Typer(help="The members: municipalities and their population.", no_args_is_help=True)


@app.command("load")
@guarded
def load_command(
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="CSV with code,name,province,inhabitants,year "
            "(default: the shipped CBS 2024 file).",
        ),
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why the members are loaded.")] = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Register the municipalities; loading the same file again writes nothing."""
    who = actor_from(actor)
    source = file or shipped_members_path()
    facts = read_members_csv(source)
    with engine(data_dir, create=True) as e:
        report = e.app.members.load_members(
            facts, actor=who, reason=reason or f"load municipalities from {source.name}"
        )
        e.catch_up()
    if json_output:
        print_json({**report.as_dict(), "file": str(source)})
        return
    out.print(
        f"{len(report.added)} added, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged (from {source.name})"
    )
    if report.updated:
        out.print("updated: " + ", ".join(report.updated))


@app.command("list")
@guarded
def list_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """List the members with their population (Bron: CBS)."""
    with engine(data_dir) as e:
        members = e.app.members.list_members()
    if json_output:
        print_json(members)
        return
    table = Table(title=f"{len(members)} members", caption="Population: Bron: CBS")
    for column in ("code", "name", "province", "population"):
        table.add_column(column, justify="right" if column == "population" else "left")
    for m in members:
        populations = m["populations"]
        latest = max(populations) if populations else ""
        table.add_row(
            m["code"],
            m["name"],
            m["province"],
            f"{populations[latest]:,} ({latest})" if latest else "",
        )
    out.print(table)
