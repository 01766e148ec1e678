"""As-of: latency of "the status of every agreement for every party as of T" on two log sizes.

The query is `adapters.readmodels.queries.status_as_of`, what `akkoord status --as-of T` runs,
on the read models the rebuild left behind, at moments drawn uniformly from the whole history
of the log.
Both logs have the same 4 agreements x 10 parties; only the history behind them grows (about
6% of the log are status changes), so a lookup that does not grow with the log costs the same on
both. The baseline is the floor under any query: raw `sqlite3` reading one row of the same table
by its primary key.
"""

from __future__ import annotations

import random
import time
from datetime import datetime
from pathlib import Path

from adapters.benchmarks.baselines import raw_row_read_ms
from adapters.benchmarks.figures import Figure, Target, figure, percentile
from adapters.benchmarks.logs import AGREEMENTS, STEP, LogInfo
from adapters.benchmarks.rebuild import size_label
from adapters.bootstrap import read_models
from adapters.config.settings import Settings
from adapters.readmodels.queries import status_as_of
from adapters.store import backend_for

P99_TARGET = Target.below(5, "ms")
GROWTH_TARGET = Target.at_most(1.5, "x")
FLOOR = "raw sqlite3: one party_status row by primary key"


def _moments(info: LogInfo, count: int, seed: int) -> list[datetime]:
    """Uniform over the history, from just after the agreements were registered."""
    first = datetime.fromisoformat(info.first_at) + STEP * (len(AGREEMENTS) + 1)
    last = datetime.fromisoformat(info.last_at)
    rng = random.Random(seed)
    return [first + (last - first) * rng.random() for _ in range(count)]


def measure(directory: Path, queries: int, seed: int = 8) -> tuple[list[float], list[float]]:
    """(as-of latencies, primary-key read latencies), in milliseconds."""
    settings = Settings(directory, database_url=None)
    info = LogInfo.load(directory)
    moments = _moments(info, queries, seed)
    views = read_models(backend_for(settings))
    try:
        for moment in moments[:5]:  # warm-up
            status_as_of(views, moment)
        samples: list[float] = []
        for moment in moments:
            started = time.perf_counter()
            rows = status_as_of(views, moment)
            samples.append((time.perf_counter() - started) * 1000)
            if not rows:
                raise RuntimeError(f"no status as of {moment}: were the read models rebuilt?")
    finally:
        views.close()
    floor = raw_row_read_ms(settings.views_path, "party_status", "id", "1", queries)
    return samples, floor


def as_of_figures(logs: dict[int, Path], sizes: tuple[int, int], queries: int) -> list[Figure]:
    figures: list[Figure] = []
    p50: dict[int, float] = {}
    floor50: dict[int, float] = {}
    for size in sizes:
        samples, floor = measure(logs[size], queries)
        label = size_label(size)
        p50[size], floor50[size] = percentile(samples, 50), percentile(floor, 50)
        what = f"status as of a random moment, 40 agreement x party pairs, {label}-event log"
        figures.append(
            figure(
                f"as_of.p50@{label}",
                p50[size],
                "ms",
                floor50[size],
                what=what,
                baseline_what=FLOOR,
            )
        )
        figures.append(
            figure(
                f"as_of.p99@{label}",
                percentile(samples, 99),
                "ms",
                percentile(floor, 99),
                target=P99_TARGET,
                what=what,
                baseline_what=FLOOR,
            )
        )
    small, large = sizes
    figures.append(
        figure(
            f"as_of.growth_{size_label(small)}_to_{size_label(large)}",
            p50[large] / p50[small],
            "x",
            floor50[large] / floor50[small],
            target=GROWTH_TARGET,
            what=f"as-of p50 at {size_label(large)} / at {size_label(small)}",
            baseline_what="the same quotient for the primary-key read",
        )
    )
    return figures
