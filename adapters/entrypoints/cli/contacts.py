"""`akkoord contacts ...`: the secretaries' names and mail addresses, outside the event log."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Contacts: each municipality's secretary (name, mail address), kept outside the log.",
    no_args_is_help=True,
)
