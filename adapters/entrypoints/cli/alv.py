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
from domain.assembly_tally import AssemblyChoice
from domain.errors import InvalidInputError
from domain.general_assembly import MAX_PROXY_LIMIT, ItemKind

app = typer.Typer(help="The ALV (algemene ledenvergadering).", no_args_is_help=True)

IdArg = Annotated[str, typer.Argument(help="The ALV id.", show_default=False)]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the event).")]
MemberOpt = Annotated[
    str, typer.Option("--member", help="CBS code, e.g. GM0363.", show_default=False)
]
ProxyLimitOpt = Annotated[
    int | None,
    typer.Option(
        "--proxy-limit",
        min=0,
        max=MAX_PROXY_LIMIT,
        help="Most proxies one member may hold (default 1).",
        show_default=False,
    ),
]


@app.command("convene")
@guarded
def convene_command(
    title: Annotated[str, typer.Option("--title", show_default=False)],
    date: Annotated[str, typer.Option("--date", help="e.g. 2025-11-28T10:00.", show_default=False)],
    tz: Annotated[str, typer.Option("--tz")] = DEFAULT_TZ,
    proxy_limit: ProxyLimitOpt = None,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Convene an ALV (with its own limit of proxies per holder, if given)."""
    who = actor_from(actor)
    when = parse_moment(date, tz, what="--date")
    aid = act(
        data_dir,
        lambda e: e.app.assemblies.convene_assembly(
            title=title, held_on=when, actor=who, reason=reason, proxy_limit=proxy_limit
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
    item_number: Annotated[
        int | None, typer.Argument(help="The agenda item (or --item).", show_default=False)
    ] = None,
    item: Annotated[int | None, typer.Option("--item", show_default=False)] = None,
    member: Annotated[
        str | None,
        typer.Option(
            "--member", help="A present member's own vote (with --choice).", show_default=False
        ),
    ] = None,
    choice: Annotated[
        str | None,
        typer.Option("--choice", help="yes|no|abstain, with --member.", show_default=False),
    ] = None,
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
    """Record an item's vote: one present member's (--member, --choice; it counts for the
    members it holds proxies for too), or the totals (from the members' votes or the published
    figure)."""
    who = actor_from(actor)
    aid = parse_id(assembly_id, "ALV")
    number = _item_number(item_number, item)
    totals = (yes_pct, yes_weight, no_weight, outcome)
    if member is not None or choice is not None:
        if member is None or choice is None:
            raise InvalidInputError("a member's vote needs both --member and --choice")
        if any(t is not None for t in totals):
            raise InvalidInputError(
                "give a member's vote (--member, --choice) or the totals, not both"
            )
        parsed = AssemblyChoice.parse(choice)
        recorded = act(
            data_dir,
            lambda e: e.app.assemblies.record_member_vote(
                aid, number=number, member=member, choice=parsed, actor=who, reason=reason
            ),
        )
        code = member.strip().upper()
        emit(
            json_output,
            {"item": number, "member": code, "choice": parsed.value, "recorded": recorded},
            f"item {number}: {code} votes {parsed.value}"
            + ("" if recorded else " (recorded so already)"),
        )
        return
    result = result_from(yes_pct, yes_weight, no_weight, outcome)
    act(
        data_dir,
        lambda e: e.app.assemblies.record_item_vote(
            aid, number=number, result=result, actor=who, reason=reason
        ),
    )
    emit(json_output, {"item": number, **result_dict(result)}, f"item {number} {result.describe()}")


def _item_number(positional: int | None, option: int | None) -> int:
    if positional is not None and option is not None and positional != option:
        raise InvalidInputError(f"item {positional} or --item {option}? give one")
    number = positional if positional is not None else option
    if number is None:
        raise InvalidInputError("which agenda item? give its number (or --item)")
    if number < 1:
        raise InvalidInputError(f"agenda items are numbered from 1, not {number}")
    return number


@app.command("close-item")
@guarded
def close_item_command(
    assembly_id: IdArg,
    item_number: Annotated[int, typer.Argument(help="The agenda item.", show_default=False)],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Count the members' votes on an item and record its outcome (abstentions are not in the
    percentage)."""
    who = actor_from(actor)
    aid = parse_id(assembly_id, "ALV")
    number = _item_number(item_number, None)
    counted = act(
        data_dir,
        lambda e: e.app.assemblies.count_item_votes(aid, number=number, actor=who, reason=reason),
    )
    emit(
        json_output,
        counted,
        f"item {number} {counted['outcome']} with {counted['yes_pct']}% "
        f"(yes {counted['yes_weight']}, no {counted['no_weight']}, "
        f"abstain {counted['abstain_weight']})",
    )


@app.command("attend")
@guarded
def attend_command(
    assembly_id: IdArg,
    members: Annotated[
        list[str],
        typer.Option("--member", help="CBS code of a member present; repeat.", show_default=False),
    ],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record members present (members of the register on the ALV's date)."""
    who = actor_from(actor)
    aid = parse_id(assembly_id, "ALV")
    arrived = act(
        data_dir,
        lambda e: e.app.assemblies.record_attendance(
            aid, members=members, actor=who, reason=reason
        ),
    )
    emit(
        json_output,
        {"present": arrived},
        f"present: {', '.join(arrived)}" if arrived else "all present already",
    )


@app.command("leave")
@guarded
def leave_command(
    assembly_id: IdArg,
    member: MemberOpt,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record a member leaving the meeting (its votes so far stand)."""
    who = actor_from(actor)
    aid = parse_id(assembly_id, "ALV")
    act(
        data_dir,
        lambda e: e.app.assemblies.record_leaving(aid, member=member, actor=who, reason=reason),
    )
    code = member.strip().upper()
    emit(json_output, {"left": code}, f"{code} left")


@app.command("proxy")
@guarded
def proxy_command(
    assembly_id: IdArg,
    giver: Annotated[
        str,
        typer.Option("--from", help="The member that authorises (CBS code).", show_default=False),
    ],
    holder: Annotated[
        str,
        typer.Option("--to", help="The member that votes for it (CBS code).", show_default=False),
    ],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record a proxy: one member authorises another to vote for it at this ALV."""
    who = actor_from(actor)
    aid = parse_id(assembly_id, "ALV")
    act(
        data_dir,
        lambda e: e.app.assemblies.record_proxy(
            aid, giver=giver, holder=holder, actor=who, reason=reason
        ),
    )
    g, h = giver.strip().upper(), holder.strip().upper()
    emit(json_output, {"from": g, "to": h}, f"{h} votes for {g}")


@app.command("proxy-limit")
@guarded
def proxy_limit_command(
    assembly_id: IdArg,
    limit: Annotated[
        int,
        typer.Option(
            "--proxy-limit", min=0, max=MAX_PROXY_LIMIT, help="Most proxies one member may hold."
        ),
    ],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Set the ALV's limit of proxies per holder."""
    who = actor_from(actor)
    aid = parse_id(assembly_id, "ALV")
    changed = act(
        data_dir,
        lambda e: e.app.assemblies.set_proxy_limit(aid, limit=limit, actor=who, reason=reason),
    )
    emit(
        json_output,
        {"proxy_limit": limit, "changed": changed},
        f"at most {limit} per holder" + ("" if changed else " (so already)"),
    )


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
