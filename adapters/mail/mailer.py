"""What turns the log's events (invited, reminded, ballot cast) into messages in the outbox."""

from __future__ import annotations

from typing import Any


def produce(settings: Any, outbox: Any) -> int:
    """Queue the messages the log asks for since the last call; the number queued."""
    return 0
