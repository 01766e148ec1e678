"""`akkoord consultation ...`: the ledenraadpleging from opening to tally."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from adapters.entrypoints.cli.common import (
    ActorOpt,
    DataDirOpt,
    IdempotencyKeyOpt,
    JsonOpt,
    actor_from,
    engine,
    guarded,
    once,
    out,
    parse_id,
    print_json,
    say,
)
from adapters.inputs.timeparse import DEFAULT_TZ, parse_moment, zone
from domain.consultation import TALLY_VISIBILITY
from domain.errors import InvalidInputError, UnknownConsultationError
from domain.weights import WeightRule
from projections.tally import Tally

if TYPE_CHECKING:
    from rich.table import Table

    from adapters.bootstrap import Engine

app = typer.Typer(help="Member consultations (ledenraadplegingen).", no_args_is_help=True)

IdArg = Annotated[str, typer.Argument(help="The consultation id.", show_default=False)]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the event).")]
TzOpt = Annotated[str, typer.Option("--tz", help="Time zone for times given without an offset.")]


@app.command("open")
@guarded
def open_command(
    title: Annotated[str, typer.Option("--title", show_default=False)],
    question: Annotated[str, typer.Option("--question", show_default=False)],
    closes: Annotated[
        str, typer.Option("--closes", help="Deadline, e.g. 2025-10-22T16:00.", show_default=False)
    ],
    reason: ReasonOpt = "",
    agreement: Annotated[list[str] | None, typer.Option("--agreement", help="Repeatable.")] = None,
    opens: Annotated[str | None, typer.Option("--opens", help="Default: now.")] = None,
    tz: TzOpt = DEFAULT_TZ,
    weight_rule: Annotated[str, typer.Option("--weight-rule", help="ceil|floor|nearest")] = "ceil",
    population_year: Annotated[int, typer.Option("--population-year")] = 2024,
    tally_visible_to: Annotated[
        str,
        typer.Option(
            "--tally-visible-to",
            help="Who sees the interim tally while open: officers|everyone (after the close, "
            "everyone does).",
        ),
    ] = "officers",
    actor: ActorOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Open a consultation; snapshots the electorate and every member's weight."""
    who = actor_from(actor)
    zone(tz)
    closes_at = parse_moment(closes, tz, what="--closes")
    opens_at = parse_moment(opens, tz, what="--opens") if opens else None
    rule = WeightRule.parse(weight_rule)
    visibility = tally_visible_to.strip().lower()
    if visibility not in TALLY_VISIBILITY:
        raise InvalidInputError(
            f"--tally-visible-to is officers or everyone, not {tally_visible_to!r}"
        )
    request = {
        "command": "consultation open",
        "title": title,
        "question": question,
        "agreements": agreement or [],
        "opens": opens_at,
        "closes": closes_at,
        "tz": tz,
        "rule": rule.value,
        "year": population_year,
        "tally": visibility,
        "reason": reason,
        "actor": str(who),
    }
    with engine(data_dir) as e:
        answer = once(
            e,
            idempotency_key,
            request,
            lambda: {
                "id": str(
                    e.app.consultations.open_consultation(
                        title=title,
                        question=question,
                        agreements=agreement or [],
                        opens_at=opens_at,
                        closes_at=closes_at,
                        timezone=tz,
                        weight_rule=rule,
                        population_year=population_year,
                        tally_visibility=visibility,
                        actor=who,
                        reason=reason,
                    )
                )
            },
        )
    if json_output:
        print_json(answer)
    else:
        out.print(answer["id"])


@app.command("cast")
@guarded
def cast_command(
    consultation_id: IdArg,
    member: Annotated[
        str, typer.Option("--member", help="CBS code, e.g. GM0090.", show_default=False)
    ],
    choice: Annotated[str, typer.Option("--choice", help="yes|no", show_default=False)],
    explanation: Annotated[str, typer.Option("--explanation")] = "",
    actor: ActorOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Cast (or re-cast) a municipality's ballot; the last one before the deadline counts."""
    who = actor_from(actor)
    cid = parse_id(consultation_id)
    code = member.strip().upper()
    request = {"command": "consultation cast", "id": str(cid), "member": code, "choice": choice}
    request |= {"explanation": explanation, "actor": str(who)}
    with engine(data_dir) as e:
        recorded = once(
            e,
            idempotency_key,
            request,
            lambda: {
                "recorded": e.app.consultations.cast_ballot(
                    cid, member=code, choice=choice, explanation=explanation, actor=who
                )
            },
        )["recorded"]
        receipt = None
        if json_output:
            from adapters.audit.receipts import cast_receipt  # the keys: only for a receipt

            # The standing ballot's receipt: its leaf in the signed Merkle tree over the log.
            receipt = cast_receipt(e.app.recorder, cid, code)
    if json_output:
        print_json({"recorded": recorded, "receipt": receipt})
    else:
        say("ballot recorded" if recorded else "the same ballot was already standing")


@app.command("close")
@guarded
def close_command(
    consultation_id: IdArg,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Close a consultation (a second close changes nothing). Early closing needs a reason."""
    who = actor_from(actor)
    cid = parse_id(consultation_id)
    request = {"command": "consultation close", "id": str(cid), "reason": reason}
    with engine(data_dir) as e:
        closed = once(
            e,
            idempotency_key,
            {**request, "actor": str(who)},
            lambda: {
                "closed": e.app.consultations.close_consultation(cid, actor=who, reason=reason)
            },
        )["closed"]
    if json_output:
        print_json({"closed": closed})
    else:
        out.print("closed" if closed else "was already closed; nothing written")


@app.command("extend")
@guarded
def extend_command(
    consultation_id: IdArg,
    closes: Annotated[str, typer.Option("--closes", show_default=False)],
    reason: ReasonOpt = "",
    tz: TzOpt = DEFAULT_TZ,
    confirm_conflict: Annotated[
        bool,
        typer.Option(
            "--confirm-conflict",
            help="Extend at or past the ratification's date on purpose (recorded, with --reason).",
        ),
    ] = False,
    actor: ActorOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Move the deadline later, while the consultation is open."""
    who = actor_from(actor)
    cid = parse_id(consultation_id)
    closes_at = parse_moment(closes, tz, what="--closes")
    request = {"command": "consultation extend", "id": str(cid), "closes": closes_at, "tz": tz}
    if confirm_conflict:  # only then, so a key stored before the option answers the same
        request["confirm_conflict"] = True
    with engine(data_dir) as e:

        def extend() -> dict[str, Any]:
            e.app.consultations.extend_consultation(
                cid,
                closes_at=closes_at,
                actor=who,
                reason=reason,
                confirm_conflict=confirm_conflict,
            )
            return {"closes_at": closes_at.isoformat()}

        once(e, idempotency_key, {**request, "reason": reason, "actor": str(who)}, extend)
    if json_output:
        print_json({"closes_at": closes_at.isoformat()})
    else:
        out.print(f"now closes at {closes_at.isoformat()}")


@app.command("cancel")
@guarded
def cancel_command(
    consultation_id: IdArg,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    idempotency_key: IdempotencyKeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Cancel a consultation before its deadline; no result will stand."""
    who = actor_from(actor)
    cid = parse_id(consultation_id)
    request = {"command": "consultation cancel", "id": str(cid), "reason": reason}
    with engine(data_dir) as e:

        def cancel() -> dict[str, Any]:
            e.app.consultations.cancel_consultation(cid, actor=who, reason=reason)
            return {"cancelled": True}

        once(e, idempotency_key, {**request, "actor": str(who)}, cancel)
    if json_output:
        print_json({"cancelled": True})
    else:
        out.print("cancelled")


@app.command("show")
@guarded
def show_command(
    consultation_id: IdArg, json_output: JsonOpt = False, data_dir: DataDirOpt = None
) -> None:
    """What was asked, of whom, until when, and where it stands."""
    cid = parse_id(consultation_id)
    with engine(data_dir) as e:
        info = e.app.consultations.get_consultation(cid)
    if json_output:
        print_json(info)
        return
    from rich.table import Table

    table = Table(show_header=False, box=None)
    for key, value in info.items():
        table.add_row(
            key.replace("_", " "), ", ".join(value) if isinstance(value, list) else str(value)
        )
    out.print(table)


@app.command("list")
@guarded
def list_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every consultation with its phase."""
    with engine(data_dir) as e:
        items = e.app.consultations.list_consultations()
    if json_output:
        print_json(items)
        return
    from rich.table import Table

    table = Table()
    for column in ("id", "title", "closes at", "phase"):
        table.add_column(column)
    for c in items:
        table.add_row(c["id"], c["title"], c["closes_at"], c["phase"])
    out.print(table)


def tally_table(title: str, rows: dict[str, Tally]) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for column in ("", "yes", "no", "yes %", "voted", "of", "turnout (weight)"):
        table.add_column(column, justify="left" if not column else "right")
    for label, tally in rows.items():
        d = tally.as_dict()
        table.add_row(
            label,
            str(d["yes_weight"]),
            str(d["no_weight"]),
            f"{d['yes_pct']:.2f}",
            str(d["voted_members"]),
            str(d["electorate_members"]),
            f"{d['turnout_weight_pct']:.2f}%",
        )
    return table


def load_tally(e: Engine, consultation_id: str) -> tuple[Tally, dict[str, Tally]]:
    e.catch_up()
    tally = e.views.tally(consultation_id)
    if tally is None:
        raise UnknownConsultationError(f"unknown consultation {consultation_id}")
    return tally, e.views.tally_by_province(consultation_id)


def synthetic_note(e: Engine, consultation_id: str) -> str:
    """Why the consultation's ballots are synthetic; empty when the members cast them."""
    return str(e.app.consultations.get_consultation(parse_id(consultation_id))["synthetic_note"])


def print_tally(tally: Tally, provinces: dict[str, Tally], synthetic: str = "") -> None:
    label = " — SYNTHETIC ballots" if synthetic else ""
    out.print(
        tally_table(f"Tally (weighted votes; only cast votes count){label}", {"total": tally})
    )
    out.print(tally_table(f"Per province{label}", provinces))
    if synthetic:
        out.print(f"synthetic: {synthetic}")


@app.command("tally")
@guarded
def tally_command(
    consultation_id: IdArg, json_output: JsonOpt = False, data_dir: DataDirOpt = None
) -> None:
    """The weighted result: yes and no weight, percentages over cast votes, turnout."""
    cid = str(parse_id(consultation_id))
    with engine(data_dir) as e:
        tally, provinces = load_tally(e, cid)
        synthetic = synthetic_note(e, cid)
    if json_output:
        print_json(
            {
                "consultation_id": cid,
                # A result from simulated ballots says so wherever it goes.
                "synthetic": bool(synthetic),
                "synthetic_note": synthetic,
                **tally.as_dict(),
                "provinces": {p: t.as_dict() for p, t in provinces.items()},
            }
        )
    else:
        print_tally(tally, provinces, synthetic)
