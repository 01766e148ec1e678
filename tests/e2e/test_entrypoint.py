"""The installed `akkoord` command, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AKKOORD = [sys.executable, "-m", "adapters.entrypoints.cli"]


def akkoord(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AKKOORD_HOME": str(home), "COLUMNS": "200"}
    env.pop("AKKOORD_ACTOR", None)
    return subprocess.run([*AKKOORD, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.slow
def test_demo_tally_equals_a_recount_from_the_log(tmp_path: Path) -> None:
    store = tmp_path / "demo"
    run = akkoord("demo", "--json", "--data-dir", str(store), home=tmp_path)
    assert run.returncode == 0, run.stderr
    demo = json.loads(run.stdout)
    assert demo["synthetic"] is True

    log = [json.loads(line) for line in akkoord("log", "--json", home=store).stdout.splitlines()]
    assert len(log) == demo["events"]
    opened = next(e for e in log if e["event"] == "Consultation.Opened")
    weights = {code: v["weight"] for code, v in opened["data"]["electorate"].items()}
    latest: dict[str, str] = {}
    for entry in log:
        if entry["event"] in ("Consultation.BallotCast", "Consultation.BallotRecast"):
            latest[entry["data"]["member"]] = entry["data"]["choice"]
            assert entry["actor"] == f"secretary:{entry['data']['member']}"
    closes = [e for e in log if e["event"] == "Consultation.Closed"]
    assert len(closes) == 1 and closes[0]["actor"] == "system:scheduler"
    assert closes[0]["effective_at"] == "2025-10-22T16:00:00+02:00"

    tally = json.loads(
        akkoord("consultation", "tally", opened["aggregate_id"], "--json", home=store).stdout
    )
    assert tally["yes_weight"] == sum(weights[m] for m, c in latest.items() if c == "yes")
    assert tally["no_weight"] == sum(weights[m] for m, c in latest.items() if c == "no")
    assert tally["voted_members"] == len(latest)
    assert tally == {
        **demo["tally"],
        "consultation_id": opened["aggregate_id"],
        "provinces": tally["provinces"],
        "synthetic": True,  # the tally itself says its ballots are synthetic
        "synthetic_note": tally["synthetic_note"],
    }
    assert "not cast by the members" in tally["synthetic_note"]

    human = akkoord("demo", "--data-dir", str(tmp_path / "again"), home=tmp_path)
    assert "SYNTHETIC" in human.stdout and "Tally" in human.stdout


def test_a_refusal_from_the_real_process_is_one_line_without_traceback(tmp_path: Path) -> None:
    run = akkoord(
        "consultation",
        "cast",
        "x",
        "--member",
        "GM0090",
        "--choice",
        "yes",
        "--as",
        "secretary:GM0090",
        home=tmp_path / "none",
    )
    assert run.returncode == 2
    assert run.stderr == "error: malformed consultation id 'x'\n"
    assert run.stdout == ""


def test_demo_refuses_a_store_that_is_not_fresh(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert akkoord("members", "load", "--as", "officer:x", home=store).returncode == 0
    run = akkoord("demo", "--data-dir", str(store), home=store)
    assert run.returncode == 4 and "needs a fresh one" in run.stderr
