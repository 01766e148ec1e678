"""structlog, configured once at the entry point: JSON lines into the store's log file.

The terminal gets one clear line per refusal from the CLI itself; the log file keeps the detail
(actor, command, aggregate) for auditors, never local variables or secrets.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import structlog

_configured: list[Path] = []


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
    formatter = structlog.stdlib.ProcessorFormatter(
        processor=structlog.processors.JSONRenderer(),
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
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
                ],
            )
        )
        handlers.append(stream)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.raiseExceptions = False  # a log line that cannot be written is dropped, not printed
    # APScheduler narrates every job run at INFO; akkoord logs the firings that matter itself.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.ExceptionRenderer(
                structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
            ),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    _configured[:] = [log_path] if log_path is not None and not console else []


def logger(**context: Any) -> Any:
    return structlog.get_logger("akkoord").bind(**context)
