"""Memory: peak resident memory of a projection rebuild, at two log sizes.

The peaks come from the rebuild subprocesses of `rebuild` (each process's own maximum resident
set size, from getrusage). A streamed rebuild holds one page of the log at a time, so its peak
must not grow with the log: the growth figure divides the peak on the larger log by the peak on
the smaller, beside the same quotient for the bare library reading the log.
"""

from __future__ import annotations

from adapters.benchmarks.figures import Config, Figure, Target, figure
from adapters.benchmarks.rebuild import RebuildRuns, size_label

PEAK_TARGET = Target.below(200, "MB")
GROWTH_TARGET = Target.at_most(1.25, "x")


def memory_figures(runs: RebuildRuns, config: Config) -> list[Figure]:
    small, large = config.memory_sizes
    figures = [
        figure(
            f"memory.rebuild_peak@{size_label(size)}",
            runs.rebuilds[size].peak_mb,
            "MB",
            runs.reads[size].peak_mb,
            target=PEAK_TARGET,
            what=f"peak RSS of the process rebuilding a {runs.rebuilds[size].events:,}-event log",
            baseline_what="peak RSS of the bare library reading and decoding the same log",
        )
        for size in (small, large)
    ]
    figures.append(
        figure(
            f"memory.rebuild_growth_{size_label(small)}_to_{size_label(large)}",
            runs.rebuilds[large].peak_kb / runs.rebuilds[small].peak_kb,
            "x",
            runs.reads[large].peak_kb / runs.reads[small].peak_kb,
            target=GROWTH_TARGET,
            what=f"rebuild peak RSS at {size_label(large)} / at {size_label(small)}",
            baseline_what="the same quotient for the bare library's read-and-decode",
        )
    )
    return figures
