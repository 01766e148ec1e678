"""`akkoord contacts ...`: the secretaries' names and mail addresses, outside the event log."""

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
    say,
    show,
)
from adapters.i18n.catalogues import gettext as _
from domain.actor import Role

# The register's tables (SQLAlchemy) load when a contacts command runs, not on `akkoord --help`.
if TYPE_CHECKING:
    from adapters.contacts.register import ContactsRegister

app = typer.Typer(
    help="Contacts: each municipality's secretary (name, mail address), kept outside the log.",
    no_args_is_help=True,
)

ReasonOpt = Annotated[
    str,
    typer.Option("--reason", help="Why (kept with the contacts, never in the event log)."),
]


def _register(data_dir: Path | None) -> ContactsRegister:
    from adapters.contacts.register import ContactsRegister

    return ContactsRegister(Settings.resolve(data_dir))


@app.command("load")
@guarded
def load_command(
    file: Annotated[
        Path,
        typer.Option(
            "--file",
            help="CSV (, or ;, UTF-8 or Windows-1252) with columns gemeente/code, naam/name and "
            "e-mail/email; other columns are ignored.",
            show_default=False,
        ),
    ],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Add or correct the secretaries in a file: all of it, or nothing if a line is wrong."""
    from adapters.contacts.register import Contact
    from adapters.inputs.contacts_csv import read_contacts_csv

    who = actor_from(actor)
    who.require(Role.OFFICER, doing="load contacts")
    with engine(data_dir) as e:
        # The register now, not as of any date: a contact is for a municipality that exists,
        # or for a party to an agreement on record.
        known = {str(m["code"]) for m in e.app.members.list_members()}
        parties = {str(p) for a in e.app.agreements.list_agreements() for p in a["parties"]}
    lines = read_contacts_csv(file, known_members=known, known_parties=parties)
    register = _register(data_dir)
    try:
        result = register.load(
            [Contact(c.member, c.name, c.email, c.party) for c in lines],
            actor=who,
            reason=reason,
            known_members=known,
            known_parties=parties,
        )
    finally:
        register.close()
    emit(
        json_output,
        {**result.as_dict(), "file": str(file)},
        _(
            "%(added)s added, %(updated)s updated, %(unchanged)s unchanged (from %(file)s)",
            added=len(result.added),
            updated=len(result.updated),
            unchanged=result.unchanged,
            file=file.name,
        ),
    )


@app.command("list")
@guarded
def list_command(
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Every secretary on record, with who loaded them, when and why (officers, auditors)."""
    actor_from(actor).require(Role.OFFICER, Role.AUDITOR, doing="see the contacts")
    register = _register(data_dir)
    try:
        rows = register.rows()
    finally:
        register.close()
    if json_output:
        show(json_output, rows)
        return
    # A terminal is narrow: who loaded each row and why are in --json.
    members = [r for r in rows if "member" in r]
    show(
        False,
        [
            {k: r[k] for k in ("member", "name", "email")} | {"loaded": r["loaded_at"][:10]}
            for r in members
        ],
    )
    parties = [r for r in rows if "party" in r]
    if parties:
        show(
            False,
            [
                {k: r[k] for k in ("party", "name", "email")} | {"loaded": r["loaded_at"][:10]}
                for r in parties
            ],
        )
        say(
            _(
                "On record only: no mail goes to a party yet, since no step of a process asks for it."
            )
        )


@app.command("erase")
@guarded
def erase_command(
    member: Annotated[
        str,
        typer.Argument(
            help="The municipality, e.g. GM0014, or the party, e.g. VNG.", show_default=False
        ),
    ],
    reason: ReasonOpt = "",
    actor: ActorOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Erase a secretary's name and address for good (AVG); only the erasure is recorded."""
    from adapters.inputs.contacts_csv import is_member_code, member_code

    who = actor_from(actor)
    party = not is_member_code(member)
    # A party's contact is erasable even after its agreement is gone: no check against them.
    code = " ".join(member.split()) if party else member_code(member)
    register = _register(data_dir)
    try:
        register.erase(code, actor=who, reason=reason, party=party)
    finally:
        register.close()
    emit(json_output, {"erased": code}, _("contact of %(code)s erased", code=code))
