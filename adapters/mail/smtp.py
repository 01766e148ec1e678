"""Handing a message to an SMTP server, with the standard library only.

A transport raises `SendError` when a message did not go: `permanent` when the server said no
for good (a 5xx on the recipient or the message), so the outbox stops trying; anything else
(a refused connection, a 4xx, a login the operator still has to fix) is tried again later.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

from adapters.config.settings import MailSettings
from adapters.mail.messages import OutgoingMail

TIMEOUT_SECONDS = 60.0


class SendError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Transport(Protocol):
    def send(self, mail: OutgoingMail) -> None:
        """Hand `mail` over, or raise (`SendError` says whether trying again may help)."""

    def close(self) -> None:
        """Let go of any connection kept between messages."""


def message_id(mail: OutgoingMail) -> str:
    bare = mail.message_id.strip().strip("<>")
    return f"<{bare}>"


def compose(mail: OutgoingMail, sender: str) -> EmailMessage:
    """The MIME message: text, the html alternative if any, then the attachments."""
    message = EmailMessage()
    message["Message-ID"] = message_id(mail)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    # Automatic mail: no out-of-office replies back to us, no mail loops (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    if mail.kind:
        message["X-Akkoord-Kind"] = mail.kind
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return " ".join(f"{code} {words}".split())


class SmtpTransport:
    """One connection, opened at the first message and kept until `close` or an error."""

    def __init__(self, settings: MailSettings, *, timeout: float = TIMEOUT_SECONDS) -> None:
        if not settings.configured:
            raise ValueError("SMTP is not configured: set AKKOORD_SMTP_URL")
        self.settings = settings
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None

    @classmethod
    def from_settings(cls, settings: MailSettings) -> SmtpTransport:
        return cls(settings)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if s.security == "tls":
            connection = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=context)
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        try:
            if s.security == "starttls":
                connection.starttls(context=context)
                connection.ehlo()
            if s.username:
                connection.login(s.username, s.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, mail: OutgoingMail) -> None:
        try:
            message = compose(mail, self.settings.mail_from)
        except (ValueError, TypeError) as e:  # e.g. a line break in a header: never sendable
            raise SendError(f"cannot compose the message: {e}", permanent=True) from None
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.send_message(
                message, from_addr=self.settings.mail_from, to_addrs=[mail.to]
            )
        except smtplib.SMTPRecipientsRefused as e:
            self._drop()
            code, text = next(iter(e.recipients.values()))
            raise SendError(_reply(code, text), permanent=code >= 500) from None
        except smtplib.SMTPDataError as e:
            self._drop()
            raise SendError(
                _reply(e.smtp_code, e.smtp_error), permanent=e.smtp_code >= 500
            ) from None
        except smtplib.SMTPResponseException as e:  # sender refused, login refused, ...
            self._drop()
            raise SendError(_reply(e.smtp_code, e.smtp_error)) from None
        except (smtplib.SMTPException, OSError) as e:
            self._drop()
            raise SendError(f"{self.settings.server}: {e or type(e).__name__}") from None

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()

    def close(self) -> None:
        self._drop()
