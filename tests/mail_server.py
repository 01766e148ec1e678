"""A real SMTP server on loopback (aiosmtpd) for tests that send mail.

    with smtp_server() as server:
        env["AKKOORD_SMTP_URL"] = server.url
        ...
        (message,) = server.wait_for(1)
        assert message["To"] == "..."

`refuse(n)` makes the next n messages fail with "451 try later", to exercise the retries.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class SmtpServer:
    """What the server received, in arrival order, parsed with the modern email policy."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)  # (mail from, rcpt tos)
    refusals_left: int = 0
    refused: int = 0
    _lock: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}"

    def refuse(self, count: int) -> None:
        with self._lock:
            self.refusals_left = count

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()
            self.refused = 0

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        """At least `count` messages, or AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} mail(s) within {timeout}s, got {len(self.messages)}"
                    )
                self._lock.wait(left)
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    # aiosmtpd calls this on its own event-loop thread.
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self._lock:
            if self.refusals_left > 0:
                self.refusals_left -= 1
                self.refused += 1
                return "451 try later"
            raw = envelope.original_content or envelope.content
            parsed = email.message_from_bytes(raw, policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            self.messages.append(parsed)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self._lock.notify_all()
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server on 127.0.0.1 and a free port; stopped on exit."""
    server = SmtpServer(port=free_port())
    controller = Controller(server, hostname=HOST, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
