"""`akkoord mail ...`: the outbox of invitations, reminders and confirmations."""

from __future__ import annotations

import typer

app = typer.Typer(help="Mail: the outbox's status, and sending what waits.", no_args_is_help=True)
