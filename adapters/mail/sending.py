"""Turning the log into sent mail: the producers queue, then the outbox sends what is due.

`deliver_once` is one round (what `akkoord mail send` repeats until nothing is due);
`MailLoop` runs rounds in a background thread of `akkoord serve` and `akkoord scheduler run`.
Several of them on one store are safe: producing is exactly-once per follower position and
sending claims each message first (adapters/mail/outbox.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from adapters.config import logs
from adapters.config.settings import MailSettings
from adapters.mail import mailer
from adapters.mail.outbox import Outbox, SendReport
from adapters.mail.smtp import SmtpTransport, Transport
from domain.errors import InvalidInputError

if TYPE_CHECKING:
    from adapters.config.settings import Settings

Producer = Callable[["Settings", Outbox], int]
PRODUCERS: tuple[Producer, ...] = (mailer.produce,)


def deliver(
    settings: Settings,
    outbox: Outbox,
    transport: Transport | None,
    *,
    producers: Sequence[Producer] = PRODUCERS,
    now: datetime | None = None,
    limit: int = 100,
) -> SendReport:
    """Queue what the log asks for, then send what is due (nothing without a transport)."""
    produced = sum(produce(settings, outbox) for produce in producers)
    report = SendReport(produced=produced)
    if transport is not None:
        report += outbox.send_due(transport, now=now, limit=limit)
    return report


def mail_settings() -> MailSettings:
    """The environment's mail settings; a malformed one is a one-line refusal."""
    try:
        return MailSettings.from_env()
    except ValueError as e:
        raise InvalidInputError(str(e)) from None


def transport_for(mail: MailSettings) -> Transport | None:
    return SmtpTransport.from_settings(mail) if mail.configured else None


def deliver_once(
    settings: Settings,
    *,
    producers: Sequence[Producer] = PRODUCERS,
    mail: MailSettings | None = None,
    transport: Transport | None = None,
    now: datetime | None = None,
) -> SendReport:
    """One round on a fresh outbox: produce, then send through `transport` (default: SMTP as
    configured, or nothing when it is not)."""
    mail = mail or MailSettings.from_env()
    outbox = Outbox(settings, mail)
    try:
        return deliver(
            settings, outbox, transport or transport_for(mail), producers=producers, now=now
        )
    finally:
        outbox.close()


class MailLoop:
    """A round every `poll_seconds` in a daemon thread, until `stop`."""

    def __init__(
        self,
        settings: Settings,
        mail: MailSettings | None = None,
        *,
        producers: Sequence[Producer] | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.settings = settings
        self.mail = mail or MailSettings.from_env()
        # By default the loop follows the log with one engine of its own for its whole life.
        self.following: mailer.Following | None = None
        if producers is None:
            self.following = mailer.Following()
            producers = (self.following,)
        self.producers = producers
        self.transport = transport or transport_for(self.mail)
        self.rounds = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="akkoord-mail", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        log = logs.logger(component="mail")
        outbox = Outbox(self.settings, self.mail)
        log.info("mail loop started", smtp=self.mail.server or "not configured")
        try:
            while True:
                try:
                    report = deliver(
                        self.settings, outbox, self.transport, producers=self.producers
                    )
                except Exception as e:  # a busy store must not stop the loop; retried next round
                    log.warning("mail round failed; will retry", error=str(e))
                else:
                    if report.produced or report.sent or report.retrying or report.failed:
                        log.info(
                            "mail round",
                            queued=report.produced,
                            sent=report.sent,
                            retrying=report.retrying,
                            failed=report.failed,
                        )
                self.rounds += 1
                if self._stop.wait(self.mail.poll_seconds):
                    break
        finally:
            outbox.close()
            if self.following is not None:
                self.following.close()
