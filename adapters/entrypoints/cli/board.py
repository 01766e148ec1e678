"""`akkoord board ...`: the board's ratification of a consultation's outcome."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from adapters.entrypoints.cli.common import (
    ActorOpt,
    DataDirOpt,
    IdempotencyKeyOpt,
    JsonOpt,
    act,
    actor_from,
    emit,
    engine,
    guarded,
    once,
    parse_id,
    show,
    split_list,
)
from adapters.inputs.timeparse import DEFAULT_TZ, parse_moment
from domain.board_ratification import Decision

app = typer.Typer(help="Board ratifications.", no_args_is_help=True)

IdArg = Annotated[str, typer.Argument(help="The ratification id.", show_default=False)]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the event).")]
ConfirmOpt = Annotated[
    bool,
    typer.Option(
        "--confirm-conflict",
        help="Date the ratification at or before the consultation's close on purpose "
        "(recorded, with --reason, in the event).",
    ),
]


@app.command("schedule")
@guarded
def schedule_command(
    title: Annotated[str, typer.Option("--title", show_default=False)],
    date: Annotated[str, typer.Option("--date", help="e.g. 2025-10-29T10:00.", show_default=False)],
    consultation: Annotated[str, typer.Option("--consultation", show_default=False)],
    agreement: Annotated[list[str] | None, typer.Option("--agreement", help="Repeatable.")] = None,
    signing: Annotated[
        list[str] | None,
        typer.Option("--signing", help="Conditional signature it decides; repeatable."),
    ] = None,
    party: Annotated[str, typer.Option("--party")] = "VNG",
    tz: Annotated[str, typer.Option("--tz")] = DEFAULT_TZ,
    reason: ReasonOpt = "",
    confirm_conflict: ConfirmOpt = False,
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Schedule the board's ratification of a consultation's outcome (one per consultation)."""
    who = actor_from(actor)
    when = parse_moment(date, tz, what="--date")
    cid = parse_id(consultation)
    signings = [parse_id(s, "signature") for s in split_list(signing)]
    rid = act(
        data_dir,
        lambda e: e.app.ratifications.schedule_ratification(
            title=title,
            scheduled_for=when,
            timezone=tz,
            consultation_id=cid,
            party=party,
            agreements=split_list(agreement),
            signing_ids=signings,
            actor=who,
            reason=reason,
            confirm_conflict=confirm_conflict,
        ),
    )
    emit(json_output, {"id": str(rid)}, str(rid))


@app.command("reschedule")
@guarded
def reschedule_command(
    ratification_id: IdArg,
    date: Annotated[str, typer.Option("--date", help="e.g. 2025-11-05T10:00.", show_default=False)],
    tz: Annotated[str, typer.Option("--tz")] = DEFAULT_TZ,
    reason: ReasonOpt = "",
    confirm_conflict: ConfirmOpt = False,
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Move the board's date; the "ratification due" reminder moves with it."""
    who = actor_from(actor)
    rid = parse_id(ratification_id, "ratification")
    when = parse_moment(date, tz, what="--date")
    act(
        data_dir,
        lambda e: e.app.ratifications.reschedule_ratification(
            rid,
            scheduled_for=when,
            timezone=tz,
            actor=who,
            reason=reason,
            confirm_conflict=confirm_conflict,
        ),
    )
    emit(
        json_output,
        {"id": str(rid), "scheduled_for": when.isoformat()},
        f"rescheduled to {when.isoformat()}",
    )


@app.command("decide")
@guarded
def decide_command(
    ratification_id: IdArg,
    decision: Annotated[
        str, typer.Option("--decision", help="ratify|reject|refer", show_default=False)
    ],
    rationale: Annotated[
        str, typer.Option("--rationale", help="Required when departing from the advice.")
    ] = "",
    assembly: Annotated[
        str | None, typer.Option("--assembly", help="The ALV a referral goes to.")
    ] = None,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record the board's decision (role board)."""
    who = actor_from(actor)
    rid = parse_id(ratification_id, "ratification")
    parsed = Decision.parse(decision)
    assembly_id = parse_id(assembly, "ALV") if assembly else None
    request = {"command": "board decide", "id": str(rid), "decision": parsed.value}
    request |= {"rationale": rationale, "assembly": str(assembly_id), "reason": reason}
    with engine(data_dir) as e:

        def decide() -> dict[str, Any]:
            late = e.app.ratifications.decide_ratification(
                rid,
                decision=parsed,
                rationale=rationale,
                actor=who,
                reason=reason,
                assembly_id=assembly_id,
            )
            return {"decision": parsed.value, "late": late}

        answer = once(e, idempotency_key, {**request, "actor": str(who)}, decide)
    late_note = " (LATE: after the day it was scheduled)" if answer.get("late") else ""
    emit(json_output, answer, f"decided: {parsed.value}{late_note}")


@app.command("communicate")
@guarded
def communicate_command(
    ratification_id: IdArg,
    reference: Annotated[str, typer.Option("--reference", show_default=False)],
    to: Annotated[
        list[str] | None, typer.Option("--to", help="Default: members, partners.")
    ] = None,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record that the decision was communicated to members and partners."""
    who = actor_from(actor)
    rid = parse_id(ratification_id, "ratification")
    addressees = split_list(to) or ["members", "partners"]
    act(
        data_dir,
        lambda e: e.app.ratifications.communicate_ratification(
            rid, to=addressees, reference=reference, actor=who, reason=reason
        ),
    )
    emit(json_output, {"communicated": addressees}, f"communicated to {', '.join(addressees)}")


@app.command("show")
@guarded
def show_command(
    ratification_id: IdArg, json_output: JsonOpt = False, data_dir: DataDirOpt = None
) -> None:
    """A ratification: its advice, decision and outcome."""
    rid = parse_id(ratification_id, "ratification")
    with engine(data_dir) as e:
        data = e.app.ratifications.get_ratification(rid)
    show(json_output, data)


@app.command("list")
@guarded
def list_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every ratification."""
    with engine(data_dir) as e:
        items = e.app.ratifications.list_ratifications()
    show(json_output, items)
