"""Rebuild: projection rebuild, events per second, against the bare library's read-and-decode.

Both run in a subprocess of their own on the same synthetic log (see `logs`), so each one's
peak memory is its own too (the `memory` figures come from the same runs). The rebuild is
`Engine.rebuild()`, what `akkoord projections rebuild` does: every read model dropped and
replayed from the whole log. The baseline reads every notification of the log and decodes it
into its domain event with the application's mapper, and does nothing else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import adapters
from adapters.benchmarks.figures import Figure, Target, figure, per_second

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


def run_worker(task: str, directory: Path) -> WorkerRun:
    """Run `python -m adapters.benchmarks.worker TASK DIR` and read its one line of JSON."""
    root = str(Path(adapters.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
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
    """Per log size: the rebuild and the bare read-and-decode of the same log."""

    rebuilds: dict[int, WorkerRun]
    reads: dict[int, WorkerRun]


def measure_rebuilds(logs: dict[int, Path]) -> RebuildRuns:
    reads = {size: run_worker("read", path) for size, path in logs.items()}
    rebuilds = {size: run_worker("rebuild", path) for size, path in logs.items()}
    return RebuildRuns(rebuilds=rebuilds, reads=reads)


def size_label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def rebuild_figures(runs: RebuildRuns) -> list[Figure]:
    return [
        figure(
            f"rebuild.events_per_s@{size_label(size)}",
            run.rate,
            "events/s",
            runs.reads[size].rate,
            target=REBUILD_TARGET,
            what=f"projection rebuild of a {run.events:,}-event log (every read model)",
            baseline_what="bare library: read and decode the whole notification log",
        )
        for size, run in sorted(runs.rebuilds.items())
    ]
