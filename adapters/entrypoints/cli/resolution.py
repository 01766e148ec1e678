"""`akkoord resolution ...`: ALV resolutions and motions, their votes and conditions."""

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
from domain.errors import InvalidInputError
from domain.resolution import ResolutionKind, parse_lifts

app = typer.Typer(help="ALV resolutions and motions.", no_args_is_help=True)

IdArg = Annotated[str, typer.Argument(help="The resolution id.", show_default=False)]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the event).")]
YesPctOpt = Annotated[str | None, typer.Option("--yes-pct", help="Published percentage in favour.")]
YesWeightOpt = Annotated[int | None, typer.Option("--yes-weight", min=0)]
NoWeightOpt = Annotated[int | None, typer.Option("--no-weight", min=0)]


def _suspends(values: list[str] | None) -> list[tuple[str, str]]:
    pairs = []
    for value in values or []:
        party, sep, agreement = value.partition(":")
        if not sep or not party.strip() or not agreement.strip():
            raise InvalidInputError(
                f"--suspends takes PARTY:AGREEMENT, e.g. VNG:IZA (got {value!r})"
            )
        pairs.append((party.strip(), agreement.strip()))
    return pairs


@app.command("table")
@guarded
def table_command(
    title: Annotated[str, typer.Option("--title", show_default=False)],
    tabled_by: Annotated[
        str, typer.Option("--tabled-by", help="The board, or a member (GMxxxx).")
    ] = "bestuur",
    kind: Annotated[str, typer.Option("--kind", help="resolution|motion")] = "resolution",
    text: Annotated[str, typer.Option("--text")] = "",
    condition: Annotated[list[str] | None, typer.Option("--condition", help="Repeatable.")] = None,
    suspends: Annotated[
        list[str] | None,
        typer.Option(
            "--suspends", help="PARTY:AGREEMENT while the conditions are unmet; repeatable."
        ),
    ] = None,
    lifts: Annotated[
        list[str] | None,
        typer.Option(
            "--lifts",
            help="CONDITION:PART[:AGREEMENT], e.g. 1:talks:AZWA: meeting that condition lifts "
            "that part of the effect on its own; repeatable. Without it the effect lifts only "
            "when all conditions are met.",
        ),
    ] = None,
    assembly: Annotated[
        str | None, typer.Option("--assembly", help="The ALV whose agenda it goes on.")
    ] = None,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Table a resolution or motion, with conditions and the effect that lasts until they are met."""
    who = actor_from(actor)
    try:
        parsed_kind = ResolutionKind(kind.strip().lower())
    except ValueError:
        raise InvalidInputError(f"--kind is resolution or motion, not {kind!r}") from None
    assembly_id = parse_id(assembly, "ALV") if assembly else None
    parsed_lifts = parse_lifts(lifts or [])
    rid = act(
        data_dir,
        lambda e: e.app.resolutions.table_resolution(
            kind=parsed_kind,
            title=title,
            text=text,
            tabled_by=tabled_by,
            conditions=condition or [],
            suspends=_suspends(suspends),
            actor=who,
            reason=reason,
            assembly_id=assembly_id,
            lifts=parsed_lifts,
        ),
    )
    emit(json_output, {"id": str(rid)}, str(rid))


@app.command("decide")
@guarded
def decide_command(
    resolution_id: IdArg,
    yes_pct: YesPctOpt = None,
    yes_weight: YesWeightOpt = None,
    no_weight: NoWeightOpt = None,
    outcome: Annotated[
        str | None,
        typer.Option("--outcome", help="adopted|rejected, when no figure was published."),
    ] = None,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record the ALV's weighted vote (or its published percentage) on a resolution."""
    who = actor_from(actor)
    rid = parse_id(resolution_id, "resolution")
    result = result_from(yes_pct, yes_weight, no_weight, outcome)
    act(
        data_dir,
        lambda e: e.app.resolutions.decide_resolution(rid, result=result, actor=who, reason=reason),
    )
    emit(json_output, result_dict(result), result.describe())


@app.command("correct")
@guarded
def correct_command(
    resolution_id: IdArg,
    yes_pct: Annotated[
        str,
        typer.Option(
            "--yes-pct", help="The right percentage in favour, e.g. 93.4.", show_default=False
        ),
    ],
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="Why it is corrected (recorded with the event).", show_default=False
        ),
    ],
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Correct a mistyped percentage of the recorded vote. The correction takes effect when the
    vote did and is recorded now; one that would change the outcome is refused (that takes a
    new decision)."""
    who = actor_from(actor)
    rid = parse_id(resolution_id, "resolution")
    recorded = act(
        data_dir,
        lambda e: e.app.resolutions.correct_decision(
            rid, yes_pct=yes_pct, actor=who, reason=reason
        ),
    )
    emit(
        json_output,
        {"recorded": recorded},
        f"vote corrected to {yes_pct.strip().rstrip('%')}% in favour"
        if recorded
        else "the vote says this already; nothing written",
    )


@app.command("meet")
@guarded
def meet_command(
    resolution_id: IdArg,
    condition: Annotated[
        int, typer.Option("--condition", help="Number, from 1.", show_default=False)
    ],
    evidence: Annotated[str, typer.Option("--evidence", show_default=False)],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record one condition as met, with its evidence; the last one fulfils the resolution."""
    who = actor_from(actor)
    rid = parse_id(resolution_id, "resolution")
    recorded = act(
        data_dir,
        lambda e: e.app.resolutions.meet_condition(
            rid, number=condition, evidence=evidence, actor=who, reason=reason
        ),
    )
    emit(
        json_output,
        {"recorded": recorded},
        f"condition {condition} met" if recorded else "was recorded already; nothing written",
    )


ConditionOpt = Annotated[
    int, typer.Option("--condition", help="Number, from 1.", show_default=False)
]
EvidenceOpt = Annotated[
    str,
    typer.Option(
        "--evidence", help="What shows it, e.g. a letter's file name.", show_default=False
    ),
]


@app.command("revoke")
@guarded
def revoke_command(
    resolution_id: IdArg,
    condition: ConditionOpt,
    evidence: EvidenceOpt,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Revoke what was recorded about a condition (met or failed): it is open again."""
    who = actor_from(actor)
    rid = parse_id(resolution_id, "resolution")
    act(
        data_dir,
        lambda e: e.app.resolutions.revoke_condition(
            rid, number=condition, evidence=evidence, actor=who, reason=reason
        ),
    )
    emit(json_output, {"recorded": True}, f"condition {condition} revoked: open again")


@app.command("fail")
@guarded
def fail_command(
    resolution_id: IdArg,
    condition: ConditionOpt,
    evidence: EvidenceOpt,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Declare a condition failed, with its evidence; the effect stays while it is."""
    who = actor_from(actor)
    rid = parse_id(resolution_id, "resolution")
    recorded = act(
        data_dir,
        lambda e: e.app.resolutions.declare_condition_failed(
            rid, number=condition, evidence=evidence, actor=who, reason=reason
        ),
    )
    emit(
        json_output,
        {"recorded": recorded},
        f"condition {condition} failed" if recorded else "was recorded already; nothing written",
    )


@app.command("show")
@guarded
def show_command(
    resolution_id: IdArg, json_output: JsonOpt = False, data_dir: DataDirOpt = None
) -> None:
    """A resolution, its outcome and its conditions."""
    rid = parse_id(resolution_id, "resolution")
    with engine(data_dir) as e:
        data = e.app.resolutions.get_resolution(rid)
    show(json_output, data)


@app.command("list")
@guarded
def list_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every resolution and motion."""
    with engine(data_dir) as e:
        items = e.app.resolutions.list_resolutions()
    show(json_output, items)
