"""Commands: cast-ballot commands per second, each committed on its own.

The consultation has the 342 shipped municipalities as its electorate and already holds ballots.
Each timed command is what `akkoord consultation cast` does in its process: the service's
`cast_ballot` (load the member, load the consultation, one new event, save), then
`Engine.catch_up()` (workflows and every read model follow). Every command writes one event: a
first ballot or a re-cast with the other choice.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

from adapters.benchmarks.baselines import BareCommands, RawCommits, bare_env, synchronous_of
from adapters.benchmarks.figures import Config, Figure, Stopwatch, Target, per_second, sampled
from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from domain.actor import Actor, Role
from domain.consultation import Choice, Consultation

OFFICER = Actor(Role.OFFICER, "bench")
COMMAND_TARGET = Target.ratio_at_least(0.8)
LIBRARY = (
    "bare library configured like akkoord (its aggregate cache, sync settings): get + one event "
    "+ save, on one poll of as many members"
)


@dataclass(frozen=True)
class Baselines:
    """Measured with the commands, shared by every figure about commands."""

    library: float  # bare library get + change + save, per second (median of the rounds)
    sqlite: float  # raw sqlite3 single-row commits, per second (median of the rounds)
    library_rounds: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Where:
    """Where one set of command figures runs: akkoord's store and the baseline's beside it."""

    prefix: str  # "" on SQLite, "pg." on PostgreSQL
    akkoord: Settings
    baseline: Settings
    commands: int  # timed per backend, over all rounds
    baseline_ops: int

    @property
    def sqlite(self) -> bool:
        return self.akkoord.database_url is None


def in_turn(rounds: int, *steps: Callable[[], float]) -> list[list[float]]:
    """Run `steps` one after the other, `rounds` times: a burst of load on a shared machine hits
    akkoord and its baselines alike. One list of samples per step."""
    samples: list[list[float]] = [[] for _ in steps]
    for _ in range(rounds):
        for i, step in enumerate(steps):
            samples[i].append(step())
    return samples


def open_consultation(engine: Engine, ballots: int, codes: list[str]) -> UUID:
    """Open a consultation of every loaded member, with `ballots` of them cast already."""
    now = datetime.now(UTC)
    cid = engine.app.consultations.open_consultation(
        title="Benchmark",
        question="Stemt u in?",
        agreements=["AZWA"],
        closes_at=now + timedelta(days=30),
        timezone="Europe/Amsterdam",
        actor=OFFICER,
        reason="benchmark",
    )
    consultation: Consultation = engine.app.repository.get(cid)
    for code in codes[:ballots]:
        consultation.cast(
            member=code,
            choice=Choice.YES,
            explanation="",
            actor=f"secretary:{code}",
            at=datetime.now(UTC),
        )
    engine.app.save(consultation)
    engine.catch_up()
    return cid


class Caster:
    """Issues cast-ballot commands that each write one event, cycling through the members."""

    def __init__(self, engine: Engine, cid: UUID, codes: list[str]) -> None:
        self.engine, self.cid, self.codes = engine, cid, codes
        self.issued = 0

    def cast(self, *, catch_up: bool) -> None:
        code = self.codes[self.issued % len(self.codes)]
        # Prefilled ballots say yes: the first pass re-casts no, the next yes, and so on.
        choice = "no" if (self.issued // len(self.codes)) % 2 == 0 else "yes"
        self.issued += 1
        self.engine.app.consultations.cast_ballot(
            self.cid, member=code, choice=choice, actor=Actor(Role.SECRETARY, code)
        )
        if catch_up:
            self.engine.catch_up()


def shipped_codes() -> list[str]:
    return sorted(f.code for f in read_members_csv(shipped_members_path()))


def command_figures(where: Where, config: Config) -> tuple[list[Figure], Baselines]:
    """The figures, and the baselines measured in turn with them."""
    facts = read_members_csv(shipped_members_path())
    codes = sorted(f.code for f in facts)
    rounds = config.rounds
    each = max(1, where.commands // rounds)
    each_baseline = max(1, where.baseline_ops // rounds)
    where.baseline.data_dir.mkdir(parents=True, exist_ok=True)
    with build(where.akkoord, create=True) as engine:
        engine.app.members.load_members(facts, actor=OFFICER, reason="benchmark")
        engine.catch_up()
        cid = open_consultation(engine, config.prefill_ballots, codes)
        caster = Caster(engine, cid, codes)
        synchronous = synchronous_of(engine.app)
        library = BareCommands(bare_env(where.baseline, synchronous), codes, config.prefill_ballots)
        sqlite = RawCommits(where.baseline.data_dir, synchronous) if where.sqlite else None
        try:
            for _ in range(min(5, each)):  # warm-up: imports, caches, prepared statements
                caster.cast(catch_up=True)
                library.cast()

            def full() -> float:
                with Stopwatch() as watch:
                    for _ in range(each):
                        caster.cast(catch_up=True)
                return per_second(each, watch.seconds)

            def alone() -> float:
                with Stopwatch() as watch:
                    for _ in range(each):
                        caster.cast(catch_up=False)
                engine.catch_up()  # not timed: the next round starts caught up
                return per_second(each, watch.seconds)

            steps = [full, lambda: library.run(each_baseline), alone]
            if sqlite is not None:
                steps.append(lambda: sqlite.run(each_baseline * 2))
            full_rates, library_rates, alone_rates, *raw = in_turn(rounds, *steps)
            ballots = len(engine.app.consultations.standing_ballots(cid))
        finally:
            library.close()
            if sqlite is not None:
                sqlite.close()
    sqlite_rates = raw[0] if raw else []
    base = Baselines(
        library=statistics.median(library_rates),
        sqlite=statistics.median(sqlite_rates) if sqlite_rates else 0.0,
        library_rounds=library_rates,
    )
    backend = "SQLite" if where.sqlite else "PostgreSQL"
    what = (
        f"cast-ballot command + catch-up, each committed alone, {backend} "
        f"(342 members, {ballots} ballots standing; {each} per round)"
    )
    p = where.prefix
    figures = [
        sampled(
            f"{p}commands.cast_ballot",
            full_rates,
            "commands/s",
            library_rates,
            target=COMMAND_TARGET,
            what=what,
            baseline_what=LIBRARY,
        ),
        sampled(
            f"{p}commands.cast_ballot_without_catch_up",
            alone_rates,
            "commands/s",
            library_rates,
            what="the service's cast_ballot alone (no workflows, no read models)",
            baseline_what=LIBRARY,
        ),
    ]
    if sqlite_rates:
        figures.insert(
            1,
            sampled(
                f"{p}commands.cast_ballot_vs_sqlite",
                full_rates,
                "commands/s",
                sqlite_rates,
                what=what,
                baseline_what="raw sqlite3, same sync settings: one-row insert, one commit each",
            ),
        )
    return figures, base


def big_log_command_figure(
    store: Path, label: str, config: Config, baseline_dir: Path, small_store_rate: float
) -> Figure:
    """The same commands on a store whose log is long: must cost the same as on a short one.

    `store` holds a synthetic log with its read models rebuilt and the workflows' position at
    its head (see `logs`); a new consultation gets the same prefilled ballots as above, and the
    bare library takes turns with it on a store of its own."""
    codes = shipped_codes()
    baseline_dir.mkdir(parents=True, exist_ok=True)
    rounds = config.rounds
    each = max(1, config.commands // rounds)
    with build(Settings(store, database_url=None)) as engine:
        engine.catch_up()
        cid = open_consultation(engine, config.prefill_ballots, codes)
        caster = Caster(engine, cid, codes)
        library = BareCommands(
            bare_env(Settings(baseline_dir, database_url=None), synchronous_of(engine.app)),
            codes,
            config.prefill_ballots,
        )
        try:
            for _ in range(min(5, each)):
                caster.cast(catch_up=True)
                library.cast()

            def akkoord() -> float:
                with Stopwatch() as watch:
                    for _ in range(each):
                        caster.cast(catch_up=True)
                return per_second(each, watch.seconds)

            rates, library_rates = in_turn(
                rounds, akkoord, lambda: library.run(max(1, config.baseline_ops // rounds))
            )
        finally:
            library.close()
        head = engine.app.head()
    return sampled(
        f"commands.cast_ballot@{label}",
        rates,
        "commands/s",
        library_rates,
        target=COMMAND_TARGET,
        what=(
            f"as commands.cast_ballot ({small_store_rate:.1f}/s there), on a store whose log "
            f"holds {head:,} events"
        ),
        baseline_what=LIBRARY,
    )
