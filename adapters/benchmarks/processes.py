"""CLI: a cast as a process of its own, wall time per process.

`akkoord consultation cast CID --member M --choice C --as secretary:M` (the console script, as
people run it: start Python, import the command line, open the store, cast, catch up, exit)
against `python -m adapters.benchmarks.bare_cast` (start Python, import the library, open the
store, get, one event, save, exit), on stores configured alike (see `subjects`). The two take
turns, round after round; every process casts the other choice than the last one for its member.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from adapters.benchmarks.commands import in_turn
from adapters.benchmarks.figures import Config, Figure, Target, sampled
from adapters.benchmarks.subjects import Alternating, akkoord_command, child_env, prepare

PROCESS_TARGET = Target.ratio_at_most(4)
PROCESS_TIMEOUT = 300  # seconds for one process on a loaded machine; a bound, not a measure


class ProcessError(RuntimeError):
    pass


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=PROCESS_TIMEOUT, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        last = " ".join(done.stderr.strip().splitlines()[-2:])
        raise ProcessError(f"{' '.join(command[:4])} ... failed ({done.returncode}): {last}")
    return seconds


def cli_figures(directory: Path, config: Config) -> list[Figure]:
    directory.mkdir(parents=True, exist_ok=True)
    subjects = prepare(directory, config.prefill_ballots)
    members = subjects.codes[:20]
    akkoord_env, bare_env = child_env(), child_env(**subjects.bare_env)
    for env in (akkoord_env, bare_env):
        # As an installed program runs: Python keeps the modules it compiled (the warm-up
        # below writes them). Where the environment forbids that, as CI's may, every process
        # would time compiling each module it imports instead.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    choices = {"akkoord": Alternating(), "bare": Alternating()}
    turn = {"akkoord": 0, "bare": 0}
    times: dict[str, list[float]] = {"akkoord": [], "bare": []}

    def member_for(who: str) -> tuple[str, str]:
        member = members[turn[who] % len(members)]
        turn[who] += 1
        return member, choices[who].next(member)

    def akkoord(count: int = config.cli_processes) -> float:
        for _ in range(count):
            member, choice = member_for("akkoord")
            command = [*akkoord_command(), "consultation", "cast", str(subjects.consultation)]
            command += ["--member", member, "--choice", choice, "--as", f"secretary:{member}"]
            command += ["--data-dir", str(subjects.akkoord.data_dir)]
            times["akkoord"].append(_timed(command, akkoord_env))
        return 0.0

    def bare(count: int = config.cli_processes) -> float:
        for _ in range(count):
            member, choice = member_for("bare")
            command = [sys.executable, "-m", "adapters.benchmarks.bare_cast"]
            command += [str(subjects.poll), member, choice]
            times["bare"].append(_timed(command, bare_env))
        return 0.0

    akkoord(1), bare(1)  # warm-up: the file system cache holds both programs from here on
    times["akkoord"].clear()
    times["bare"].clear()
    in_turn(config.rounds, akkoord, bare)
    return [
        sampled(
            "cli.cast_process",
            times["akkoord"],
            "s/process",
            times["bare"],
            target=PROCESS_TARGET,
            what=(
                "`akkoord consultation cast` as a process, start to exit "
                f"({config.cli_processes} per round, {config.rounds} rounds)"
            ),
            baseline_what="a one-shot Python script with the bare library: open the store, "
            "get, one event, save",
        )
    ]
