"""Audit: what the Merkle tree costs a command (`audit.tree_overhead`).

The same cast-ballot commands as `commands.cast_ballot` (the service's command, then catch-up),
on two stores made alike: akkoord as it is configured, whose every insert extends the tree's
compact range and signs a head every 100 events, and akkoord with the tree switched off
(`no_tree`), everything else the same. The two take turns, round after round, the one that goes
first changing every round; the ratio is with / without the tree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from adapters.audit.keys import SignedHead
from adapters.audit.transparency import transparent
from adapters.benchmarks.commands import OFFICER, Caster, open_consultation
from adapters.benchmarks.figures import Config, Figure, Stopwatch, Target, per_second, sampled
from adapters.benchmarks.no_tree import no_tree_settings
from adapters.bootstrap import build
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path

TREE_TARGET = Target.ratio_at_least(0.95)  # "a few percent" slower at most
LONGER = 4  # rounds this many times as long as those of `commands.cast_ballot`


@contextmanager
def bench_caster(settings: Settings, config: Config) -> Iterator[Caster]:
    """A fresh store of the shipped members with a consultation already holding ballots."""
    facts = read_members_csv(shipped_members_path())
    codes = sorted(f.code for f in facts)
    with build(settings, create=True) as engine:
        engine.app.members.load_members(facts, actor=OFFICER, reason="benchmark")
        engine.catch_up()
        yield Caster(engine, open_consultation(engine, config.prefill_ballots, codes), codes)


def _check_sides(tree: Caster, bare: Caster) -> list[SignedHead]:
    """The tree's signed heads, once it is sure the two sides are what the figure says."""
    grown = transparent(tree.engine.app.recorder)
    if not grown.tree().size or transparent(bare.engine.app.recorder).tree().size:
        raise RuntimeError("audit.tree_overhead: the stores are not one with, one without a tree")
    return grown.signed_heads()


def alternating(
    rounds: int, first: Callable[[], float], second: Callable[[], float]
) -> tuple[list[float], list[float]]:
    """Like `commands.in_turn`, with the order swapped every other round: a cost that falls on
    whichever runs first or second (a WAL checkpoint, a cache) falls on both."""
    a: list[float] = []
    b: list[float] = []
    for i in range(rounds):
        if i % 2 == 0:
            a.append(first())
            b.append(second())
        else:
            b.append(second())
            a.append(first())
    return a, b


def tree_overhead_figure(
    with_tree: Settings, without_tree: Settings, config: Config, commands: int, prefix: str = ""
) -> Figure:
    """`commands` per `config.rounds` rounds, as `commands.cast_ballot`, but in rounds
    `LONGER` times as long and twice as many of them (`LONGER * 2 * commands` on each store): a
    few percent is a finer difference than the other figures look for, a short round on a loaded
    machine measures the scheduler's 4 ms time slices, and an even number of rounds lets each
    side go first as often. `without_tree` must be settings whose backend nothing asked for."""
    each = max(1, LONGER * commands // config.rounds)
    rounds = 2 * config.rounds
    with ExitStack() as stack:
        tree = stack.enter_context(bench_caster(with_tree, config))
        bare = stack.enter_context(bench_caster(no_tree_settings(without_tree), config))
        for _ in range(min(5, each)):  # warm-up: caches, prepared statements
            tree.cast(catch_up=True)
            bare.cast(catch_up=True)

        def rate(caster: Caster) -> Callable[[], float]:
            def run() -> float:
                with Stopwatch() as watch:
                    for _ in range(each):
                        caster.cast(catch_up=True)
                return per_second(each, watch.seconds)

            return run

        with_rates, without_rates = alternating(rounds, rate(tree), rate(bare))
        heads = len(_check_sides(tree, bare))
    backend = "SQLite" if with_tree.database_url is None else "PostgreSQL"
    return sampled(
        f"{prefix}audit.tree_overhead",
        with_rates,
        "commands/s",
        without_rates,
        target=TREE_TARGET,
        what=(
            f"cast-ballot command + catch-up, {backend}, with the Merkle tree as configured "
            f"(compact range per insert, a head signed every 100 events: {heads} signed; "
            f"{each} per round)"
        ),
        baseline_what="the same akkoord with the tree switched off (bench-only recorder)",
    )
