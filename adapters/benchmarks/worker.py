"""Subprocess entry point: one measured task on one store, so its peak memory is its own.

    python -m adapters.benchmarks.worker rebuild DIR   # akkoord's projection rebuild
    python -m adapters.benchmarks.worker read DIR      # the bare library reading the log

With BENCH_DATABASE_URL set (in the environment, not the arguments: it may hold a password), the
store is the PostgreSQL schema it names.

Prints one JSON object: events, seconds, and the process's resident memory before the task
and at its peak (kB). The peak is VmHWM from /proc: getrusage's ru_maxrss would not do, because
Linux carries it over an exec, so a worker started from a big parent would report the parent's.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import resource
import sys
import time
from pathlib import Path
from typing import Any


def _status_kb(field: str) -> int | None:
    """A memory field of /proc/self/status in kB (None where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _rss_kb() -> int:
    return _status_kb("VmRSS") or 0


def _peak_kb() -> int:
    peak = _status_kb("VmHWM")
    if peak is None:  # no /proc: the best there is (kB on Linux, bytes on macOS)
        peak = int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return peak


def _load_processes() -> None:
    """Define every process's events before the clock starts, in both tasks: loading modules is
    a process's start-up, not its rebuild or its read (akkoord and the library alike import a
    process's module when they first meet one of its events)."""
    import domain

    for info in pkgutil.iter_modules(domain.__path__, "domain."):
        importlib.import_module(info.name)


def rebuild(directory: Path, url: str | None) -> dict[str, Any]:
    from adapters.bootstrap import build
    from adapters.config.settings import Settings
    from adapters.readmodels import rebuild as _  # noqa: F401 - loaded before the clock starts

    _load_processes()
    with build(Settings(directory, database_url=url)) as engine:
        engine.views  # noqa: B018 - the read models' engines, made before the clock starts
        before = _rss_kb()
        started = time.perf_counter()
        events = engine.rebuild()
        seconds = time.perf_counter() - started
    return {"events": events, "seconds": seconds, "rss_before_kb": before}


def read(directory: Path, url: str | None) -> dict[str, Any]:
    from adapters.benchmarks.baselines import bare_read_decode
    from adapters.config.settings import Settings

    _load_processes()
    before = _rss_kb()
    events, seconds = bare_read_decode(Settings(directory, database_url=url))
    return {"events": events, "seconds": seconds, "rss_before_kb": before}


URL_ENV = "BENCH_DATABASE_URL"
TASKS = {"rebuild": rebuild, "read": read}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in TASKS:
        sys.stderr.write(f"usage: python -m adapters.benchmarks.worker {{{','.join(TASKS)}}} DIR\n")
        return 2
    result = TASKS[argv[0]](Path(argv[1]), os.environ.get(URL_ENV) or None)
    result["peak_kb"] = _peak_kb()
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
