"""The scheduler as real processes on a real SQLite store: kills, restarts, rivals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from adapters.bootstrap import Engine, build
from adapters.members_csv import read_members_csv, shipped_members_path
from adapters.settings import Settings
from domain.errors import BallotTooLateError
from tests.conftest import OFFICER, secretary

pytestmark = pytest.mark.slow
CLOSED = "domain.consultation:Consultation.Closed"


class Schedulers:
    def __init__(self, store: Path) -> None:
        self.store = store
        self.procs: list[subprocess.Popen[str]] = []

    def start(self, fault: str | None = None) -> subprocess.Popen[str]:
        env = {**os.environ, "AKKOORD_HOME": str(self.store)}
        if fault:
            env["AKKOORD_FAULT_POINT"] = fault
        proc = subprocess.Popen(
            [sys.executable, "-m", "adapters.cli", "scheduler", "run", "--poll", "0.2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.procs.append(proc)
        return proc

    def leading(self, times: int, timeout: float = 30) -> None:
        """Wait until schedulers have taken the lead `times` times in all (a process under load
        can take seconds to start)."""
        log = self.store / "akkoord.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if log.exists() and log.read_text(errors="replace").count("leading: ") >= times:
                return
            time.sleep(0.05)
        raise AssertionError(f"no scheduler took the lead {times} time(s) in {timeout} s")

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Engine]:
    with build(Settings(tmp_path / "store"), create=True) as e:
        e.app.load_members(
            read_members_csv(shipped_members_path())[:20], actor=OFFICER, reason="CBS"
        )
        yield e


@pytest.fixture
def schedulers(store: Engine) -> Iterator[Schedulers]:
    running = Schedulers(store.settings.data_dir)
    yield running
    running.stop_all()


def open_closing_in(e: Engine, seconds: float) -> tuple[UUID, datetime]:
    closes = datetime.now(UTC) + timedelta(seconds=seconds)
    cid = e.app.open_consultation(
        title="kort",
        question="q",
        agreements=[],
        closes_at=closes,
        timezone="Europe/Amsterdam",
        actor=OFFICER,
        reason="test",
    )
    return cid, closes


def closes_of(e: Engine, cid: UUID) -> list[object]:
    return [
        e.app.mapper.to_domain_event(n)
        for n in e.app.notifications(topics=[CLOSED])
        if n.originator_id == cid
    ]


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_deadline_closes_the_consultation_once_and_on_time(
    store: Engine, schedulers: Schedulers
) -> None:
    proc = schedulers.start()
    time.sleep(1.0)  # the scheduler is up before the consultation exists: it must follow the log
    cid, closes = open_closing_in(store, 3)
    assert wait_for(lambda: bool(closes_of(store, cid)), 8)
    time.sleep(0.6)  # a second firing, if any, would show now
    [closed] = closes_of(store, cid)
    assert closed.actor == "system:scheduler" and closed.rule == "consultation closes"
    assert timedelta(0) <= closed.at - closes < timedelta(seconds=1)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert '"stopped"' in proc.stderr.read()


def test_a_deadline_missed_while_down_fires_at_start_once(
    store: Engine, schedulers: Schedulers
) -> None:
    proc = schedulers.start()
    cid, closes = open_closing_in(store, 2)
    time.sleep(0.8)
    proc.kill()  # SIGKILL before the deadline
    proc.wait()
    time.sleep(max(0.0, (closes - datetime.now(UTC)).total_seconds()) + 0.3)
    assert closes_of(store, cid) == []
    with pytest.raises(BallotTooLateError):  # after the deadline, before any firing: refused
        member = store.app.list_members()[0]["code"]
        store.app.cast_ballot(cid, member=member, choice="yes", actor=secretary(member))
    started = time.monotonic()
    schedulers.start()
    assert wait_for(lambda: bool(closes_of(store, cid)), 8)
    assert time.monotonic() - started < 5
    time.sleep(0.6)
    assert len(closes_of(store, cid)) == 1


@pytest.mark.parametrize("fault", ["before-fire", "after-fire"])
def test_killed_while_firing_then_restarted_closes_exactly_once(
    store: Engine, schedulers: Schedulers, fault: str
) -> None:
    proc = schedulers.start(fault=f"{fault}:consultation closes")
    cid, _ = open_closing_in(store, 1.5)
    assert proc.wait(timeout=15) == -signal.SIGKILL  # it died at the fault point
    assert len(closes_of(store, cid)) == (1 if fault == "after-fire" else 0)
    schedulers.start()
    assert wait_for(lambda: len(closes_of(store, cid)) == 1, 8)
    time.sleep(1.0)
    assert len(closes_of(store, cid)) == 1


def test_two_schedulers_on_one_store_close_once(store: Engine, schedulers: Schedulers) -> None:
    schedulers.start()
    schedulers.start()
    cid, _ = open_closing_in(store, 2)
    assert wait_for(lambda: bool(closes_of(store, cid)), 8)
    time.sleep(1.0)
    assert len(closes_of(store, cid)) == 1


def test_when_the_leader_dies_the_standby_fires(store: Engine, schedulers: Schedulers) -> None:
    leader = schedulers.start()
    time.sleep(1.0)
    standby = schedulers.start()
    time.sleep(0.5)
    cid, _ = open_closing_in(store, 2.5)
    time.sleep(0.5)
    leader.kill()
    leader.wait()
    assert wait_for(lambda: bool(closes_of(store, cid)), 8)
    assert standby.poll() is None
    time.sleep(0.6)
    assert len(closes_of(store, cid)) == 1


def test_an_extension_moves_the_job_and_a_cancellation_removes_it(
    store: Engine, schedulers: Schedulers
) -> None:
    schedulers.start()
    moved, closes = open_closing_in(store, 2.5)
    gone, _ = open_closing_in(store, 2.5)
    time.sleep(0.8)
    store.app.extend_consultation(
        moved, closes_at=closes + timedelta(seconds=3), actor=OFFICER, reason="storing"
    )
    store.app.cancel_consultation(gone, actor=OFFICER, reason="ingetrokken")
    time.sleep(max(0.0, (closes - datetime.now(UTC)).total_seconds()) + 1.0)
    assert closes_of(store, moved) == [] and closes_of(store, gone) == []
    assert wait_for(lambda: bool(closes_of(store, moved)), 6)
    [closed] = closes_of(store, moved)
    assert closed.at >= closes + timedelta(seconds=3)
    assert closes_of(store, gone) == []


RAISED = "domain.commitment:Commitment.ReviewRaised"


def test_a_review_is_raised_once_per_period_across_restarts(
    store: Engine, schedulers: Schedulers
) -> None:
    first = datetime.now(UTC) + timedelta(seconds=1)
    cid = store.app.register_commitment(
        title="Financiën",
        owner="VNG",
        forum="tripartiet",
        cadence=timedelta(seconds=2),
        first_review_at=first,
        source="UDO punt 1",
        actor=OFFICER,
        reason="test",
    )
    proc = schedulers.start()
    schedulers.leading(1)
    time.sleep(3.5)
    proc.kill()  # mid-cadence, perhaps mid-firing
    proc.wait()
    time.sleep(2.5)  # a period passes while no scheduler runs
    proc = schedulers.start()
    schedulers.leading(2)
    time.sleep(3.0)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    stopped = datetime.now(UTC)
    periods = [
        store.app.mapper.to_domain_event(n).period
        for n in store.app.notifications(topics=[RAISED])
        if n.originator_id == cid
    ]
    due = int((stopped - first).total_seconds() // 2) + 1
    assert periods == list(range(1, len(periods) + 1))  # each period once, in order
    assert due - 1 <= len(periods) <= due
