"""Tally: reads and per-ballot updates for one consultation with a synthetic electorate.

The electorate (100,000 members by default, far more than the 342 municipalities) is made up:
a few registered members who cast through the real command, the rest voters only known to the
consultation's electorate snapshot. The consultation is opened and its ballots cast through the
real domain and saved with the library's batched save; the tally read model then catches up on
them (the per-ballot update cost), and is read the way `akkoord consultation tally` reads it.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.benchmarks.baselines import raw_row_read_ms, raw_tally_update_us
from adapters.benchmarks.commands import COMMAND_TARGET, LIBRARY, OFFICER, Baselines
from adapters.benchmarks.figures import (
    Config,
    Figure,
    Stopwatch,
    Target,
    figure,
    latencies_ms,
    per_second,
    percentile,
)
from adapters.benchmarks.logs import synthetic_facts
from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from domain.actor import Actor, Role
from domain.consultation import Choice, Consultation, build_electorate
from domain.weights import WeightRule

READ_TARGET = Target.below(5, "ms")
CASTERS = 20  # registered members who cast through the command


def electorate_rows(size: int, seed: int = 100) -> list[tuple[str, str, str, int]]:
    """(code, name, province, inhabitants): CASTERS registered members, then made-up voters."""
    casters = synthetic_facts(min(CASTERS, size))
    rows = [(f.code, f.name, f.province, f.inhabitants) for f in casters]
    provinces = sorted({f.province for f in synthetic_facts(12)})
    rng = random.Random(seed)
    for i in range(size - len(rows)):
        inhabitants = int(rng.lognormvariate(10.3, 0.8)) + 900
        rows.append((f"XS{i:06d}", f"Kiesgemeente {i:06d}", provinces[i % 12], inhabitants))
    return rows


def _open(engine: Engine, rows: list[tuple[str, str, str, int]]) -> Consultation:
    now = datetime.now(UTC)
    consultation = Consultation.open(
        title="Benchmark: synthetic electorate",
        question="Stemt u in?",
        agreements=["AZWA"],
        opens_at=now,
        closes_at=now + timedelta(days=30),
        timezone="Europe/Amsterdam",
        weight_rule=WeightRule.CEIL,
        population_year=2024,
        electorate=build_electorate(rows, WeightRule.CEIL),
        actor=str(OFFICER),
        reason="benchmark",
        at=now,
    )
    engine.app.save(consultation)
    return consultation


def tally_figures(directory: Path, config: Config, base: Baselines) -> list[Figure]:
    rows = electorate_rows(config.electorate)
    casters = [code for code, *_ in rows[:CASTERS]]
    rng = random.Random(config.electorate)
    voters = [code for code, *_ in rows[CASTERS:]]
    ballots = [
        (code, "yes" if rng.random() < 0.9 else "no")
        for code in rng.sample(voters, min(config.tally_ballots, len(voters)))
    ]
    size = f"{config.electorate:,}"
    with build(Settings(directory / "tally", database_url=None), create=True) as engine:
        engine.app.members.load_members(
            synthetic_facts(len(casters)), actor=OFFICER, reason="benchmark"
        )
        consultation = _open(engine, rows)
        cid = consultation.id
        engine.catch_up()
        for code, choice in ballots:
            consultation.cast(
                member=code,
                choice=Choice(choice),
                explanation="",
                actor=f"secretary:{code}",
                at=datetime.now(UTC),
            )
        # One command records every ballot; its tally rows move in that same commit (one
        # commit per command), so the figure times the save, not a catch-up left with nothing.
        with Stopwatch() as update:
            engine.app.save(consultation)
            engine.catch_up()
        tally = engine.views.tally(str(cid))
        if tally is None or tally.voted_members != len(ballots):
            raise RuntimeError(f"the tally counted {tally}, not {len(ballots)} ballots")

        def read() -> Any:
            return engine.views.tally(str(cid)), engine.views.tally_by_province(str(cid))

        def read_caught_up() -> Any:
            engine.catch_up()
            return read()

        reads = latencies_ms(read, config.tally_reads)
        cli_reads = latencies_ms(read_caught_up, config.tally_reads)
        first, *others = casters[: config.tally_casts + 1]
        engine.app.consultations.cast_ballot(
            cid, member=first, choice="yes", actor=Actor(Role.SECRETARY, first)
        )
        engine.catch_up()  # warm-up: a cache, if any, holds the consultation from here on
        with Stopwatch() as casting:
            for code in others:
                engine.app.consultations.cast_ballot(
                    cid, member=code, choice="yes", actor=Actor(Role.SECRETARY, code)
                )
                engine.catch_up()
        views_path = engine.settings.views_path
    floor = raw_row_read_ms(
        views_path,
        "tally_consultations",
        "consultation_id",
        str(cid),
        config.tally_reads,
    )
    weights = build_electorate(rows, WeightRule.CEIL)
    raw_update = raw_tally_update_us(
        directory,
        [(code, str(data["province"]), int(data["weight"])) for code, data in weights.items()],
        ballots,
    )
    floor_what = "raw sqlite3: the consultation's tally row by primary key"
    return [
        figure(
            "tally.read_p50",
            percentile(reads, 50),
            "ms",
            percentile(floor, 50),
            what=f"tally + per-province tally read, electorate {size}",
            baseline_what=floor_what,
        ),
        figure(
            "tally.read_p99",
            percentile(reads, 99),
            "ms",
            percentile(floor, 99),
            target=READ_TARGET,
            what=f"tally + per-province tally read, electorate {size}",
            baseline_what=floor_what,
        ),
        figure(
            "tally.read_with_catch_up_p50",
            percentile(cli_reads, 50),
            "ms",
            percentile(floor, 50),
            what=f"as `consultation tally` reads: catch-up first, then both reads ({size})",
            baseline_what=floor_what,
        ),
        figure(
            "tally.read_with_catch_up_p99",
            percentile(cli_reads, 99),
            "ms",
            percentile(floor, 99),
            target=READ_TARGET,
            what=f"as `consultation tally` reads: catch-up first, then both reads ({size})",
            baseline_what=floor_what,
        ),
        figure(
            "tally.update_per_ballot",
            update.seconds * 1e6 / len(ballots),
            "us/ballot",
            raw_update,
            what=f"one command recording {len(ballots):,} ballots with their tally rows "
            f"(electorate {size})",
            baseline_what="raw sqlite3: the same row reads and writes, 1000 per transaction",
        ),
        figure(
            "tally.cast_ballot_large_electorate",
            per_second(len(others), casting.seconds),
            "commands/s",
            base.library,
            target=COMMAND_TARGET,
            what=f"cast-ballot command + catch-up, electorate {size}, {len(ballots):,} ballots",
            baseline_what=LIBRARY,
        ),
    ]
