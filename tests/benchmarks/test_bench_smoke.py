"""The benchmark code itself, on a tiny configuration: shapes and arithmetic, never speed.

Speed targets are what `akkoord bench` reports (`met` per figure); a unit test on a shared
2-core machine must not fail because something else was running.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.audit.chain import chained
from adapters.audit.transparency import transparent
from adapters.benchmarks import figures as figures_module
from adapters.benchmarks.figures import Config, Figure, Target, figure, percentile, sampled
from adapters.benchmarks.no_tree import no_tree_settings
from adapters.benchmarks.tree_overhead import alternating, bench_caster
from adapters.config.settings import Settings
from adapters.entrypoints.cli.main import app
from tests.e2e.cli import CliRunner

KEYS = {
    "name",
    "value",
    "min",
    "median",
    "unit",
    "baseline",
    "baseline_min",
    "baseline_median",
    "ratio",
    "rounds",
    "target",
    "met",
}
GROUPS = ("commands.", "http.", "cli.", "bulk.", "rebuild.", "as_of.", "tally.", "memory.")
GROUPS += ("audit.",)
# On the suite's PostgreSQL run the smoke run measures that server too (schemas of its own).
DATABASE_URL = os.environ.get("AKKOORD_DATABASE_URL")
NEW_FIGURES = ("http.cast@1", "http.cast@8", "http.cast_p50@1", "http.cast_p50@8")
NEW_FIGURES += ("cli.cast_process", "audit.tree_overhead")

pytestmark = pytest.mark.slow  # real subprocesses (servers, CLI casts, rebuild workers): a minute


@pytest.fixture(scope="module")
def tiny_report() -> dict[str, Any]:
    """`akkoord bench --quick --json`, with the quick sizes shrunk to the tiny ones."""
    extra = ["--database-url", DATABASE_URL] if DATABASE_URL else []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(figures_module.Config, "quick", classmethod(lambda cls: Config.tiny()))
        result = CliRunner().invoke(app, ["bench", "--quick", "--json", *extra])
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_json_has_one_entry_per_figure_with_exactly_the_agreed_keys(
    tiny_report: dict[str, Any],
) -> None:
    found = tiny_report["figures"]
    assert found, "no figures"
    for entry in found:
        assert set(entry) == KEYS, entry
        assert isinstance(entry["name"], str) and isinstance(entry["unit"], str)
        assert isinstance(entry["value"], int | float) and math.isfinite(entry["value"])
    names = [entry["name"] for entry in found]
    assert len(names) == len(set(names)), "a figure is reported twice"
    for group in GROUPS:
        assert any(name.startswith(group) for name in names), f"no {group} figure"
    assert tiny_report["mode"] == "tiny"
    assert tiny_report["machine"]["cpus"]


def test_the_new_figures_are_there_with_min_median_and_baseline(
    tiny_report: dict[str, Any],
) -> None:
    found = {entry["name"]: entry for entry in tiny_report["figures"]}
    expected = list(NEW_FIGURES)
    if DATABASE_URL:
        expected += ["pg.commands.cast_ballot", "pg.commands.cast_ballot_without_catch_up"]
        expected += ["pg.audit.tree_overhead"]
        assert any(name.startswith("pg.rebuild.events_per_s@") for name in found), found
    for name in expected:
        assert name in found, f"no {name}"
    for entry in found.values():
        for key in ("value", "min", "median", "baseline", "baseline_min", "baseline_median"):
            assert entry[key] is not None and entry[key] > 0, (key, entry)
        assert entry["min"] <= entry["median"] == entry["value"], entry
        assert entry["baseline_min"] <= entry["baseline_median"] == entry["baseline"], entry
    # Taken in turns with their baselines: more than one round each.
    for name in ("commands.cast_ballot", "http.cast@1", "http.cast@8", "cli.cast_process"):
        assert found[name]["rounds"] >= 2, found[name]
    for name in [n for n in expected if n.endswith("audit.tree_overhead")]:
        assert found[name]["unit"] == "commands/s", found[name]
        assert found[name]["rounds"] >= 2, found[name]


def test_a_database_url_that_is_not_postgresql_is_refused_in_one_line() -> None:
    result = CliRunner().invoke(app, ["bench", "--quick", "--database-url", "mysql://h/db"])
    assert result.exit_code != 0
    assert "postgresql://" in result.output
    assert "Traceback" not in result.output


def test_every_figure_has_a_baseline_and_its_ratio_is_computed(
    tiny_report: dict[str, Any],
) -> None:
    for entry in tiny_report["figures"]:
        assert entry["baseline"] is not None and entry["baseline"] > 0, entry
        assert entry["ratio"] == pytest.approx(entry["value"] / entry["baseline"], rel=2e-3)


def test_targets_come_with_a_verdict(tiny_report: dict[str, Any]) -> None:
    targeted = {e["name"]: e for e in tiny_report["figures"] if e["target"] is not None}
    for entry in targeted.values():
        assert isinstance(entry["met"], bool), entry
    for entry in tiny_report["figures"]:
        if entry["target"] is None:
            assert entry["met"] is None
    assert targeted["commands.cast_ballot"]["target"] == ">= 0.8 x baseline"
    assert any(name.startswith("memory.rebuild_peak@") for name in targeted)
    assert any(name.startswith("as_of.p99@") for name in targeted)
    assert "tally.read_p99" in targeted
    assert targeted["audit.tree_overhead"]["target"] == ">= 0.95 x baseline"


def test_the_table_for_people_shows_every_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    canned = [
        figure("commands.x", 40.0, "commands/s", 1000.0, target=Target.ratio_at_least(0.8)),
        figure("as_of.p99@1k", 1.5, "ms", 0.01, target=Target.below(5, "ms")),
        figure("bulk.y", 5000.0, "events/s", 20000.0),
    ]
    monkeypatch.setattr(
        "adapters.benchmarks.runner.run_benchmarks", lambda config, progress, **_: canned
    )
    result = CliRunner().invoke(app, ["bench", "--quick"])
    assert result.exit_code == 0, result.output
    for f in canned:
        assert f.name in result.stdout
    assert "median" in result.stdout
    assert "1 of 2 targets met; missed: commands.x" in result.stdout


def test_ratio_and_verdicts() -> None:
    f: Figure = figure("x", 8.0, "ops/s", 10.0, target=Target.ratio_at_least(0.8))
    assert f.ratio == pytest.approx(0.8) and f.met is True
    assert figure("x", 7.9, "ops/s", 10.0, target=Target.ratio_at_least(0.8)).met is False
    assert figure("x", 6.0, "ms", 0.5, target=Target.below(5, "ms")).met is False
    assert figure("x", 1.0, "x", None).as_dict()["ratio"] is None
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile([float(i) for i in range(1, 101)], 99) == 99.0
    rounds = sampled("x", [3.0, 1.0, 2.0], "ops/s", [4.0, 8.0], target=Target.ratio_at_least(0.8))
    assert (rounds.value, rounds.low, rounds.baseline, rounds.baseline_low) == (2.0, 1.0, 6.0, 4.0)
    assert rounds.ratio == pytest.approx(2 / 6) and rounds.met is False and rounds.rounds == 3
    assert figure("x", 5.0, "s", 1.0, target=Target.ratio_at_most(4)).met is False


def test_turns_swap_who_goes_first_every_other_round() -> None:
    order: list[str] = []

    def step(name: str, value: float) -> Callable[[], float]:
        def run() -> float:
            order.append(name)
            return value

        return run

    a, b = alternating(4, step("with", 2.0), step("without", 1.0))
    assert (a, b) == ([2.0] * 4, [1.0] * 4)
    assert order == ["with", "without", "without", "with"] * 2


def test_the_store_without_the_tree_keeps_everything_else(tmp_path: Path) -> None:
    """The bench's no-tree store: events, chain and read models as ever, no leaves, no heads;
    the same commands on a store with the tree grow both."""
    sides = {
        "tree": Settings(tmp_path / "tree"),
        "no-tree": no_tree_settings(Settings(tmp_path / "no-tree")),
    }
    found: dict[str, tuple[int, int, int, int, int]] = {}
    for name, settings in sides.items():
        with bench_caster(settings, Config.tiny()) as caster:
            caster.cast(catch_up=True)  # a re-cast: one event, no new ballot
            app = caster.engine.app
            recorder = transparent(app.recorder)
            found[name] = (
                app.head(),
                len(list(chained(app.recorder).chain_entries())),
                len(app.consultations.standing_ballots(caster.cid)),
                recorder.tree().size,
                len(recorder.signed_heads()),
            )
    head, chain, ballots, leaves, heads = found["no-tree"]
    assert head > 0 and chain == head and ballots == Config.tiny().prefill_ballots
    assert (leaves, heads) == (0, 0)
    assert found["tree"][:3] == found["no-tree"][:3]
    assert found["tree"][3] == chain and found["tree"][4] >= 1
    with pytest.raises(RuntimeError, match="already have their backend"):
        no_tree_settings(sides["tree"])
