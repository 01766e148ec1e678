"""Scenario files: dated steps, each a command with its actor and reason, run on a simulated clock.

The whole file is checked before anything runs: a step with an unknown command, a missing or
unknown argument, a malformed date, an unknown actor, a reference to a step not named before it,
or a date earlier than the step before refuses the file, with the step's line.

Between steps the clock moves forward and every deadline that falls due fires through the same
command the scheduler issues, at the moment it falls due.

A run can be killed at any step and run again: each step's first write carries a mark
(`ScenarioStep`, id from the file's digest and the step number) in the same transaction, so a
rerun skips every marked step and applies the rest. Steps that write more than once (loading
members, casting the synthetic ballots) are repeatable by nature — they write only what is
missing — and are re-run when marked; deadlines fire idempotently; workflows track what they did.
"""

from adapters.scenario.checking import load_scenario
from adapters.scenario.reading import Scenario, ScenarioError, Step, default_scenario_path
from adapters.scenario.running import run_scenario, started_here
from adapters.scenario.steps import COMMANDS, Run

__all__ = [
    "COMMANDS",
    "Run",
    "Scenario",
    "ScenarioError",
    "Step",
    "default_scenario_path",
    "load_scenario",
    "run_scenario",
    "started_here",
]
