"""Commands: cast-ballot commands per second, each committed on its own.

The consultation has the 342 shipped municipalities as its electorate and already holds ballots.
Each timed command is what `akkoord consultation cast` does in its process: the service's
`cast_ballot` (load the member, load the consultation, one new event, save), then
`Engine.catch_up()` (workflows and every read model follow). Every command writes one event: a
first ballot or a re-cast with the other choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

from adapters.benchmarks.baselines import BareCommands, RawCommits
from adapters.benchmarks.figures import Config, Figure, Stopwatch, Target, figure, per_second
from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from domain.actor import Actor, Role
from domain.consultation import Choice, Consultation

OFFICER = Actor(Role.OFFICER, "bench")
COMMAND_TARGET = Target.ratio_at_least(0.8)
LIBRARY = "bare library: get + one-event change + save, small aggregate"


ROUNDS = 3  # akkoord and its baselines take turns, so a burst of load hits them alike


@dataclass(frozen=True)
class Baselines:
    """Measured with the commands, shared by every figure about commands."""

    library: float  # bare library get + change + save, per second
    sqlite: float  # raw sqlite3 single-row commits, per second


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


def command_figures(directory: Path, config: Config) -> tuple[list[Figure], Baselines]:
    """The figures, and the baselines measured in turn with them (the best round of each)."""
    facts = read_members_csv(shipped_members_path())
    codes = sorted(f.code for f in facts)
    (directory / "baselines").mkdir(parents=True, exist_ok=True)
    library = BareCommands(directory / "baselines")
    sqlite = RawCommits(directory / "baselines")
    rates: dict[str, list[float]] = {"full": [], "alone": [], "library": [], "sqlite": []}
    each = max(1, config.commands // ROUNDS)
    each_baseline = max(1, config.baseline_ops // ROUNDS)
    try:
        with build(Settings(directory / "commands", database_url=None), create=True) as engine:
            engine.app.members.load_members(facts, actor=OFFICER, reason="benchmark")
            engine.catch_up()
            cid = open_consultation(engine, config.prefill_ballots, codes)
            caster = Caster(engine, cid, codes)
            for _ in range(min(5, each)):  # warm-up
                caster.cast(catch_up=True)
            library.run(min(20, each_baseline))
            for _ in range(ROUNDS):
                rates["library"].append(library.run(each_baseline))
                rates["sqlite"].append(sqlite.run(each_baseline * 2))
                with Stopwatch() as full:
                    for _ in range(each):
                        caster.cast(catch_up=True)
                rates["full"].append(per_second(each, full.seconds))
                with Stopwatch() as alone:
                    for _ in range(each):
                        caster.cast(catch_up=False)
                engine.catch_up()
                rates["alone"].append(per_second(each, alone.seconds))
            ballots = len(engine.app.consultations.standing_ballots(cid))
    finally:
        library.close()
        sqlite.close()
    best = {name: max(values) for name, values in rates.items()}
    base = Baselines(library=best["library"], sqlite=best["sqlite"])
    what = (
        f"cast-ballot command + catch-up, each committed alone "
        f"(342 members, {ballots} ballots standing)"
    )
    figures = [
        figure(
            "commands.cast_ballot",
            best["full"],
            "commands/s",
            base.library,
            target=COMMAND_TARGET,
            what=what,
            baseline_what=LIBRARY,
        ),
        figure(
            "commands.cast_ballot_vs_sqlite",
            best["full"],
            "commands/s",
            base.sqlite,
            what=what,
            baseline_what="raw sqlite3: one-row insert, one commit each",
        ),
        figure(
            "commands.cast_ballot_without_catch_up",
            best["alone"],
            "commands/s",
            base.library,
            what="the service's cast_ballot alone (no workflows, no read models)",
            baseline_what=LIBRARY,
        ),
    ]
    return figures, base


def big_log_command_figure(
    store: Path, label: str, config: Config, base: Baselines, small_store_rate: float
) -> Figure:
    """The same commands on a store whose log is long: must cost the same as on a short one.

    `store` holds a synthetic log with its read models rebuilt; the workflows catch up on it
    first (not timed), then a new consultation gets the same prefilled ballots as above."""
    codes = sorted(f.code for f in read_members_csv(shipped_members_path()))
    with build(Settings(store, database_url=None)) as engine:
        engine.catch_up()
        cid = open_consultation(engine, config.prefill_ballots, codes)
        caster = Caster(engine, cid, codes)
        for _ in range(min(5, config.commands)):
            caster.cast(catch_up=True)
        each = max(1, config.commands // ROUNDS)
        rates = []
        for _ in range(ROUNDS):
            with Stopwatch() as watch:
                for _ in range(each):
                    caster.cast(catch_up=True)
            rates.append(per_second(each, watch.seconds))
        head = engine.app.head()
    rate = max(rates)
    return figure(
        f"commands.cast_ballot@{label}",
        rate,
        "commands/s",
        base.library,
        target=COMMAND_TARGET,
        what=(
            f"as commands.cast_ballot ({small_store_rate:.1f}/s there), on a store whose log "
            f"holds {head:,} events"
        ),
        baseline_what=LIBRARY,
    )
