"""`akkoord scheduler run`: fire deadlines by themselves, in the foreground."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from adapters.config.settings import Settings
from adapters.entrypoints.cli.common import DatabaseWaitOpt, DataDirOpt, JsonOpt, engine, guarded

app = typer.Typer(help="The deadline scheduler.", no_args_is_help=True)


@app.command("run")
@guarded
def run_command(
    poll: Annotated[
        float, typer.Option("--poll", min=0.05, max=60, help="Seconds between looks at the store.")
    ] = 0.5,
    json_output: JsonOpt = False,
    database_wait: DatabaseWaitOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Fire deadlines as they fall due (also those missed while down); stop with Ctrl-C or SIGTERM.

    With several schedulers on one store, exactly one fires: the one holding the lock.
    """
    # APScheduler and the store load for this long-running command only, not on every `akkoord`.
    from adapters.config import logs
    from adapters.entrypoints.scheduler import DeadlineScheduler, run_forever
    from adapters.mail.sending import MailLoop, mail_settings
    from adapters.store import backend_for
    from adapters.store.database_wait import wait_for_store

    settings = Settings.resolve(data_dir)
    mail = mail_settings()  # mail: a malformed AKKOORD_SMTP_URL refused before anything runs
    wait_for_store(settings, give_up_after=database_wait)
    with engine(data_dir) as e:
        logs.configure(settings.log_path, console=True)
        leadership = backend_for(settings).leadership()
        scheduler = DeadlineScheduler(e, leadership, poll=poll)
        # --- mail: the outbox is filled and (with AKKOORD_SMTP_URL) sent from here too ---
        mailing = MailLoop(settings, mail)
        mailing.start()
        try:
            run_forever(scheduler, threading.Event(), data_dir=str(settings.data_dir))
        finally:
            mailing.stop()
        # --- end mail ---
        logs.logger(component="scheduler").info("stopped", fired=len(scheduler.fired))
