"""The deadline scheduler: APScheduler 3.11 as a timer, the event store as the truth.

APScheduler's own job stores are not trusted: they drop missed jobs, delete a job before it has
run, and cannot be shared between processes. So the jobs live in memory only, rebuilt from the
pending-deadlines projection at start and re-synchronised with it every `poll` seconds (which is
how new, moved and cancelled deadlines reach the timer). A deadline already past fires at once
(`misfire_grace_time=None`). Firing issues the idempotent domain command as `system:scheduler`,
so a second firing, on this node or after a restart, writes nothing. Only the node holding the
leadership lock fires.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler

from adapters.backup.schedule import BackupLoop  # backup
from adapters.bootstrap import Engine
from adapters.config import logs
from adapters.readmodels.queries import deadline_rows
from adapters.store.leadership import Leadership
from domain.deadlines import FIRED_BY_SCHEDULER
from projections.rows import from_time_key

SYNC_JOB = "akkoord:sync"
# Crash tests set this to e.g. "after-fire:consultation closes" to SIGKILL the process there.
FAULT_ENV = "AKKOORD_FAULT_POINT"


def job_id(kind: str, subject_id: str) -> str:
    return f"{kind}:{subject_id}"


def _fault(point: str) -> None:
    """Die here, like a power cut, when a crash test asks for it."""
    if os.environ.get(FAULT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


class DeadlineScheduler:
    def __init__(
        self,
        engine: Engine,
        leadership: Leadership,
        *,
        poll: float = 0.5,
        lock: threading.Lock | None = None,
    ) -> None:
        self.engine = engine
        self.leadership = leadership
        self.poll = poll
        self.leading = False
        self._stopping = False
        self.fired: list[tuple[str, str, bool]] = []
        # One command at a time through the one engine (shared with the web server's writes).
        self._engine_lock = lock or threading.Lock()
        self._timer = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=2)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    # Lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        # --- backup: AKKOORD_BACKUP_DIR/_EVERY/_KEEP (a bad one refused before anything runs),
        # taken on the leader in a thread of its own (not a timer job: the timer's jobs are the
        # deadlines, kept equal to them) ---
        self.backups = BackupLoop.from_env(self.engine, self._engine_lock, lambda: self.leading)
        if self.backups is not None:
            self.backups.start()
        # --- end backup ---
        self._timer.start()
        self._timer.add_job(
            self.tick, "interval", seconds=self.poll, id=SYNC_JOB, next_run_time=datetime.now(UTC)
        )

    backups: BackupLoop | None = None

    def stop(self) -> None:
        if self.backups is not None:  # backup
            self.backups.stop()
        # APScheduler's shutdown(wait=True) holds its job-store lock while it waits for running
        # jobs, and a sync job takes that lock to add or move jobs: a SIGTERM during a sync
        # deadlocked (found by the suite on a loaded machine). So first wait for the job in
        # flight under our own lock, and make later ones leave the timer alone.
        with self._engine_lock:
            self._stopping = True
        self._timer.shutdown(wait=True)
        if self.leading:
            self.leadership.release()
            self.leading = False
            logs.logger(component="scheduler").info("leadership released")

    # Following the store ------------------------------------------------------------------

    def tick(self) -> None:
        log = logs.logger(component="scheduler")
        if self._stopping:
            return
        if self.leading and not self.leadership.holds():
            self.leading = False
            with self._engine_lock:  # the timer is touched only under it (see stop)
                if self._stopping:
                    return
                for job in self._timer.get_jobs():
                    if job.id != SYNC_JOB:
                        self._remove(job.id)
            log.warning("leadership lost: this node stops firing until it leads again")
        if not self.leading:
            self.leading = self.leadership.try_acquire()
            if not self.leading:
                return
            log.info("leading: this node fires the deadlines")
        try:
            self.sync()
        except Exception as e:  # a busy store must not stop the timer; the next tick retries
            log.warning("sync failed; will retry", error=str(e))

    def sync(self) -> None:
        """Make the timer's jobs equal the pending deadlines the scheduler may fire."""
        with self._engine_lock:
            if not self._stopping:
                self._sync()

    def _sync(self) -> None:
        self.engine.catch_up()
        pending = [d for d in deadline_rows(self.engine.views) if d["kind"] in FIRED_BY_SCHEDULER]
        wanted = {job_id(d["kind"], d["subject_id"]): d for d in pending}
        for job in self._timer.get_jobs():
            if job.id != SYNC_JOB and job.id not in wanted:
                self._remove(job.id)
        for jid, deadline in wanted.items():
            due = from_time_key(deadline["due_at"])
            job = self._timer.get_job(jid)
            if job is None:
                self._timer.add_job(
                    self.fire,
                    "date",
                    run_date=due,
                    id=jid,
                    args=[deadline["kind"], deadline["subject_id"]],
                )
            elif job.trigger.run_date != due:
                job.reschedule("date", run_date=due)

    def _remove(self, jid: str) -> None:
        with contextlib.suppress(JobLookupError):  # it ran, and removed itself, in between
            self._timer.remove_job(jid)

    def jobs(self) -> dict[str, datetime]:
        return {j.id: j.trigger.run_date for j in self._timer.get_jobs() if j.id != SYNC_JOB}

    # Firing -------------------------------------------------------------------------------

    def fire(self, kind: str, subject_id: str) -> None:
        # Jobs run in worker threads without the caller's context: bind it here.
        log = logs.logger(
            component="scheduler", actor="system:scheduler", rule=kind, aggregate_id=subject_id
        )
        started = datetime.now(UTC)
        try:
            _fault(f"before-fire:{kind}")
            with self._engine_lock:
                wrote = self.engine.app.deadlines.fire_deadline(kind, UUID(subject_id))
                _fault(f"after-fire:{kind}")
                self.engine.catch_up()
        except Exception as e:  # logged, retried by the next sync (the command is idempotent)
            log.error("firing failed", error=str(e))
            return
        self.fired.append((kind, subject_id, wrote))
        log.info(
            "deadline fired" if wrote else "deadline had been dealt with already",
            wrote=wrote,
            fired_at=started.isoformat(),
        )


def run_forever(scheduler: DeadlineScheduler, stop: threading.Event, **context: str) -> None:
    """Run until SIGINT or SIGTERM, then stop cleanly. "started" is logged once the signals are
    handled, so a supervisor that waits for it can always stop the process cleanly."""

    def request_stop(signum: int, _frame: Any) -> None:
        logs.logger(component="scheduler").info("stopping", signal=signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    logs.logger(component="scheduler").info("started", **context)
    scheduler.start()
    try:
        while not stop.wait(0.2):
            pass
    finally:
        scheduler.stop()
