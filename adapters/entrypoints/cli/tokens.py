"""`akkoord tokens ...`: API tokens for the HTTP API and the dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.config.settings import Settings
from adapters.entrypoints.cli.common import (
    ActorOpt,
    DataDirOpt,
    JsonOpt,
    actor_from,
    emit,
    engine,
    guarded,
    show,
)
from domain.errors import UnknownMemberError

# The token table (SQLAlchemy) loads when a tokens command runs, not on `akkoord --help`.
if TYPE_CHECKING:
    from adapters.auth.tokens import TokenStore

app = typer.Typer(
    help="API tokens (bearer tokens bound to an actor and role).", no_args_is_help=True
)


def _store(data_dir: Path | None) -> TokenStore:
    from adapters.auth.tokens import TokenStore

    settings = Settings.resolve(data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return TokenStore(settings)


def _require_member(role: str, data_dir: Path | None) -> None:
    """A secretary's token names a municipality of the register; before any member is
    loaded there is nothing to check against, and a token may be issued ahead."""
    from adapters.store import store_exists
    from domain.actor import Actor, Role

    base = role.strip()
    if ":" not in base:
        return  # the token store refuses a secretary without a code itself
    wanted = Actor.parse(base)
    if wanted.role is not Role.SECRETARY or not store_exists(Settings.resolve(data_dir)):
        return
    with engine(data_dir) as e:
        known = {str(m["code"]) for m in e.app.members.list_members(everyone=True)}
    if known and wanted.identity not in known:
        raise UnknownMemberError(
            f"unknown member {wanted.identity}: no token for {wanted} (load the members "
            "first, or check the code)"
        )


@app.command("issue")
@guarded
def issue_command(
    role: Annotated[
        str,
        typer.Option(
            "--role", help="officer, board, auditor, or secretary:GMxxxx.", show_default=False
        ),
    ],
    name: Annotated[
        str,
        typer.Option(
            "--name",
            help="Who holds it (for officer/board/auditor also the actor id).",
            show_default=False,
        ),
    ],
    reason: Annotated[str, typer.Option("--reason")] = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Issue a token; it is printed once and only its hash is kept."""
    who = actor_from(actor)
    _require_member(role, data_dir)
    store = _store(data_dir)
    try:
        issued = store.issue(role=role, name=name, issued_by=who, reason=reason)
    finally:
        store.close()
    emit(
        json_output,
        {"token_id": issued.token_id, "actor": str(issued.actor), "token": issued.token},
        f"{issued.token}\n(token {issued.token_id} for {issued.actor}; it is shown only now)",
    )


@app.command("list")
@guarded
def list_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Every token ever issued (never the secret itself)."""
    store = _store(data_dir)
    try:
        rows = store.list()
    finally:
        store.close()
    show(json_output, rows)


@app.command("revoke")
@guarded
def revoke_command(
    token_id: Annotated[str, typer.Argument(show_default=False)],
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Revoke a token: it stops working at once."""
    who = actor_from(actor)
    store = _store(data_dir)
    try:
        store.revoke(token_id, revoked_by=who)
    finally:
        store.close()
    emit(json_output, {"revoked": token_id}, f"token {token_id} revoked")
