"""Memory: peak resident memory of a projection rebuild, at two log sizes.

The peaks come from the rebuild subprocesses of `rebuild` (each process's own maximum resident
set size, from getrusage). A streamed rebuild holds one page of the log at a time, so its peak
must not grow with the log: the growth figure divides the peak on the larger log by the peak on
the smaller, beside the same quotient for the bare library reading the log.
"""

from __future__ import annotations

import statistics

from adapters.benchmarks.figures import Config, Figure, Target, figure, sampled
from adapters.benchmarks.rebuild import RebuildRuns, WorkerRun, size_label

PEAK_TARGET = Target.below(200, "MB")
GROWTH_TARGET = Target.at_most(1.25, "x")


def memory_figures(runs: RebuildRuns, config: Config) -> list[Figure]:
    small, large = config.memory_sizes
    figures = [
        sampled(
            f"memory.rebuild_peak@{size_label(size)}",
            [run.peak_mb for run in runs.rebuilds[size]],
            "MB",
            [run.peak_mb for run in runs.reads[size]],
            target=PEAK_TARGET,
            what=(
                f"peak RSS of the process rebuilding a {runs.rebuilds[size][0].events:,}-event log"
            ),
            baseline_what="peak RSS of the bare library reading and decoding the same log",
        )
        for size in (small, large)
    ]

    def peak(kind: dict[int, list[WorkerRun]], size: int) -> float:
        return statistics.median(run.peak_kb for run in kind[size])

    figures.append(
        figure(
            f"memory.rebuild_growth_{size_label(small)}_to_{size_label(large)}",
            peak(runs.rebuilds, large) / peak(runs.rebuilds, small),
            "x",
            peak(runs.reads, large) / peak(runs.reads, small),
            target=GROWTH_TARGET,
            what=f"rebuild peak RSS at {size_label(large)} / at {size_label(small)}",
            baseline_what="the same quotient for the bare library's read-and-decode",
        )
    )
    return figures
