"""`akkoord signing ...`: signatures under reservation."""

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

app = typer.Typer(
    help="Conditional signatures (e.g. VNG's AZWA signature of 8 Sep 2025).", no_args_is_help=True
)


@app.command("sign")
@guarded
def sign_command(
    party: Annotated[str, typer.Option("--party", show_default=False)],
    agreement: Annotated[str, typer.Option("--agreement", show_default=False)],
    condition: Annotated[list[str] | None, typer.Option("--condition", help="Repeatable.")] = None,
    reason: Annotated[str, typer.Option("--reason")] = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """A party signs an agreement subject to conditions (a consultation, a ratification)."""
    who = actor_from(actor)
    sid = act(
        data_dir,
        lambda e: e.app.signings.sign_conditionally(
            party=party, agreement=agreement, conditions=condition or [], actor=who, reason=reason
        ),
    )
    emit(json_output, {"id": str(sid)}, str(sid))


@app.command("show")
@guarded
def show_command(
    signing_id: Annotated[str, typer.Argument(show_default=False)],
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """A conditional signature and its state."""
    sid = parse_id(signing_id, "signature")
    with engine(data_dir) as e:
        data = e.app.signings.get_signing(sid)
    show(json_output, data)


@app.command("list")
@guarded
def list_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every conditional signature."""
    with engine(data_dir) as e:
        items = e.app.signings.list_signings()
    show(json_output, items)
