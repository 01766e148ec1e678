"""The scheduler's jobs mirror the pending deadlines, in the right instant of UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from adapters.bootstrap import Engine
from adapters.entrypoints.scheduler import DeadlineScheduler
from adapters.store.leadership import FileLeadership
from tests.conftest import OFFICER, OPENS
from tests.integration.test_consultation_store import open_consultation
from workflows.clock import SimulatedClock


def scheduler_for(engine: Engine, store_dir: Path) -> DeadlineScheduler:
    return DeadlineScheduler(engine, FileLeadership(store_dir / "scheduler.lock"))


def test_jobs_follow_open_extend_and_cancel_in_utc(
    engine: Engine, clock: SimulatedClock, store_dir: Path
) -> None:
    cid = open_consultation(engine, clock)
    engine.app.agreements.register_agreement(
        code="AZWA",
        name="AZWA",
        full_name="Aanvullend",
        term="",
        signing_parties=["VNG"],
        involved_parties=[],
        relations=[],
        actor=OFFICER,
        reason="r",
    )
    ratification = engine.app.ratifications.schedule_ratification(
        title="Bekrachtiging",
        scheduled_for=datetime.fromisoformat("2025-10-29T10:00:00+01:00"),
        timezone="Europe/Amsterdam",
        consultation_id=UUID(cid),
        party="VNG",
        agreements=["AZWA"],
        signing_ids=[],
        actor=OFFICER,
        reason="r",
    )
    scheduler = scheduler_for(engine, store_dir)
    scheduler.sync()  # the timer is not started: nothing fires, we only look at the jobs
    jobs = scheduler.jobs()
    assert jobs[f"consultation closes:{cid}"] == datetime(2025, 10, 22, 14, 0, tzinfo=UTC)
    assert jobs[f"closing soon:{cid}"] == datetime(2025, 10, 21, 14, 0, tzinfo=UTC)
    # 29 Oct is after the clock change: 10:00 Amsterdam is 09:00 UTC
    assert jobs[f"ratification due:{ratification}"] == datetime(2025, 10, 29, 9, 0, tzinfo=UTC)

    clock.set(OPENS.replace(day=20))
    engine.app.consultations.extend_consultation(
        UUID(cid),
        closes_at=datetime.fromisoformat("2025-10-29T16:00:00+01:00"),
        actor=OFFICER,
        reason="storing",
        confirm_conflict=True,  # past the ratification's date, on purpose
    )
    scheduler.sync()
    assert scheduler.jobs()[f"consultation closes:{cid}"] == datetime(
        2025, 10, 29, 15, 0, tzinfo=UTC
    )

    engine.app.consultations.cancel_consultation(UUID(cid), actor=OFFICER, reason="ingetrokken")
    scheduler.sync()
    assert set(scheduler.jobs()) == {f"ratification due:{ratification}"}


def test_only_the_lock_holder_leads(store_dir: Path, engine: Engine) -> None:
    first, second = scheduler_for(engine, store_dir), scheduler_for(engine, store_dir)
    first.tick()
    second.tick()
    assert (first.leading, second.leading) == (True, False)
    first.leadership.release()
    second.tick()
    assert second.leading
    second.leadership.release()
