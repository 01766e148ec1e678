"""`akkoord region ...`, `akkoord funding ...`, `akkoord monitoring ...`: what follows the
national decision in the regions."""

from __future__ import annotations

from datetime import UTC, datetime
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
from adapters.inputs.timeparse import DEFAULT_TZ, parse_as_of, parse_duration, parse_moment
from domain.agreement import PartyStatus
from domain.commitment import Finding
from domain.errors import InvalidInputError
from domain.funding import RuleKind
from domain.money import euros, parse_euros

region_app = typer.Typer(help="IZA regions and their decisions.", no_args_is_help=True)
funding_app = typer.Typer(help="Specific grants (SPUK) per region and year.", no_args_is_help=True)
monitoring_app = typer.Typer(
    help="Monitoring commitments and their periodic reviews.", no_args_is_help=True
)

ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the event).")]
RegionArg = Annotated[
    str, typer.Argument(help="The region's name, e.g. Friesland.", show_default=False)
]


@region_app.command("register")
@guarded
def register_command(
    name: Annotated[str, typer.Option("--name", show_default=False)],
    committee: Annotated[str, typer.Option("--committee", show_default=False)],
    mandate: Annotated[
        str,
        typer.Option("--mandate", help="The mandate municipality (GMxxxx).", show_default=False),
    ],
    member: Annotated[
        list[str] | None, typer.Option("--member", help="GMxxxx; repeatable or comma-separated.")
    ] = None,
    province: Annotated[
        str | None, typer.Option("--province", help="All members of this province.")
    ] = None,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Register an IZA region with its municipalities, committee and mandate municipality."""
    who = actor_from(actor)

    def command(e: object) -> str:
        members = [m.upper() for m in split_list(member)]
        if province:
            members += [
                m["code"]
                for m in e.app.members.list_members()  # type: ignore[attr-defined]
                if m["province"].lower() == province.strip().lower()
            ]
        return e.app.regions.register_region(  # type: ignore[attr-defined,no-any-return]
            name=name,
            committee=committee,
            mandate_municipality=mandate.upper(),
            members=members,
            actor=who,
            reason=reason,
        )

    registered = act(data_dir, command)
    emit(json_output, {"name": registered}, f"registered {registered}")


@region_app.command("decide")
@guarded
def decide_command(
    region: RegionArg,
    body: Annotated[str, typer.Option("--body", help="e.g. BC FrIZA+.", show_default=False)],
    text: Annotated[str, typer.Option("--text", show_default=False)],
    date: Annotated[str, typer.Option("--date", help="When the body decided.", show_default=False)],
    waits_for: Annotated[
        str | None,
        typer.Option("--waits-for", help="PARTY:AGREEMENT whose outcome this decision waits for."),
    ] = None,
    reopen_on: Annotated[
        list[str] | None, typer.Option("--reopen-on", help="Status that reopens it; repeatable.")
    ] = None,
    moot_on: Annotated[
        list[str] | None, typer.Option("--moot-on", help="Status that makes it moot; repeatable.")
    ] = None,
    tz: Annotated[str, typer.Option("--tz")] = DEFAULT_TZ,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record a regional decision; with --waits-for it is reopened or closed as moot by the
    national outcome."""
    who = actor_from(actor)
    decided_on = parse_moment(date, tz, what="--date")
    if waits_for:
        party, sep, agreement = waits_for.partition(":")
        if not sep:
            raise InvalidInputError(
                f"--waits-for takes PARTY:AGREEMENT, e.g. VNG:AZWA (got {waits_for!r})"
            )
        reopen = [PartyStatus.parse(s) for s in split_list(reopen_on)]
        moot = [PartyStatus.parse(s) for s in split_list(moot_on)]
        number = act(
            data_dir,
            lambda e: e.app.regions.record_conditional_decision(
                region,
                body=body,
                text=text,
                decided_on=decided_on,
                agreement=agreement,
                party=party,
                reopen_on=reopen,
                moot_on=moot,
                actor=who,
                reason=reason,
            ),
        )
    else:
        number = act(
            data_dir,
            lambda e: e.app.regions.record_region_decision(
                region, body=body, text=text, decided_on=decided_on, actor=who, reason=reason
            ),
        )
    emit(json_output, {"number": number}, f"decision {number} recorded")


@region_app.command("budget")
@guarded
def budget_command(
    region: RegionArg,
    scheme: Annotated[str, typer.Option("--scheme", show_default=False)],
    year: Annotated[int, typer.Option("--year", show_default=False)],
    amount: Annotated[
        str, typer.Option("--amount", help="In euros, e.g. 1234567.89.", show_default=False)
    ],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record the region's budget for a scheme and year (checked against the allocations)."""
    who = actor_from(actor)
    cents = parse_euros(amount)
    act(
        data_dir,
        lambda e: e.app.regions.record_region_budget(
            region, scheme=scheme, year=year, amount_cents=cents, actor=who, reason=reason
        ),
    )
    emit(json_output, {"amount_cents": cents}, f"budget {euros(cents)} recorded")


@region_app.command("show")
@guarded
def region_show_command(
    region: RegionArg, json_output: JsonOpt = False, data_dir: DataDirOpt = None
) -> None:
    """A region, its decisions (standing, waiting, reopened, moot) and budgets."""
    with engine(data_dir) as e:
        e.catch_up()
        data = e.app.regions.get_region(region)
    show(json_output, data)


@region_app.command("list")
@guarded
def region_list_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every region."""
    with engine(data_dir) as e:
        items = e.app.regions.list_regions()
    show(json_output, [{k: v for k, v in r.items() if k != "members"} for r in items])


@funding_app.command("scheme")
@guarded
def scheme_command(
    code: Annotated[str, typer.Option("--code", help="e.g. SPUK-IZA.", show_default=False)],
    name: Annotated[str, typer.Option("--name", show_default=False)],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Register a grant scheme."""
    who = actor_from(actor)
    registered = act(
        data_dir,
        lambda e: e.app.funding.register_scheme(code=code, name=name, actor=who, reason=reason),
    )
    emit(json_output, {"code": registered}, f"registered {registered}")


@funding_app.command("rule")
@guarded
def rule_command(
    code: Annotated[str, typer.Argument(help="The scheme code.", show_default=False)],
    year: Annotated[int, typer.Option("--year", show_default=False)],
    continues: Annotated[
        bool, typer.Option("--continues", help="The grant continues regardless of participation.")
    ] = False,
    depends_on: Annotated[
        str | None,
        typer.Option(
            "--depends-on", help="PARTY:AGREEMENT whose participation the grant depends on."
        ),
    ] = None,
    keeps_on: Annotated[
        list[str] | None,
        typer.Option("--keeps-on", help="Statuses that keep the grant; repeatable."),
    ] = None,
    cut: Annotated[
        int, typer.Option("--cut", min=0, max=100, help="Generic cut in whole percent.")
    ] = 0,
    note: Annotated[str, typer.Option("--note")] = "",
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Set the allocation rule of a year."""
    who = actor_from(actor)
    if continues == bool(depends_on):
        raise InvalidInputError("give either --continues or --depends-on PARTY:AGREEMENT")
    party, _, agreement = (depends_on or "").partition(":")
    keeps = [PartyStatus.parse(s) for s in split_list(keeps_on)]
    kind = RuleKind.CONTINUES if continues else RuleKind.DEPENDS
    act(
        data_dir,
        lambda e: e.app.funding.set_funding_rule(
            code,
            year=year,
            kind=kind,
            cut_pct=cut,
            actor=who,
            reason=reason,
            agreement=agreement,
            party=party,
            keeps_on=keeps,
            note=note,
        ),
    )
    emit(
        json_output,
        {"year": year, "kind": kind.value, "cut_pct": cut},
        f"{code.upper()} {year}: {kind.value}, cut {cut}%",
    )


@funding_app.command("allocate")
@guarded
def allocate_command(
    code: Annotated[str, typer.Argument(help="The scheme code.", show_default=False)],
    region: Annotated[str, typer.Option("--region", show_default=False)],
    year: Annotated[int, typer.Option("--year", show_default=False)],
    amount: Annotated[
        str, typer.Option("--amount", help="In euros, e.g. 1234567.89.", show_default=False)
    ],
    reference: Annotated[str, typer.Option("--reference", show_default=False)],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record an allocation to a region (in euros; kept as whole cents)."""
    who = actor_from(actor)
    cents = parse_euros(amount)
    act(
        data_dir,
        lambda e: e.app.funding.allocate(
            code,
            region=region,
            year=year,
            amount_cents=cents,
            reference=reference,
            actor=who,
            reason=reason,
        ),
    )
    emit(json_output, {"amount_cents": cents}, f"{euros(cents)} allocated")


@funding_app.command("entitlement")
@guarded
def entitlement_command(
    code: Annotated[str, typer.Argument(help="The scheme code.", show_default=False)],
    region: Annotated[str, typer.Option("--region", show_default=False)],
    year: Annotated[int, typer.Option("--year", show_default=False)],
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    tz: Annotated[str, typer.Option("--tz")] = DEFAULT_TZ,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """What a region is entitled to in a year, as of a moment, and why."""
    from adapters.readmodels.queries import entitlement  # SQLAlchemy: only once a command runs

    moment = parse_as_of(as_of, tz) if as_of else datetime.now(UTC)
    with engine(data_dir) as e:
        e.catch_up()
        e.app.regions.get_region(region)
        data = entitlement(e.views, code, region, year, moment)
    if json_output:
        show(True, data)
        return
    amount = "" if data["entitled_cents"] is None else f": {euros(data['entitled_cents'])}"
    lines = [
        f"{data['region']} {data['scheme']} {year} as of {moment.date()}: {data['status']}{amount}"
    ]
    if data["budget_cents"] is not None and data["difference_cents"] is not None:
        lines.append(
            f"budget {euros(data['budget_cents'])}; difference "
            f"{euros(abs(data['difference_cents']))} "
            f"{'above' if data['difference_cents'] >= 0 else 'below'} the budget"
        )
    lines += [f"  because {w}" for w in data["why"]]
    emit(False, data, "\n".join(lines))


@funding_app.command("show")
@guarded
def scheme_show_command(
    code: Annotated[str, typer.Argument(show_default=False)],
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """A grant scheme: its rules and allocations."""
    with engine(data_dir) as e:
        data = e.app.funding.get_scheme(code)
    show(json_output, data)


@monitoring_app.command("commit")
@guarded
def commit_command(
    title: Annotated[str, typer.Option("--title", show_default=False)],
    owner: Annotated[str, typer.Option("--owner", show_default=False)],
    forum: Annotated[
        str, typer.Option("--forum", help="e.g. tripartiet overleg VWS-ZN-VNG.", show_default=False)
    ],
    every: Annotated[
        str, typer.Option("--every", help="Review cadence: 90d, 13w, 12h, 30s.", show_default=False)
    ],
    first_review: Annotated[str, typer.Option("--first-review", show_default=False)],
    source: Annotated[
        str, typer.Option("--source", help="e.g. the UDO critical point it follows from.")
    ] = "",
    tz: Annotated[str, typer.Option("--tz")] = DEFAULT_TZ,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Register a monitoring commitment; the scheduler raises each review when it is due."""
    who = actor_from(actor)
    cadence = parse_duration(every)
    first = parse_moment(first_review, tz, what="--first-review")
    cid = act(
        data_dir,
        lambda e: e.app.monitoring.register_commitment(
            title=title,
            owner=owner,
            forum=forum,
            cadence=cadence,
            first_review_at=first,
            source=source,
            actor=who,
            reason=reason,
        ),
    )
    emit(json_output, {"id": str(cid)}, str(cid))


@monitoring_app.command("review")
@guarded
def review_command(
    commitment_id: Annotated[str, typer.Argument(show_default=False)],
    period: Annotated[int, typer.Option("--period", min=1, show_default=False)],
    finding: Annotated[
        str,
        typer.Option(
            "--finding", help="on track | needs adjustment | adjusted", show_default=False
        ),
    ],
    evidence: Annotated[str, typer.Option("--evidence", show_default=False)],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record the finding of a raised review, with its evidence."""
    who = actor_from(actor)
    cid = parse_id(commitment_id, "commitment")
    parsed = Finding.parse(finding)
    act(
        data_dir,
        lambda e: e.app.monitoring.record_review(
            cid, period=period, finding=parsed, evidence=evidence, actor=who, reason=reason
        ),
    )
    emit(
        json_output, {"period": period, "finding": parsed.value}, f"review {period}: {parsed.value}"
    )


@monitoring_app.command("show")
@guarded
def commitment_show_command(
    commitment_id: Annotated[str, typer.Argument(show_default=False)],
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """A commitment, its next review and its findings."""
    cid = parse_id(commitment_id, "commitment")
    with engine(data_dir) as e:
        e.catch_up()
        data = e.app.monitoring.get_commitment(cid)
    show(json_output, data)


@monitoring_app.command("list")
@guarded
def commitment_list_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every monitoring commitment."""
    with engine(data_dir) as e:
        items = e.app.monitoring.list_commitments()
    show(json_output, items)
