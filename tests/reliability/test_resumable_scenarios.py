"""A killed `scenario run` can be run again and finishes the story: every step applied once.

The real process is killed with SIGKILL once the store's log has grown past a chosen number of
events (polled, not timed), at three points of the run; the rerun must leave a log equal to an
uninterrupted run's (as many events, the same event types and versions per aggregate, the same
status), and no scratch copy of the store beside the data directory.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from adapters.store.scratch_dirs import OWNER, PREFIX
from tests.conftest import BACKEND
from tests.reliability.support import AKKOORD, OFFICER, ROOT, akkoord
from tests.stores import RawStore

pytestmark = pytest.mark.slow

WAIT = 300  # seconds: generous bounds for a loaded machine, never an assertion about speed


def events(data_dir: Path) -> list[tuple[str, int, str]]:
    """(aggregate, version, topic) of every stored event, in log order."""
    rows = RawStore(data_dir).query(
        "SELECT originator_id, originator_version, topic FROM stored_events ORDER BY rowid",
        "SELECT originator_id, originator_version, topic FROM {events} ORDER BY notification_id",
    )
    return [(str(a), int(v), str(t)) for a, v, t in rows]


def head(data_dir: Path) -> int:
    """How many events the store holds (0 while it is not there yet)."""
    try:
        return int(
            RawStore(data_dir).query(
                "SELECT count(*) FROM stored_events", "SELECT count(*) FROM {events}"
            )[0][0]
        )
    except Exception:  # no store yet, or the table is not made yet: nothing to count
        return 0


def shape(data_dir: Path) -> Counter[tuple[tuple[int, str], ...]]:
    """Per aggregate its (version, event type) sequence, as a multiset: ids differ between
    runs (most are random), the story they tell must not."""
    per: dict[str, list[tuple[int, str]]] = {}
    for aggregate, version, topic in events(data_dir):
        per.setdefault(aggregate, []).append((version, topic))
    return Counter(tuple(seq) for seq in per.values())


def status(data_dir: Path, *, positions: bool = BACKEND == "sqlite") -> object:
    run = akkoord("status", "--json", home=data_dir)
    assert run.exit_code == 0, run.stderr
    text = run.stdout
    if not positions:  # positions may skip numbers on PostgreSQL
        text = re.sub(r"@\d+", "@N", text)
    return json.loads(text)


def start(data_dir: Path) -> None:
    run = akkoord("members", "load", "--as", OFFICER, "--reason", "CBS 2024", home=data_dir)
    assert run.exit_code == 0, run.stderr


def scratch_left(data_dir: Path) -> list[str]:
    return [p.name for p in data_dir.parent.glob(f"{PREFIX}*")]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, object, object]:
    """An uninterrupted run: (events before the scenario, its shape, its status)."""
    data_dir = tmp_path_factory.mktemp("clean") / "store"
    start(data_dir)
    before = head(data_dir)
    run = akkoord("scenario", "run", "--json", home=data_dir, timeout=WAIT)
    assert run.exit_code == 0, run.stderr
    assert scratch_left(data_dir) == []
    return before, shape(data_dir), status(data_dir)


# Where the kill falls is the scenario's business, not the store's: on PostgreSQL (CI's second,
# time-bounded run) the middle point alone; all three on SQLite.
KILL_POINTS = [0.1, 0.45, 0.8] if BACKEND == "sqlite" else [0.45]


@pytest.mark.parametrize("fraction", KILL_POINTS)
def test_a_killed_scenario_run_is_finished_by_running_it_again(
    tmp_path: Path, clean: tuple[int, object, object], fraction: float
) -> None:
    before, clean_shape, clean_status = clean
    data_dir = tmp_path / "store"
    start(data_dir)
    assert head(data_dir) == before
    wanted = before + int(fraction * (_events_in(clean_shape) - before))

    env = {**os.environ, "AKKOORD_HOME": str(data_dir), "COLUMNS": "200"}
    env.pop("AKKOORD_ACTOR", None)
    process = subprocess.Popen(
        [*AKKOORD, "scenario", "run", "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + WAIT
        while head(data_dir) < wanted and process.poll() is None:
            assert time.monotonic() < deadline, f"the log did not reach {wanted} events"
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=WAIT)
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    killed_at = head(data_dir)
    assert before < killed_at < _events_in(clean_shape), (before, killed_at)

    rerun = akkoord("scenario", "run", "--json", home=data_dir, timeout=WAIT)
    assert rerun.exit_code == 0, rerun.stderr
    assert scratch_left(data_dir) == []
    assert head(data_dir) == _events_in(clean_shape)
    assert shape(data_dir) == clean_shape
    assert status(data_dir) == clean_status

    again = akkoord("scenario", "run", "--json", home=data_dir, timeout=WAIT)
    assert again.exit_code == 0, again.stderr  # a finished run, run again, writes nothing
    assert shape(data_dir) == clean_shape


def _events_in(counted: Counter[tuple[tuple[int, str], ...]]) -> int:
    return sum(len(seq) * n for seq, n in counted.items())


def test_a_demo_killed_halfway_is_finished_by_running_it_again(
    tmp_path: Path, clean: tuple[int, object, object]
) -> None:
    _, clean_shape, clean_status = clean
    data_dir = tmp_path / "demo"
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("AKKOORD_ACTOR", None)
    env.pop("AKKOORD_HOME", None)
    # The demo's fresh store appears only when the whole story ran on the scratch copy (its
    # files moved, or its schema renamed, into place): kill it while that copy grows (then
    # nothing is in the store) and let the rerun start over.
    process = subprocess.Popen(
        [*AKKOORD, "demo", "--json", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + WAIT
        while process.poll() is None:
            scratch = [p / "store" for p in data_dir.parent.glob(f"{PREFIX}*")]
            growing = [head(s) for s in scratch if (s.parent / OWNER).exists()]
            if max([head(data_dir), *growing], default=0) > 400:
                break
            assert time.monotonic() < deadline
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=WAIT)
    assert process.returncode == -signal.SIGKILL
    rerun = akkoord("demo", "--json", "--data-dir", str(data_dir), home=data_dir, timeout=WAIT)
    assert rerun.exit_code == 0, rerun.stderr
    assert scratch_left(data_dir) == []
    assert json.loads(rerun.stdout)["events"] == head(data_dir)

    # the same story as members loaded and then the scenario run, uninterrupted (whose
    # members step found them loaded: it wrote nothing, so it has no mark)
    def story(counted: object) -> object:
        assert isinstance(counted, Counter)
        return {seq: n for seq, n in counted.items() if "ScenarioStep" not in seq[0][1]}

    assert story(shape(data_dir)) == story(clean_shape)
    unpositioned = json.loads(re.sub(r"@\d+", "@N", json.dumps(clean_status)))
    assert status(data_dir, positions=False) == unpositioned


def test_stale_scratch_copies_of_dead_runs_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    from adapters.store.scratch_dirs import remove_stale

    dead = tmp_path / f"{PREFIX}dead"
    dead.mkdir()
    (dead / OWNER).write_text("999999999", encoding="ascii")
    (dead / "store").mkdir()
    unowned = tmp_path / f"{PREFIX}old"
    unowned.mkdir()
    live = tmp_path / f"{PREFIX}live"
    live.mkdir()
    (live / OWNER).write_text(str(os.getppid()), encoding="ascii")
    assert sorted(p.name for p in remove_stale(tmp_path)) == sorted([dead.name, unowned.name])
    assert [p.name for p in tmp_path.iterdir()] == [live.name]
