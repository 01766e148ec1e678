"""`akkoord members ...`: load and list the municipalities, and record their mergers, splits
and renames."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from adapters.entrypoints.cli.columns import heading, value
from adapters.entrypoints.cli.common import (
    ActorOpt,
    DataDirOpt,
    JsonOpt,
    actor_from,
    engine,
    guarded,
    out,
    print_json,
    say,
)
from adapters.i18n.catalogues import ENGLISH, current
from adapters.i18n.catalogues import gettext as _

# A word chosen at run time (merged, split, renamed: marked in column_names.py), looked up under
# a name extraction does not read, so that only literal ids are taken for the catalogue.
from adapters.i18n.catalogues import gettext as translated
from adapters.inputs.effective_dates import parse_effective
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.inputs.timeparse import DEFAULT_TZ, parse_as_of, zone
from domain.errors import InvalidInputError

app = typer.Typer(help="The members: municipalities and their population.", no_args_is_help=True)

ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the event).")]
EffectiveOpt = Annotated[
    str,
    typer.Option(
        "--effective",
        help="The day it takes effect, e.g. 2023-01-01 (start of that day in --tz), or a "
        "date-time.",
        show_default=False,
    ),
]
TzOpt = Annotated[str, typer.Option("--tz", help="Time zone for dates without an offset.")]
NameOpt = Annotated[str, typer.Option("--name", help="The successor's name.")]
ProvinceOpt = Annotated[
    str, typer.Option("--province", help="The successor's province (default: the predecessors').")
]


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
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            min=1800,
            max=2200,
            help="Load the populations of this reference year only: every row must be of that "
            "year and name a code in the register (ended ones too); names, provinces and the "
            "register's history stay as they are.",
            show_default=False,
        ),
    ] = None,
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Register the municipalities; loading the same file again writes nothing."""
    who = actor_from(actor)
    source = file or shipped_members_path()
    facts = read_members_csv(source)
    with engine(data_dir, create=year is None) as e:
        if year is None:
            report = e.app.members.load_members(
                facts, actor=who, reason=reason or f"load municipalities from {source.name}"
            )
        else:
            report = e.app.members.load_populations(
                facts,
                year=year,
                actor=who,
                reason=reason or f"load populations of {year} from {source.name}",
            )
        e.catch_up()
    if json_output:
        print_json({**report.as_dict(), "file": str(source), **({"year": year} if year else {})})
        return
    out.print(
        _(
            "%(added)s added, %(updated)s updated, %(unchanged)s unchanged (from %(file)s)",
            added=len(report.added),
            updated=len(report.updated),
            unchanged=report.unchanged,
            file=source.name,
        )
    )
    if report.updated:
        out.print(_("updated: %(codes)s", codes=", ".join(report.updated)))


@app.command("list")
@guarded
def list_command(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The register at this moment (a date means the end of that day); default: now.",
            show_default=False,
        ),
    ] = None,
    everyone: Annotated[
        bool,
        typer.Option("--all", help="Every member ever registered: ended ones and later ones too."),
    ] = False,
    tz: TzOpt = DEFAULT_TZ,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """List the members with their population (Bron: CBS)."""
    moment = parse_as_of(as_of, tz) if as_of else None
    if moment is not None and everyone:
        raise InvalidInputError("give --as-of or --all, not both")
    with engine(data_dir) as e:
        members = e.app.members.list_members(as_of=moment, everyone=everyone)
    if json_output:
        print_json(members)
        return
    title = _("%(num)s members", num=len(members)) + (
        _(" on %(day)s", day=value(moment.date().isoformat())) if moment else ""
    )
    table = Table(title=title, caption=_("Population: Bron: CBS"))
    from adapters.i18n.formats import number  # Babel: only once a table is printed

    for column in ("code", "name", "province", "population", "ended"):
        table.add_column(heading(column), justify="right" if column == "population" else "left")
    for m in members:
        populations = m["populations"]
        latest = max(populations) if populations else ""
        count = (
            ""
            if not latest
            else f"{populations[latest]:,}"
            if current() == ENGLISH
            else number(populations[latest])
        )
        table.add_row(
            m["code"],
            m["name"],
            m["province"],
            f"{count} ({latest})" if latest else "",
            _ended(m),
        )
    out.print(table)


def _ended(member: dict[str, Any]) -> str:
    if not member["ended"]:
        return ""
    return _(
        "%(day)s %(how)s into %(successors)s",
        day=value(member["ended"][:10]),
        how=translated(member["ended_how"]),
        successors=", ".join(member["successors"]),
    )


def _report(answer: dict[str, Any], json_output: bool) -> None:
    if json_output:
        print_json(answer)
        return
    for m in answer["members"]:
        if m["ended"]:
            say(
                _(
                    "%(code)s %(name)s ends on %(day)s (%(how)s into %(successors)s)",
                    code=m["code"],
                    name=m["name"],
                    day=value(m["ended"][:10]),
                    how=translated(m["ended_how"]),
                    successors=", ".join(m["successors"]),
                )
            )
        elif m["began"] and m["began"] == answer["effective"]:
            say(
                _(
                    "%(code)s %(name)s begins on %(day)s",
                    code=m["code"],
                    name=m["name"],
                    day=value(m["began"][:10]),
                )
            )
        else:
            say(
                _(
                    "%(code)s %(name)s continues and takes over territory",
                    code=m["code"],
                    name=m["name"],
                )
            )


@app.command("merge")
@guarded
def merge_command(
    predecessors: Annotated[
        list[str],
        typer.Option(
            "--from",
            help="A merging municipality (repeat; list the surviving code too if it stays).",
            show_default=False,
        ),
    ],
    successor: Annotated[
        str,
        typer.Option(
            "--into",
            help="The successor's CBS code: one of --from (it survives), a new code, or one "
            "registered ahead of its start (it begins on --effective).",
            show_default=False,
        ),
    ],
    effective: EffectiveOpt,
    name: NameOpt = "",
    province: ProvinceOpt = "",
    reason: ReasonOpt = "",
    tz: TzOpt = DEFAULT_TZ,
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record a merger (herindeling): the predecessors end on the effective date."""
    who = actor_from(actor)
    zone(tz)
    when = parse_effective(effective, tz)
    with engine(data_dir) as e:
        answer = e.app.members.merge_members(
            predecessors=predecessors,
            successor=successor,
            name=name,
            province=province,
            effective=when,
            actor=who,
            reason=reason,
        )
        e.catch_up()
    _report(answer, json_output)


def _names(pairs: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for pair in pairs:
        code, sep, name = pair.partition("=")
        if not sep or not name.strip():
            raise InvalidInputError(
                f"--name takes CODE=NAME, e.g. GM1999=Nieuwgemeente, not {pair!r}"
            )
        names[code.strip().upper()] = name.strip()
    return names


@app.command("split")
@guarded
def split_command(
    predecessor: Annotated[
        str, typer.Option("--code", help="The municipality that is split.", show_default=False)
    ],
    successors: Annotated[
        list[str],
        typer.Option(
            "--into",
            help="A municipality its territory goes to (repeat): a registered one continues, "
            "a new code needs --name CODE=NAME.",
            show_default=False,
        ),
    ],
    effective: EffectiveOpt,
    names: Annotated[
        list[str] | None, typer.Option("--name", help="CODE=NAME of a new successor (repeat).")
    ] = None,
    reason: ReasonOpt = "",
    tz: TzOpt = DEFAULT_TZ,
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record a split: the municipality ends on the effective date, its territory divided."""
    who = actor_from(actor)
    zone(tz)
    when = parse_effective(effective, tz)
    given = _names(names or [])
    with engine(data_dir) as e:
        answer = e.app.members.split_member(
            predecessor=predecessor,
            successors=successors,
            names=given,
            effective=when,
            actor=who,
            reason=reason,
        )
        e.catch_up()
    _report(answer, json_output)


@app.command("rename")
@guarded
def rename_command(
    code: Annotated[
        str, typer.Option("--code", help="The municipality's current code.", show_default=False)
    ],
    successor: Annotated[
        str, typer.Option("--into", help="The new CBS code it gets.", show_default=False)
    ],
    name: Annotated[str, typer.Option("--name", help="The new name.", show_default=False)],
    effective: EffectiveOpt,
    province: ProvinceOpt = "",
    reason: ReasonOpt = "",
    tz: TzOpt = DEFAULT_TZ,
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record a rename: the old code ends, the new code begins with the same territory."""
    who = actor_from(actor)
    zone(tz)
    when = parse_effective(effective, tz)
    with engine(data_dir) as e:
        answer = e.app.members.rename_member(
            code=code,
            successor=successor,
            name=name,
            province=province,
            effective=when,
            actor=who,
            reason=reason,
        )
        e.catch_up()
    _report(answer, json_output)
