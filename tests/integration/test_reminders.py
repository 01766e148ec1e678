"""Scheduled reminders to the members who have not voted: the scheduler's job follows the next
one, firing records who was reminded (as system:scheduler) once, and an extension moves the
reminders still to come. Driven like the other deadlines: the simulated clock, `sync`, `fire`."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from adapters.bootstrap import Engine
from adapters.entrypoints.scheduler import DeadlineScheduler
from adapters.readmodels.queries import deadline_rows
from adapters.store.leadership import FileLeadership
from domain.consultation import Consultation
from tests.conftest import CLOSES, OFFICER, OPENS, secretary
from tests.integration.test_consultation_store import FACTS
from workflows.clock import SimulatedClock

KIND = "non-voters reminder"
WEEK, DAY = timedelta(days=7), timedelta(days=1)
REMINDED = "domain.consultation:Consultation.NonVotersReminded"


def reminders_of(e: Engine, cid: UUID) -> list[Any]:
    return [
        e.app.mapper.to_domain_event(n)
        for n in e.app.notifications(topics=[REMINDED])
        if n.originator_id == cid
    ]


def test_reminders_fire_once_each_follow_an_extension_and_stop_at_cancel(
    engine: Engine, clock: SimulatedClock, store_dir: Path
) -> None:
    engine.app.members.load_members(list(FACTS), actor=OFFICER, reason="CBS 2024")
    clock.set(OPENS)
    cid = engine.app.consultations.open_consultation(
        title="AZWA",
        question="Stemt u in?",
        agreements=[],
        closes_at=CLOSES,
        timezone="Europe/Amsterdam",
        actor=OFFICER,
        reason="Lbr. 25/041",
        reminders=(WEEK, DAY),
    )
    voter = FACTS[0].code
    clock.set(OPENS + DAY)
    engine.app.consultations.cast_ballot(cid, member=voter, choice="yes", actor=secretary(voter))
    engine.catch_up()
    scheduler = DeadlineScheduler(engine, FileLeadership(store_dir / "scheduler.lock"))
    scheduler.sync()  # the timer is not started: it fires when the test says so
    job = f"{KIND}:{cid}"
    assert scheduler.jobs()[job] == (CLOSES - WEEK).astimezone(UTC)

    clock.set(CLOSES - WEEK)
    scheduler.fire(KIND, str(cid))
    scheduler.fire(KIND, str(cid))  # a second firing writes nothing
    assert [wrote for _, _, wrote in scheduler.fired] == [True, False]
    [week] = reminders_of(engine, cid)
    assert isinstance(week, Consultation.NonVotersReminded)
    assert (week.actor, week.occasion) == ("system:scheduler", "7 days before")
    assert voter not in week.members
    assert sorted([voter, *week.members]) == sorted(f.code for f in FACTS)
    scheduler.sync()
    assert scheduler.jobs()[job] == (CLOSES - DAY).astimezone(UTC)

    clock.set(CLOSES - 6 * DAY)
    engine.app.consultations.extend_consultation(
        cid, closes_at=CLOSES + 2 * WEEK, actor=OFFICER, reason="meer tijd"
    )
    scheduler.sync()
    assert scheduler.jobs()[job] == (CLOSES + WEEK).astimezone(UTC)  # 7 days before the new one
    [row] = [r for r in deadline_rows(engine.views) if r["kind"] == KIND]
    assert row["subject_id"] == str(cid)

    engine.app.consultations.cancel_consultation(cid, actor=OFFICER, reason="ingetrokken")
    scheduler.sync()
    assert job not in scheduler.jobs()
    assert len(reminders_of(engine, cid)) == 1
