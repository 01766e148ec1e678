"""`akkoord alv ...`: the general members' meeting and its binding weighted votes."""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.entrypoints.cli.common import (
    ActorOpt,
    DataDirOpt,
    JsonOpt,
    act,
    actor_from,
    emit,
    engine,
    guarded,
    parse_id,
    show,
)
from adapters.inputs.results import result_dict, result_from
from adapters.inputs.timeparse import DEFAULT_TZ, parse_moment
from domain.errors import InvalidInputError
from domain.general_assembly import ItemKind

app = typer.Typer(help="The ALV (algemene ledenvergadering).", no_args_is_help=True)

IdArg = Annotated[str, typer.Argument(help="The ALV id.", show_default=False)]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the event).")]


@app.command("convene")
@guarded
def convene_command(
    title: Annotated[str, typer.Option("--title", show_default=False)],
    date: Annotated[str, typer.Option("--date", help="e.g. 2025-11-28T10:00.", show_default=False)],
    tz: Annotated[str, typer.Option("--tz")] = DEFAULT_TZ,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Convene an ALV."""
    who = actor_from(actor)
    when = parse_moment(date, tz, what="--date")
    aid = act(
        data_dir,
        lambda e: e.app.assemblies.convene_assembly(
            title=title, held_on=when, actor=who, reason=reason
        ),
        create=True,
    )
    emit(json_output, {"id": str(aid)}, str(aid))


@app.command("reschedule")
@guarded
def reschedule_command(
    assembly_id: IdArg,
    date: Annotated[str, typer.Option("--date", help="e.g. 2025-12-11T10:00.", show_default=False)],
    tz: Annotated[str, typer.Option("--tz")] = DEFAULT_TZ,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Move the ALV to another date (until it meets); its deadline moves with it."""
    who = actor_from(actor)
    aid = parse_id(assembly_id, "ALV")
    when = parse_moment(date, tz, what="--date")
    act(
        data_dir,
        lambda e: e.app.assemblies.reschedule_assembly(
            aid, held_on=when, timezone=tz, actor=who, reason=reason
        ),
    )
    emit(
        json_output,
        {"id": str(aid), "held_on": when.isoformat()},
        f"rescheduled to {when.isoformat()}",
    )


@app.command("item")
@guarded
def item_command(
    assembly_id: IdArg,
    title: Annotated[str, typer.Option("--title", show_default=False)],
    kind: Annotated[
        str, typer.Option("--kind", help="resolution|motion|ratification|other")
    ] = "other",
    subject: Annotated[
        str | None, typer.Option("--subject", help="Id of what the item decides.")
    ] = None,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Add an agenda item."""
    who = actor_from(actor)
    aid = parse_id(assembly_id, "ALV")
    try:
        parsed = ItemKind(kind.strip().lower())
    except ValueError:
        raise InvalidInputError(f"unknown item kind {kind!r}") from None
    subject_id = str(parse_id(subject, "subject")) if subject else ""
    number = act(
        data_dir,
        lambda e: e.app.assemblies.add_agenda_item(
            aid, kind=parsed, title=title, subject_id=subject_id, actor=who, reason=reason
        ),
    )
    emit(json_output, {"number": number}, f"agenda item {number}")


@app.command("vote")
@guarded
def vote_command(
    assembly_id: IdArg,
    item: Annotated[int, typer.Option("--item", show_default=False)],
    yes_pct: Annotated[str | None, typer.Option("--yes-pct")] = None,
    yes_weight: Annotated[int | None, typer.Option("--yes-weight", min=0)] = None,
    no_weight: Annotated[int | None, typer.Option("--no-weight", min=0)] = None,
    outcome: Annotated[
        str | None,
        typer.Option("--outcome", help="adopted|rejected, when no figure was published."),
    ] = None,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record the weighted result of an item (from the members' votes or the published figure)."""
    who = actor_from(actor)
    aid = parse_id(assembly_id, "ALV")
    result = result_from(yes_pct, yes_weight, no_weight, outcome)
    act(
        data_dir,
        lambda e: e.app.assemblies.record_item_vote(
            aid, number=item, result=result, actor=who, reason=reason
        ),
    )
    emit(json_output, {"item": item, **result_dict(result)}, f"item {item} {result.describe()}")


@app.command("hold")
@guarded
def hold_command(
    assembly_id: IdArg,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record that the ALV was held."""
    who = actor_from(actor)
    aid = parse_id(assembly_id, "ALV")
    act(data_dir, lambda e: e.app.assemblies.hold_assembly(aid, actor=who, reason=reason))
    emit(json_output, {"held": True}, "held")


@app.command("close")
@guarded
def close_command(
    assembly_id: IdArg,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Close the ALV."""
    who = actor_from(actor)
    aid = parse_id(assembly_id, "ALV")
    closed = act(data_dir, lambda e: e.app.assemblies.close_assembly(aid, actor=who, reason=reason))
    emit(json_output, {"closed": closed}, "closed" if closed else "was closed already")


@app.command("show")
@guarded
def show_command(
    assembly_id: IdArg, json_output: JsonOpt = False, data_dir: DataDirOpt = None
) -> None:
    """An ALV with its agenda and results."""
    aid = parse_id(assembly_id, "ALV")
    with engine(data_dir) as e:
        data = e.app.assemblies.get_assembly(aid)
    show(json_output, data)


@app.command("list")
@guarded
def list_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every ALV."""
    with engine(data_dir) as e:
        items = e.app.assemblies.list_assemblies()
    show(json_output, items)
