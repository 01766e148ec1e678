"""Rebuild: projection rebuild, events per second, against the bare library's read-and-decode.

Both run in a subprocess of their own on the same synthetic log (see `logs`), so each one's
peak memory is its own too (the `memory` figures come from the same runs). The rebuild is
`Engine.rebuild()`, what `akkoord projections rebuild` does: every read model dropped and
replayed from the whole log. The baseline reads every notification of the log and decodes it
into its domain event with the application's mapper, and does nothing else. The two take turns,
`rebuild_rounds` times per log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import adapters
from adapters.benchmarks.figures import Figure, Target, per_second, sampled
from adapters.benchmarks.worker import URL_ENV

REBUILD_TARGET = Target.ratio_at_least(0.8)


@dataclass(frozen=True)
class WorkerRun:
    events: int
    seconds: float
    peak_kb: int
    rss_before_kb: int

    @property
    def rate(self) -> float:
        return per_second(self.events, self.seconds)

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024


class WorkerError(RuntimeError):
    pass


def python_env(**extra: str) -> dict[str, str]:
    """This environment, with this checkout importable by a child `python -m ...`."""
    root = str(Path(adapters.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env.update(extra)
    return env


def run_worker(task: str, directory: Path, database_url: str | None = None) -> WorkerRun:
    """Run `python -m adapters.benchmarks.worker TASK DIR` and read its one line of JSON."""
    env = python_env(**({URL_ENV: database_url} if database_url else {}))
    done = subprocess.run(
        [sys.executable, "-m", "adapters.benchmarks.worker", task, str(directory)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        tail = " ".join(done.stderr.strip().splitlines()[-1:])
        raise WorkerError(f"benchmark worker {task} failed ({done.returncode}): {tail}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return WorkerRun(
        events=int(data["events"]),
        seconds=float(data["seconds"]),
        peak_kb=int(data["peak_kb"]),
        rss_before_kb=int(data["rss_before_kb"]),
    )


@dataclass(frozen=True)
class RebuildRuns:
    """Per log size: the rebuilds and the bare read-and-decodes of the same log, in turn."""

    rebuilds: dict[int, list[WorkerRun]]
    reads: dict[int, list[WorkerRun]]


def measure_rebuilds(
    logs: dict[int, Path], rounds: int, database_urls: dict[int, str] | None = None
) -> RebuildRuns:
    urls = database_urls or {}
    reads: dict[int, list[WorkerRun]] = {size: [] for size in logs}
    rebuilds: dict[int, list[WorkerRun]] = {size: [] for size in logs}
    for size, path in logs.items():
        for _ in range(rounds):
            reads[size].append(run_worker("read", path, urls.get(size)))
            rebuilds[size].append(run_worker("rebuild", path, urls.get(size)))
    return RebuildRuns(rebuilds=rebuilds, reads=reads)


def size_label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def rebuild_figures(
    runs: RebuildRuns, *, prefix: str = "", target: Target = REBUILD_TARGET, backend: str = "SQLite"
) -> list[Figure]:
    return [
        sampled(
            f"{prefix}rebuild.events_per_s@{size_label(size)}",
            [run.rate for run in done],
            "events/s",
            [run.rate for run in runs.reads[size]],
            target=target,
            what=(
                f"projection rebuild of a {done[0].events:,}-event log, {backend} "
                "(every read model)"
            ),
            baseline_what="bare library: read and decode the whole notification log",
        )
        for size, done in sorted(runs.rebuilds.items())
    ]
