"""A message as akkoord hands it to the outbox: addressed, worded, with its attachments."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar", "application/json"
    data: bytes


@dataclass(frozen=True)
class OutgoingMail:
    # Stable, e.g. "<invite.<consultation>.<member>@akkoord>": the outbox ignores a second
    # enqueue of the same id, and a receiver can recognise a resend after a crash.
    message_id: str
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    kind: str = ""  # "invitation" | "reminder" | "confirmation" | ...
    subject_id: str = ""  # the consultation id
    member: str = ""  # GMxxxx
