"""`akkoord mail ...`: the outbox of invitations, reminders and confirmations."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from adapters.config.settings import MailSettings, Settings
from adapters.entrypoints.cli.common import DataDirOpt, JsonOpt, fail, guarded, print_json, say
from domain.errors import InvalidInputError

# The outbox (SQLAlchemy), smtplib and the catalogues load when a mail command runs.
if TYPE_CHECKING:
    from adapters.mail.outbox import MailStatus

app = typer.Typer(help="Mail: the outbox's status, and sending what waits.", no_args_is_help=True)

# A round sends at most this many; `mail send` repeats rounds until none is due.
ROUND = 100


def _mail_settings() -> MailSettings:
    try:
        return MailSettings.from_env()
    except ValueError as e:
        raise InvalidInputError(str(e)) from None


def _settings(data_dir: Path | None) -> Settings:
    settings = Settings.resolve(data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def _human(status: MailStatus) -> list[str]:
    from adapters.i18n.catalogues import gettext as _

    lines = [
        _("SMTP server: %(server)s", server=status.smtp)
        if status.smtp
        else _("SMTP is not configured (set AKKOORD_SMTP_URL): messages wait in the outbox")
    ]
    names = {
        "queued": _("queued"),
        "retry": _("waiting to retry"),
        "sending": _("being sent"),
        "sent": _("sent"),
        "failed": _("given up"),
    }
    lines.append(", ".join(f"{names[s]}: {n}" for s, n in status.counts.items()))
    for kind, counts in sorted(status.by_kind.items()):
        shown = ", ".join(f"{names[s]} {n}" for s, n in counts.items() if n)
        lines.append(f"  {kind}: {shown}")
    if status.oldest_waiting:
        lines.append(_("oldest waiting since: %(moment)s", moment=status.oldest_waiting))
    if status.next_attempt:
        lines.append(_("next attempt: %(moment)s", moment=status.next_attempt))
    for row in status.failed:
        lines.append(
            _(
                "failed: %(id)s to %(member)s (%(to)s) after %(attempts)s attempts: %(error)s",
                id=row.message_id,
                member=row.member or "-",
                to=row.to,
                attempts=row.attempts,
                error=row.last_error or "",
            )
        )
    return lines


@app.command("status")
@guarded
def status_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """What waits, what went, what failed (with the server's last words); addresses masked."""
    from adapters.i18n.catalogues import cli_language, speaking
    from adapters.mail.outbox import Outbox

    mail = _mail_settings()
    outbox = Outbox(_settings(data_dir), mail)
    try:
        status = outbox.status()
    finally:
        outbox.close()
    if json_output:
        print_json({"smtp_configured": mail.configured, **status.as_dict()})
        return
    with speaking(cli_language()):
        for line in _human(status):
            say(line)


@app.command("send")
@guarded
def send_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Queue what the log asks for and send everything due, once; non-zero if a send failed."""
    from adapters.i18n.catalogues import cli_language, speaking
    from adapters.i18n.catalogues import gettext as _
    from adapters.mail.outbox import Outbox
    from adapters.mail.sending import deliver, transport_for

    mail = _mail_settings()
    transport = transport_for(mail)
    if transport is None:
        raise InvalidInputError("SMTP is not configured: set AKKOORD_SMTP_URL")
    settings = _settings(data_dir)
    outbox = Outbox(settings, mail)
    try:
        report = deliver(settings, outbox, transport, limit=ROUND)
        last = report
        # Only what is due now: a refused message waits for its next attempt, so this ends.
        while last.sent + last.retrying + last.failed == ROUND:
            last = outbox.send_due(transport, limit=ROUND)
            report += last
    finally:
        outbox.close()
    with speaking(cli_language()):
        if json_output:
            print_json(report.as_dict())
        else:
            say(
                _(
                    "%(queued)s queued, %(sent)s sent, %(retrying)s to retry, %(failed)s failed",
                    queued=report.produced,
                    sent=report.sent,
                    retrying=report.retrying,
                    failed=report.failed,
                )
            )
        if report.retrying or report.failed:
            raise fail(
                _(
                    "%(count)s message(s) could not be sent (see `akkoord mail status`): %(first)s",
                    count=report.retrying + report.failed,
                    first=report.errors[0] if report.errors else "",
                ),
                code="mail_not_sent",
                exit_code=1,
                as_json=json_output,
            )
