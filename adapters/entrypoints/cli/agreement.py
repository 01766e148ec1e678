"""`akkoord agreement ...`: the agreements, their parties and where each party stands."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from adapters.entrypoints.cli.columns import heading
from adapters.entrypoints.cli.common import (
    ActorOpt,
    DataDirOpt,
    JsonOpt,
    act,
    actor_from,
    emit,
    engine,
    guarded,
    out,
    print_json,
    split_list,
)
from adapters.i18n.catalogues import gettext as _
from adapters.i18n.labels import label
from domain.agreement import PartyStatus
from domain.errors import InvalidInputError

app = typer.Typer(help="Agreements (IZA, AZWA, HLO, GALA) and their parties.", no_args_is_help=True)

ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (recorded with the event).")]
PartiesOpt = Annotated[
    list[str] | None, typer.Option("--party", help="Repeatable or comma-separated.")
]


@app.command("register")
@guarded
def register_command(
    code: Annotated[str, typer.Option("--code", show_default=False)],
    name: Annotated[str, typer.Option("--name", show_default=False)],
    full_name: Annotated[str, typer.Option("--full-name", show_default=False)],
    term: Annotated[str, typer.Option("--term")] = "",
    party: PartiesOpt = None,
    involved: Annotated[
        list[str] | None, typer.Option("--involved", help="Involved, not signing.")
    ] = None,
    supplements: Annotated[
        str | None, typer.Option("--supplements", help="Agreement code.")
    ] = None,
    continues: Annotated[
        str | None,
        typer.Option("--continues", help="Signing it continues participation in this agreement."),
    ] = None,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Register an agreement with its signing and involved parties and its relations."""
    who = actor_from(actor)
    relations = [{"kind": "supplements", "agreement": supplements}] if supplements else []
    if continues:
        relations.append({"kind": "continues participation in", "agreement": continues})
    registered = act(
        data_dir,
        lambda e: e.app.agreements.register_agreement(
            code=code,
            name=name,
            full_name=full_name,
            term=term,
            signing_parties=split_list(party),
            involved_parties=split_list(involved),
            relations=relations,
            actor=who,
            reason=reason,
        ),
        create=True,
    )
    emit(json_output, {"code": registered}, _("registered %(name)s", name=registered))


@app.command("status")
@guarded
def status_command(
    code: Annotated[str, typer.Argument(help="Agreement code, e.g. AZWA.", show_default=False)],
    status: Annotated[
        str, typer.Option("--status", help="e.g. signed, negotiator agreement.", show_default=False)
    ],
    party: PartiesOpt = None,
    detail: Annotated[str, typer.Option("--detail")] = "",
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Record where parties stand in an agreement (e.g. all parties signed on 8 Sep 2025)."""
    who = actor_from(actor)
    parties = split_list(party)
    if not parties:
        raise InvalidInputError("name the parties: --party VWS --party ZN (or --party VWS,ZN)")
    new = PartyStatus.parse(status)
    moved = act(
        data_dir,
        lambda e: e.app.agreements.change_party_status(
            code, parties=parties, status=new, actor=who, reason=reason, detail=detail
        ),
    )
    emit(
        json_output,
        {"changed": moved},
        _(
            "%(moved)s of %(num)s parties now %(status)s",
            moved=len(moved),
            num=len(parties),
            status=label(new.value),
        ),
    )


@app.command("add-party")
@guarded
def add_party_command(
    code: Annotated[str, typer.Argument(show_default=False)],
    party: Annotated[str, typer.Option("--party", show_default=False)],
    involved: Annotated[bool, typer.Option("--involved", help="Involved, not signing.")] = False,
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Add a party to an agreement."""
    who = actor_from(actor)
    act(
        data_dir,
        lambda e: e.app.agreements.add_party(
            code, party=party, signing=not involved, actor=who, reason=reason
        ),
    )
    emit(
        json_output,
        {"added": party},
        _("%(party)s added to %(code)s", party=party, code=code.upper()),
    )


@app.command("show")
@guarded
def show_command(
    code: Annotated[str, typer.Argument(show_default=False)],
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """An agreement, its relations and every party's current status."""
    with engine(data_dir) as e:
        info = e.app.agreements.get_agreement(code)
    if json_output:
        print_json(info)
        return
    out.print(f"[bold]{info['code']}[/bold] {info['full_name']} ({info['term']})")
    for relation in info["relations"]:
        out.print(f"  {_(relation['kind'])} {relation['agreement']}")
    table = Table(heading("party"), heading("status"))
    for party_name, status in info["parties"].items():
        table.add_row(party_name, label(status))
    out.print(table)


@app.command("list")
@guarded
def list_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every registered agreement."""
    with engine(data_dir) as e:
        items = e.app.agreements.list_agreements()
    if json_output:
        print_json(items)
        return
    table = Table(*map(heading, ("code", "name", "term", "parties")))
    for a in items:
        table.add_row(a["code"], a["full_name"], a["term"], str(len(a["parties"])))
    out.print(table)
