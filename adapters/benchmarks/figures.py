"""Figures, their targets, the sizes of a run, and small timing helpers."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Target:
    """A goal for a figure: on its ratio to the baseline, or on its value."""

    text: str
    check: Callable[[float, float | None], bool]

    @classmethod
    def ratio_at_least(cls, floor: float) -> Target:
        return cls(f">= {floor:g} x baseline", lambda _v, r: r is not None and r >= floor)

    @classmethod
    def ratio_at_most(cls, ceiling: float) -> Target:
        return cls(f"<= {ceiling:g} x baseline", lambda _v, r: r is not None and r <= ceiling)

    @classmethod
    def below(cls, ceiling: float, unit: str) -> Target:
        return cls(f"< {ceiling:g} {unit}", lambda v, _r: v < ceiling)

    @classmethod
    def at_most(cls, ceiling: float, unit: str) -> Target:
        return cls(f"<= {ceiling:g} {unit}", lambda v, _r: v <= ceiling)


@dataclass(frozen=True)
class Figure:
    """One measured figure beside its baseline; `ratio` is value / baseline.

    A figure measured in several rounds (taking turns with its baseline) has `value` and
    `baseline` the median of the rounds and `minimum`/`baseline_minimum` the lowest round; a
    figure measured once has its one value for both."""

    name: str
    value: float
    unit: str
    baseline: float | None
    target: str | None
    met: bool | None
    what: str = ""  # what was measured (for people; not in the JSON)
    baseline_what: str = ""  # what the baseline is (for people; not in the JSON)
    minimum: float | None = None  # None: the same as value (measured once)
    baseline_minimum: float | None = None
    rounds: int = 1

    @property
    def low(self) -> float:
        return self.value if self.minimum is None else self.minimum

    @property
    def baseline_low(self) -> float | None:
        return self.baseline if self.baseline_minimum is None else self.baseline_minimum

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    def as_dict(self) -> dict[str, Any]:
        ratio = self.ratio
        baseline = None if self.baseline is None else _round(self.baseline)
        baseline_low = self.baseline_low
        return {
            "name": self.name,
            "value": _round(self.value),
            "min": _round(self.low),
            "median": _round(self.value),
            "unit": self.unit,
            "baseline": baseline,
            "baseline_min": None if baseline_low is None else _round(baseline_low),
            "baseline_median": baseline,
            "ratio": None if ratio is None else _round(ratio),  # 4 significant digits
            "rounds": self.rounds,
            "target": self.target,
            "met": self.met,
        }


def _round(value: float) -> float:
    """Four significant digits: enough for a benchmark, short enough to read."""
    if value == 0 or not math.isfinite(value):
        return value
    digits = 3 - math.floor(math.log10(abs(value)))
    return round(value, max(digits, 0))


def figure(
    name: str,
    value: float,
    unit: str,
    baseline: float | None,
    *,
    target: Target | None = None,
    what: str = "",
    baseline_what: str = "",
) -> Figure:
    ratio = value / baseline if baseline else None
    return Figure(
        name=name,
        value=value,
        unit=unit,
        baseline=baseline,
        target=None if target is None else target.text,
        met=None if target is None else target.check(value, ratio),
        what=what,
        baseline_what=baseline_what,
    )


def sampled(
    name: str,
    samples: Sequence[float],
    unit: str,
    baseline_samples: Sequence[float],
    *,
    target: Target | None = None,
    what: str = "",
    baseline_what: str = "",
) -> Figure:
    """A figure from rounds taken in turn with its baseline: median and minimum of each; the
    ratio and the verdict are on the medians."""
    if not samples or not baseline_samples:
        raise ValueError(f"{name}: no rounds measured")
    return replace(
        figure(
            name,
            statistics.median(samples),
            unit,
            statistics.median(baseline_samples),
            target=target,
            what=what,
            baseline_what=baseline_what,
        ),
        minimum=min(samples),
        baseline_minimum=min(baseline_samples),
        rounds=len(samples),
    )


@dataclass(frozen=True)
class Config:
    """The sizes of one run. `full` finishes in under 20 minutes on a quiet 2-core machine (the
    1M-event rebuild is most of it), `quick` in a few minutes, `tiny` (the smoke test) in
    seconds. Figures that take turns with their baseline run `rounds` rounds of each."""

    mode: str
    commands: int  # timed cast-ballot commands
    prefill_ballots: int  # ballots already in the consultation before timing
    baseline_ops: int  # bare-library commands and raw sqlite3 commits timed
    members: int  # members in the synthetic members file (at most 10,000: GM0000..GM9999)
    log_sizes: tuple[int, ...]  # synthetic logs rebuilt (rebuild and memory figures)
    as_of_sizes: tuple[int, int]  # the two logs the as-of latency is measured on
    memory_sizes: tuple[int, int]  # the two logs whose rebuild memory is compared
    as_of_queries: int
    electorate: int  # synthetic electorate of the tally figures
    tally_ballots: int  # ballots cast in it before the tally is read
    tally_reads: int
    tally_casts: int  # cast-ballot commands timed on the large electorate
    rounds: int  # rounds of akkoord and its baseline, in turn (commands, HTTP, CLI processes)
    rebuild_rounds: int  # rebuild and read-and-decode, in turn, per log
    http_requests: int  # HTTP casts per round, per number of clients
    cli_processes: int  # CLI cast processes per round
    pg_commands: int  # cast-ballot commands timed on PostgreSQL (with --database-url)
    pg_log_size: int  # the log rebuilt on PostgreSQL
    http_clients: tuple[int, ...] = (1, 8)
    scenario: bool = True  # import the shipped scenario (bulk)

    @classmethod
    def full(cls) -> Config:
        return cls(
            mode="full",
            commands=500,
            prefill_ballots=250,
            baseline_ops=2000,
            members=10_000,
            log_sizes=(10_000, 100_000, 1_000_000),
            as_of_sizes=(10_000, 1_000_000),
            memory_sizes=(100_000, 1_000_000),
            as_of_queries=1000,
            electorate=100_000,
            tally_ballots=20_000,
            tally_reads=1000,
            tally_casts=5,
            rounds=5,
            rebuild_rounds=2,
            http_requests=300,
            cli_processes=4,
            pg_commands=300,
            pg_log_size=20_000,
        )

    @classmethod
    def quick(cls) -> Config:
        return cls(
            mode="quick",
            commands=60,
            prefill_ballots=250,
            baseline_ops=500,
            members=2000,
            log_sizes=(2_000, 8_000),
            as_of_sizes=(2_000, 8_000),
            memory_sizes=(2_000, 8_000),
            as_of_queries=200,
            electorate=100_000,
            tally_ballots=2000,
            tally_reads=200,
            tally_casts=2,
            rounds=3,
            rebuild_rounds=2,
            http_requests=60,
            cli_processes=2,
            pg_commands=60,
            pg_log_size=2000,
        )

    @classmethod
    def tiny(cls) -> Config:
        """Seconds, not minutes: for the smoke test of the benchmark code itself."""
        return cls(
            mode="tiny",
            commands=6,
            prefill_ballots=20,
            baseline_ops=20,
            members=50,
            log_sizes=(1000, 2000),
            as_of_sizes=(1000, 2000),
            memory_sizes=(1000, 2000),
            as_of_queries=10,
            electorate=500,
            tally_ballots=50,
            tally_reads=10,
            tally_casts=1,
            rounds=2,
            rebuild_rounds=2,
            http_requests=4,
            cli_processes=1,
            pg_commands=4,
            pg_log_size=500,
            scenario=False,
        )


def per_second(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else math.inf


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile of `samples` (0 < pct <= 100)."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def latencies_ms(call: Callable[[], object], times: int, warmup: int = 5) -> list[float]:
    """Run `call` `times` times after a warm-up; each run's wall time in milliseconds."""
    for _ in range(min(warmup, times)):
        call()
    samples: list[float] = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


class Stopwatch:
    """`with Stopwatch() as w: ...` then `w.seconds`."""

    seconds: float = 0.0

    def __enter__(self) -> Stopwatch:
        self._started = time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self._started
