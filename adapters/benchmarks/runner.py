"""Run every benchmark in order, in one temp directory, and describe the machine."""

from __future__ import annotations

import os
import platform
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from adapters.benchmarks.as_of import as_of_figures
from adapters.benchmarks.bulk import bulk_figures
from adapters.benchmarks.commands import big_log_command_figure, command_figures
from adapters.benchmarks.figures import Config, Figure, Stopwatch
from adapters.benchmarks.logs import write_log
from adapters.benchmarks.memory import memory_figures
from adapters.benchmarks.rebuild import measure_rebuilds, rebuild_figures, size_label
from adapters.benchmarks.tally import tally_figures

Progress = Callable[[str], None]


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def _memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def machine() -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "memory": _memory_total(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "eventsourcing": _version("eventsourcing"),
        "sqlalchemy": _version("sqlalchemy"),
        "backend": "SQLite (eventsourcing.sqlite, WAL) + SQLite read models",
    }


def run_benchmarks(
    config: Config, progress: Progress = lambda _: None, workdir: Path | None = None
) -> list[Figure]:
    """Every figure of `config`, measured in a fresh temp directory (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="akkoord-bench-", dir=workdir) as tmp:
        return _run(config, Path(tmp), progress)


def _run(config: Config, root: Path, progress: Progress) -> list[Figure]:
    figures: list[Figure] = []

    def step(what: str) -> Stopwatch:
        progress(what)
        return Stopwatch()

    with step(f"commands: {config.commands} cast-ballot commands, in turn with the baselines"):
        found, base = command_figures(root, config)
        figures += found
    with step("bulk: members load, scenario import"):
        figures += bulk_figures(root / "bulk", config)
    logs: dict[int, Path] = {}
    for size in config.log_sizes:
        with step(f"writing a synthetic log of {size:,} events"):
            logs[size] = root / f"log-{size_label(size)}"
            write_log(logs[size], size)
    with step("rebuild: read-and-decode and projection rebuild, in subprocesses"):
        runs = measure_rebuilds(logs)
    figures += rebuild_figures(runs)
    figures += memory_figures(runs, config)
    with step(f"as-of: {config.as_of_queries} queries on each log"):
        figures += as_of_figures(logs, config.as_of_sizes, config.as_of_queries)
    largest = max(config.log_sizes)
    with step(f"commands on the {largest:,}-event log"):
        short = next(f for f in figures if f.name == "commands.cast_ballot")
        figures.append(
            big_log_command_figure(logs[largest], size_label(largest), config, base, short.value)
        )
    with step(f"tally: electorate of {config.electorate:,}"):
        figures += tally_figures(root, config, base)
    return figures


def report(config: Config, figures: list[Figure], seconds: float) -> dict[str, Any]:
    """What `akkoord bench --json` prints."""
    return {
        "figures": [f.as_dict() for f in figures],
        "mode": config.mode,
        "seconds": round(seconds, 1),
        "machine": machine(),
    }
