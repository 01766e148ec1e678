"""structlog, configured once at the entry point: JSON lines into the store's log file.

The terminal gets one clear line per refusal from the CLI itself; the log file keeps the detail
(actor, command, aggregate) for auditors, never local variables or secrets.

A command that logs nothing (most CLI commands that succeed) never loads structlog: the log file
is opened at once, and structlog is set up at the first line written to it.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

_configured: list[Path] = []
# A token (`adapters.auth.tokens`, prefix `akk_`) is a password, and a sign-in link carries one
# in its path: whoever logs a path or a header (a refusal, a storage error, a library's own
# line) must not write it to the file. Kept: the prefix, so a reader sees that one was there.
_TOKEN = re.compile(r"akk_[A-Za-z0-9_-]+")
_HIDDEN = "akk_…"


def _hidden(value: Any) -> Any:
    if isinstance(value, str):
        return _TOKEN.sub(_HIDDEN, value) if "akk_" in value else value
    if isinstance(value, dict):
        return {k: _hidden(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_hidden(v) for v in value]
    return value


def hide_tokens(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """A structlog processor: every token in a log line's values becomes `akk_…`."""
    for key, value in event.items():
        event[key] = _hidden(value)
    return event


_setting_up = threading.Lock()


class _SetUpOnFirstRecord(logging.Handler):
    """Stands at the root for the file's handlers until the first record: then sets them up with
    structlog's formatter, puts them in its place, and hands them the record."""

    def __init__(self, handlers: list[logging.Handler]) -> None:
        super().__init__()
        self.handlers = handlers

    def emit(self, record: logging.LogRecord) -> None:
        for handler in _activate():
            if record.levelno >= handler.level:
                handler.handle(record)

    def close(self) -> None:
        for handler in self.handlers:
            handler.close()
        super().close()


def configure(log_path: Path | None, *, console: bool = False) -> None:
    """Log to the store's file; with `console`, to stderr as well (readable on a terminal)."""
    if not console and log_path is not None and _configured == [log_path]:
        return
    if log_path is not None and not log_path.parent.is_dir():
        log_path = None
    handlers: list[logging.Handler] = []
    if log_path is not None:
        try:
            handlers.append(logging.FileHandler(log_path, encoding="utf-8"))
        except OSError:
            # A read-only or full data directory must not turn every command into a traceback;
            # the command itself then reports what it cannot do.
            handlers.append(logging.NullHandler())
    else:
        handlers.append(logging.NullHandler())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    root.setLevel(logging.INFO)
    logging.raiseExceptions = False  # a log line that cannot be written is dropped, not printed
    # APScheduler narrates every job run at INFO; akkoord logs the firings that matter itself.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    root.addHandler(_SetUpOnFirstRecord(handlers))
    if console:
        _activate(console=True)  # the servers log from the start
    _configured[:] = [log_path] if log_path is not None and not console else []


def _standing() -> _SetUpOnFirstRecord | None:
    found = [h for h in logging.getLogger().handlers if isinstance(h, _SetUpOnFirstRecord)]
    return found[0] if found else None


def _activate(*, console: bool = False) -> list[logging.Handler]:
    """Set up structlog and the root's real handlers, if that is still to do; returns them."""
    with _setting_up:
        return _set_up(console)


def _set_up(console: bool) -> list[logging.Handler]:
    root = logging.getLogger()
    standing = _standing()
    if standing is None:
        return list(root.handlers)
    import structlog

    handlers = list(standing.handlers)
    formatter = structlog.stdlib.ProcessorFormatter(
        processor=structlog.processors.JSONRenderer(),
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            hide_tokens,
        ],
    )
    for handler in handlers:
        handler.setFormatter(formatter)
    if console:
        on_terminal = sys.stderr.isatty()
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(
            structlog.stdlib.ProcessorFormatter(
                processor=structlog.dev.ConsoleRenderer(colors=on_terminal)
                if on_terminal
                else structlog.processors.JSONRenderer(),
                foreign_pre_chain=[
                    structlog.stdlib.add_log_level,
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                    hide_tokens,
                ],
            )
        )
        handlers.append(stream)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.ExceptionRenderer(
                structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
            ),
            hide_tokens,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    # A new list, not the root's own changed in place: the root may be handing a record to the
    # stand-in right now, walking that list, and must not reach these handlers as well.
    root.handlers = handlers
    return handlers


def logger(**context: Any) -> Any:
    _activate()
    import structlog

    return structlog.get_logger("akkoord").bind(**context)
