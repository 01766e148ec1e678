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
from adapters.benchmarks.commands import Where, big_log_command_figure, command_figures
from adapters.benchmarks.figures import Config, Figure, Stopwatch
from adapters.benchmarks.logs import write_log
from adapters.benchmarks.memory import memory_figures
from adapters.benchmarks.processes import cli_figures
from adapters.benchmarks.rebuild import measure_rebuilds, rebuild_figures, size_label
from adapters.benchmarks.serving import http_figures
from adapters.benchmarks.tally import tally_figures
from adapters.benchmarks.tree_overhead import LONGER, tree_overhead_figure
from adapters.config.settings import Settings

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


def machine(postgres: str | None = None) -> dict[str, Any]:
    """Where the run ran; `postgres` is the server's version when PostgreSQL figures were made."""
    backend = "SQLite (eventsourcing.sqlite, WAL; read models as the store keeps them)"
    if postgres:
        backend += f"; PostgreSQL {postgres} (--database-url)"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "memory": _memory_total(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "eventsourcing": _version("eventsourcing"),
        "sqlalchemy": _version("sqlalchemy"),
        "backend": backend,
    }


def run_benchmarks(
    config: Config,
    progress: Progress = lambda _: None,
    workdir: Path | None = None,
    *,
    database_url: str | None = None,
) -> list[Figure]:
    """Every figure of `config`, measured in a fresh temp directory (removed afterwards); with
    `database_url`, the command and rebuild figures on that PostgreSQL server as well."""
    with tempfile.TemporaryDirectory(prefix="akkoord-bench-", dir=workdir) as tmp:
        figures = _run(config, Path(tmp), progress)
        if database_url:
            from adapters.benchmarks.on_postgres import postgres_figures

            figures += postgres_figures(Path(tmp), config, database_url, progress)
        return figures


def _run(config: Config, root: Path, progress: Progress) -> list[Figure]:
    figures: list[Figure] = []

    def step(what: str) -> Stopwatch:
        progress(what)
        return Stopwatch()

    with step(f"commands: {config.commands} cast-ballot commands, in turns with the baselines"):
        where = Where(
            "",
            Settings(root / "commands", database_url=None),
            Settings(root / "baselines", database_url=None),
            config.commands,
            config.baseline_ops,
        )
        found, base = command_figures(where, config)
        figures += found
    with step(
        f"audit: {2 * LONGER * config.commands} commands each, with and without the Merkle tree"
    ):
        figures.append(
            tree_overhead_figure(
                Settings(root / "tree", database_url=None),
                Settings(root / "no-tree", database_url=None),
                config,
                config.commands,
            )
        )
    clients = " and ".join(str(c) for c in config.http_clients)
    with step(f"HTTP: akkoord serve and a bare FastAPI server, {clients} clients, in turns"):
        figures += http_figures(root / "http", config)
    with step("CLI: a cast as a process, akkoord and a bare one-shot script, in turns"):
        figures += cli_figures(root / "cli", config)
    with step("bulk: members load, scenario import"):
        figures += bulk_figures(root / "bulk", config)
    logs: dict[int, Path] = {}
    for size in config.log_sizes:
        with step(f"writing a synthetic log of {size:,} events"):
            logs[size] = root / f"log-{size_label(size)}"
            write_log(logs[size], size)
    with step("rebuild: read-and-decode and projection rebuild, in turns, in subprocesses"):
        runs = measure_rebuilds(logs, config.rebuild_rounds)
    figures += rebuild_figures(runs)
    figures += memory_figures(runs, config)
    with step(f"as-of: {config.as_of_queries} queries on each log"):
        figures += as_of_figures(logs, config.as_of_sizes, config.as_of_queries)
    largest = max(config.log_sizes)
    with step(f"commands on the {largest:,}-event log"):
        short = next(f for f in figures if f.name == "commands.cast_ballot")
        figures.append(
            big_log_command_figure(
                logs[largest], size_label(largest), config, root / "big-log-baseline", short.value
            )
        )
    with step(f"tally: electorate of {config.electorate:,}"):
        figures += tally_figures(root, config, base)
    return figures


def report(
    config: Config, figures: list[Figure], seconds: float, postgres: str | None = None
) -> dict[str, Any]:
    """What `akkoord bench --json` prints."""
    return {
        "figures": [f.as_dict() for f in figures],
        "mode": config.mode,
        "seconds": round(seconds, 1),
        "machine": machine(postgres),
    }
