"""`akkoord udo ...`: the implementation test (UDO) of a draft agreement."""

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
    split_list,
)
from domain.errors import InvalidInputError

app = typer.Typer(
    help="UDO: implementation tests (Uitvoerbaarheidstoets Decentrale Overheden).",
    no_args_is_help=True,
)

IdArg = Annotated[str, typer.Argument(help="The UDO id.", show_default=False)]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the event).")]


@app.command("commission")
@guarded
def commission_command(
    agreement: Annotated[str, typer.Option("--agreement", show_default=False)],
    title: Annotated[str, typer.Option("--title", show_default=False)],
    executed_by: Annotated[
        list[str] | None, typer.Option("--executed-by", help="Repeatable.")
    ] = None,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Commission a UDO of an agreement."""
    who = actor_from(actor)
    uid = act(
        data_dir,
        lambda e: e.app.udos.commission_udo(
            agreement=agreement,
            title=title,
            executed_by=split_list(executed_by),
            actor=who,
            reason=reason,
        ),
    )
    emit(json_output, {"id": str(uid)}, str(uid))


@app.command("participants")
@guarded
def participants_command(
    udo_id: IdArg,
    member: Annotated[
        list[str] | None, typer.Option("--member", help="GMxxxx; repeatable or comma-separated.")
    ] = None,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Add the municipalities taking part."""
    who = actor_from(actor)
    uid = parse_id(udo_id, "UDO")
    members = [m.upper() for m in split_list(member)]
    if not members:
        raise InvalidInputError("name the municipalities: --member GM0090,GM0363")
    added = act(
        data_dir,
        lambda e: e.app.udos.add_udo_participants(uid, members=members, actor=who, reason=reason),
    )
    emit(json_output, {"added": added}, f"{added} participants added")


@app.command("point")
@guarded
def point_command(
    udo_id: IdArg,
    title: Annotated[str, typer.Option("--title", show_default=False)],
    description: Annotated[str, typer.Option("--description")] = "",
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record a critical point the UDO found."""
    who = actor_from(actor)
    uid = parse_id(udo_id, "UDO")
    number = act(
        data_dir,
        lambda e: e.app.udos.record_critical_point(
            uid, title=title, description=description, actor=who, reason=reason
        ),
    )
    emit(json_output, {"number": number}, f"critical point {number}")


@app.command("agreement")
@guarded
def agreement_command(
    udo_id: IdArg,
    point: Annotated[int, typer.Option("--point", show_default=False)],
    text: Annotated[str, typer.Option("--text", show_default=False)],
    party: Annotated[
        list[str] | None, typer.Option("--party", help="e.g. VWS, BZK; repeatable.")
    ] = None,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record a process agreement answering a critical point."""
    who = actor_from(actor)
    uid = parse_id(udo_id, "UDO")
    act(
        data_dir,
        lambda e: e.app.udos.record_process_agreement(
            uid, point=point, parties=split_list(party), text=text, actor=who, reason=reason
        ),
    )
    emit(json_output, {"point": point}, f"process agreement on point {point} recorded")


@app.command("complete")
@guarded
def complete_command(
    udo_id: IdArg,
    summary: Annotated[str, typer.Option("--summary")] = "",
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Complete the UDO (every critical point needs a process agreement)."""
    who = actor_from(actor)
    uid = parse_id(udo_id, "UDO")
    act(data_dir, lambda e: e.app.udos.complete_udo(uid, summary=summary, actor=who, reason=reason))
    emit(json_output, {"completed": True}, "completed")


@app.command("present")
@guarded
def present_command(
    udo_id: IdArg,
    reference: Annotated[
        str, typer.Option("--reference", help="e.g. Lbr. 25/041.", show_default=False)
    ],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record that the outcome was presented to the members."""
    who = actor_from(actor)
    uid = parse_id(udo_id, "UDO")
    act(
        data_dir,
        lambda e: e.app.udos.present_udo(uid, reference=reference, actor=who, reason=reason),
    )
    emit(json_output, {"presented": True}, "presented to the members")


@app.command("show")
@guarded
def show_command(udo_id: IdArg, json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """A UDO with its critical points and process agreements."""
    uid = parse_id(udo_id, "UDO")
    with engine(data_dir) as e:
        data = e.app.udos.get_udo(uid)
    show(json_output, data)


@app.command("list")
@guarded
def list_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every UDO."""
    with engine(data_dir) as e:
        items = e.app.udos.list_udos()
    show(json_output, items)
