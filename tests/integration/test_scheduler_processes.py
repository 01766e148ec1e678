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
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
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
            [sys.executable, "-m", "adapters.entrypoints.cli", "scheduler", "run", "--poll", "0.2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.procs.append(proc)
        return proc

    def logged(self, text: str, times: int, timeout: float = 120) -> None:
        """Wait until the store's log holds `text` `times` times in all (a process under load
        can take seconds to start)."""
        log = self.store / "akkoord.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if log.exists() and log.read_text(errors="replace").count(text) >= times:
                return
            time.sleep(0.05)
        raise AssertionError(f"{text!r} was not logged {times} time(s) in {timeout} s")

    def leading(self, times: int) -> None:
        """Wait until schedulers have taken the lead `times` times in all."""
        self.logged('"leading: ', times)

    def stop(self, proc: subprocess.Popen[str]) -> None:
        """SIGTERM once every scheduler started so far handles it, and wait. A clean stop lets a
        running job finish, so counts taken afterwards are final (a second firing, had there
        been one, would be in the log by now)."""
        self.logged('"event": "started"', len(self.procs))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Engine]:
    with build(Settings(tmp_path / "store"), create=True) as e:
        e.app.members.load_members(
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
    cid = e.app.consultations.open_consultation(
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


def wait_for(condition: Callable[[], bool], timeout: float = 120) -> bool:
    """Poll until `condition` holds, at most `timeout` seconds (generous: a loaded machine can
    take seconds to start a Python process; nothing here asserts how fast)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def due_periods(first: datetime, cadence: timedelta, at: datetime) -> int:
    return int((at - first) / cadence) + 1 if at >= first else 0


def test_a_deadline_closes_the_consultation_by_itself_once_never_early(
    store: Engine, schedulers: Schedulers
) -> None:
    proc = schedulers.start()
    schedulers.leading(1)  # up before the consultation exists: it must follow the log
    cid, closes = open_closing_in(store, 2)
    assert wait_for(lambda: bool(closes_of(store, cid)))
    schedulers.stop(proc)
    [closed] = closes_of(store, cid)
    assert closed.actor == "system:scheduler" and closed.rule == "consultation closes"
    assert closed.at >= closes  # how soon after is measured by `akkoord bench`, not asserted
    assert '"stopped"' in proc.stderr.read()


def test_a_deadline_missed_while_down_fires_at_start_once(
    store: Engine, schedulers: Schedulers
) -> None:
    proc = schedulers.start()
    schedulers.leading(1)
    cid, closes = open_closing_in(store, 4)
    proc.kill()  # SIGKILL, normally long before the deadline
    proc.wait()
    killed_before_the_deadline = datetime.now(UTC) < closes
    time.sleep(max(0.0, (closes - datetime.now(UTC)).total_seconds()) + 0.3)
    if killed_before_the_deadline:
        assert closes_of(store, cid) == []
    with pytest.raises(BallotTooLateError):  # after the deadline, before any firing: refused
        member = store.app.members.list_members()[0]["code"]
        store.app.consultations.cast_ballot(
            cid, member=member, choice="yes", actor=secretary(member)
        )
    restarted = schedulers.start()
    assert wait_for(lambda: bool(closes_of(store, cid)))
    schedulers.stop(restarted)
    assert len(closes_of(store, cid)) == 1


@pytest.mark.parametrize("fault", ["before-fire", "after-fire"])
def test_killed_while_firing_then_restarted_closes_exactly_once(
    store: Engine, schedulers: Schedulers, fault: str
) -> None:
    proc = schedulers.start(fault=f"{fault}:consultation closes")
    cid, _ = open_closing_in(store, 1.5)
    assert proc.wait(timeout=120) == -signal.SIGKILL  # it died at the fault point
    assert len(closes_of(store, cid)) == (1 if fault == "after-fire" else 0)
    restarted = schedulers.start()
    assert wait_for(lambda: len(closes_of(store, cid)) >= 1)
    schedulers.stop(restarted)
    assert len(closes_of(store, cid)) == 1


def test_two_schedulers_on_one_store_close_once(store: Engine, schedulers: Schedulers) -> None:
    first, second = schedulers.start(), schedulers.start()
    schedulers.leading(1)
    cid, _ = open_closing_in(store, 2)
    assert wait_for(lambda: bool(closes_of(store, cid)))
    schedulers.stop(first)
    schedulers.stop(second)
    assert len(closes_of(store, cid)) == 1


def test_when_the_leader_dies_the_standby_fires(store: Engine, schedulers: Schedulers) -> None:
    leader = schedulers.start()
    schedulers.leading(1)
    standby = schedulers.start()
    cid, _ = open_closing_in(store, 2.5)
    leader.kill()
    leader.wait()
    schedulers.leading(2)  # the standby took over
    assert wait_for(lambda: bool(closes_of(store, cid)))
    assert standby.poll() is None
    schedulers.stop(standby)
    [closed] = closes_of(store, cid)
    assert closed.actor == "system:scheduler"


def test_an_extension_moves_the_job_and_a_cancellation_removes_it(
    store: Engine, schedulers: Schedulers
) -> None:
    proc = schedulers.start()
    schedulers.leading(1)
    moved, closes = open_closing_in(store, 6)
    gone, _ = open_closing_in(store, 6)
    later = closes + timedelta(seconds=4)
    store.app.consultations.extend_consultation(
        moved, closes_at=later, actor=OFFICER, reason="storing"
    )
    store.app.consultations.cancel_consultation(gone, actor=OFFICER, reason="ingetrokken")
    assert wait_for(lambda: bool(closes_of(store, moved)))
    schedulers.stop(proc)  # past the first deadline too: had the cancelled one fired, it would show
    [closed] = closes_of(store, moved)
    assert closed.at >= later
    assert closes_of(store, gone) == []


RAISED = "domain.commitment:Commitment.ReviewRaised"


def test_a_review_is_raised_once_per_period_across_restarts(
    store: Engine, schedulers: Schedulers
) -> None:
    first = datetime.now(UTC) + timedelta(seconds=1)
    cadence = timedelta(seconds=2)
    cid = store.app.monitoring.register_commitment(
        title="Financiën",
        owner="VNG",
        forum="tripartiet",
        cadence=cadence,
        first_review_at=first,
        source="UDO punt 1",
        actor=OFFICER,
        reason="test",
    )

    def periods() -> list[int]:
        return [
            store.app.mapper.to_domain_event(n).period
            for n in store.app.notifications(topics=[RAISED])
            if n.originator_id == cid
        ]

    proc = schedulers.start()
    schedulers.leading(1)
    assert wait_for(lambda: len(periods()) >= 2)
    proc.kill()  # mid-cadence, perhaps mid-firing
    proc.wait()
    time.sleep(cadence.total_seconds() + 0.5)  # a period passes while no scheduler runs
    proc = schedulers.start()
    schedulers.leading(2)
    owed = due_periods(first, cadence, datetime.now(UTC))  # all due once it leads
    assert wait_for(lambda: len(periods()) >= owed)
    schedulers.stop(proc)
    raised = periods()
    assert raised == list(range(1, len(raised) + 1))  # each period once, in order
    assert owed <= len(raised) <= due_periods(first, cadence, datetime.now(UTC))
