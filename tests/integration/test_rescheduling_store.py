"""Dates that move, on a real store (SQLite files, or PostgreSQL with AKKOORD_DATABASE_URL): one
ratification per consultation (also for two writers at once), reschedules that the deadlines and
the scheduler follow, extensions past the board's date, and late decisions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from adapters.entrypoints.scheduler import DeadlineScheduler
from adapters.readmodels.queries import deadline_rows, timeline_rows
from adapters.store.leadership import FileLeadership
from domain.actor import Actor, Role
from domain.board_ratification import BoardRatification, Decision, RatificationExistsError
from domain.deadlines import DateConflictError
from domain.errors import DomainError
from tests.conftest import AMS, CLOSES, OFFICER
from tests.integration.test_consultation_store import FACTS, open_consultation
from workflows import ratifications
from workflows.clock import SimulatedClock

BOARD = datetime(2025, 10, 29, 10, 0, tzinfo=AMS)
LATER = datetime(2025, 11, 5, 10, 0, tzinfo=AMS)
BOARD_MEMBER = Actor(Role.BOARD, "vng.bestuur")


def register_azwa(e: Engine) -> None:
    e.app.agreements.register_agreement(
        code="AZWA",
        name="AZWA",
        full_name="Aanvullend Zorg- en Welzijnsakkoord",
        term="",
        signing_parties=["VNG"],
        involved_parties=[],
        relations=[],
        actor=OFFICER,
        reason="r",
    )


def schedule(e: Engine, cid: str, when: datetime = BOARD, **kw: Any) -> UUID:
    rid = e.app.ratifications.schedule_ratification(
        title="Bekrachtiging",
        scheduled_for=when,
        timezone="Europe/Amsterdam",
        consultation_id=UUID(cid),
        party="VNG",
        agreements=["AZWA"],
        signing_ids=[],
        actor=OFFICER,
        reason="na de ledenraadpleging",
        **kw,
    )
    e.catch_up()
    return rid


@pytest.fixture
def consulted(engine: Engine, clock: SimulatedClock) -> str:
    cid = open_consultation(engine, clock, FACTS[:5])
    register_azwa(engine)
    return cid


def topics_of(e: Engine, aggregate_id: UUID | str) -> list[str]:
    return [
        n.topic.rsplit(":", 1)[-1]
        for n in e.app.notifications()
        if str(n.originator_id) == str(aggregate_id)
    ]


def due(e: Engine, kind: str, subject: UUID | str, states: tuple[str, ...] = ("pending",)) -> str:
    [row] = [
        r
        for r in deadline_rows(e.views, states)
        if r["kind"] == kind and r["subject_id"] == str(subject)
    ]
    return str(row["due_at"])


# One ratification per consultation -------------------------------------------------------------


def test_a_second_ratification_for_a_consultation_is_refused_naming_the_first(
    engine: Engine, consulted: str
) -> None:
    first = schedule(engine, consulted)
    head = engine.app.head()
    with pytest.raises(RatificationExistsError, match=str(first)) as refused:
        schedule(engine, consulted, LATER)
    assert "board reschedule" in str(refused.value)
    assert engine.app.head() == head


def test_a_ratification_from_before_the_rule_is_found_too(
    engine: Engine, consulted: str, clock: SimulatedClock
) -> None:
    legacy = BoardRatification._create(  # as an older akkoord made it: a random id
        BoardRatification.Scheduled,
        id=uuid4(),
        title="Oude bekrachtiging",
        scheduled_for=BOARD,
        timezone="Europe/Amsterdam",
        consultation_id=consulted,
        party="VNG",
        agreements=["AZWA"],
        signing_ids=[],
        actor=str(OFFICER),
        reason="r",
        at=clock.now(),
    )
    engine.app.save(legacy)
    with pytest.raises(RatificationExistsError, match=str(legacy.id)):
        schedule(engine, consulted, LATER)


@pytest.fixture
def second_engine(store_dir: Path, clock: SimulatedClock, engine: Engine) -> Iterator[Engine]:
    with build(Settings(store_dir), clock=clock) as other:
        yield other


def test_two_writers_scheduling_at_once_make_one_ratification(
    engine: Engine, second_engine: Engine, consulted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both have looked for an existing ratification (none) before either writes: the second
    # write must meet the first in the store, not add a rival.
    barrier = threading.Barrier(2, timeout=30)
    original = ratifications.ratifications_for

    def look_then_wait(app: Any, consultation_id: UUID) -> list[BoardRatification]:
        found = original(app, consultation_id)
        barrier.wait()
        return found

    monkeypatch.setattr(ratifications, "ratifications_for", look_then_wait)
    results: list[Any] = [None, None]

    def run(i: int, e: Engine) -> None:
        try:
            results[i] = schedule(e, consulted, BOARD + timedelta(hours=i))
        except DomainError as error:
            results[i] = error

    threads = [
        threading.Thread(target=run, args=(i, e)) for i, e in enumerate([engine, second_engine])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    [made] = [r for r in results if isinstance(r, UUID)]
    [refused] = [r for r in results if isinstance(r, DomainError)]
    assert isinstance(refused, RatificationExistsError) and str(made) in str(refused)
    engine.catch_up()
    assert topics_of(engine, made).count("BoardRatification.Scheduled") == 1
    assert len(engine.app.ratifications.list_ratifications()) == 1


# Rescheduling: the deadline and the scheduler follow ------------------------------------------


def test_the_due_reminder_fires_at_the_new_date_not_the_old(
    engine: Engine, consulted: str, clock: SimulatedClock, store_dir: Path
) -> None:
    rid = schedule(engine, consulted)
    scheduler = DeadlineScheduler(engine, FileLeadership(store_dir / "scheduler.lock"))
    scheduler.sync()  # the timer is not started: we look at its jobs and fire them by hand
    job = f"ratification due:{rid}"
    assert scheduler.jobs()[job] == BOARD.astimezone(UTC)

    engine.app.ratifications.reschedule_ratification(
        rid,
        scheduled_for=LATER,
        timezone="Europe/Amsterdam",
        actor=OFFICER,
        reason="bestuur verplaatst",
    )
    engine.catch_up()
    scheduler.sync()
    assert scheduler.jobs()[job] == LATER.astimezone(UTC)
    assert due(engine, "ratification due", rid) == LATER.astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ"
    )

    clock.set(BOARD)  # a timer still set for the old date writes nothing
    scheduler.fire("ratification due", str(rid))
    assert "BoardRatification.DueNotified" not in topics_of(engine, rid)
    clock.set(LATER)
    scheduler.fire("ratification due", str(rid))
    assert topics_of(engine, rid).count("BoardRatification.DueNotified") == 1
    assert scheduler.fired == [
        ("ratification due", str(rid), False),
        ("ratification due", str(rid), True),
    ]
    scheduler.sync()
    assert job not in scheduler.jobs()

    # moved again after it fired: due again, at the newest date
    newest = LATER + timedelta(days=7)
    engine.app.ratifications.reschedule_ratification(
        rid, scheduled_for=newest, timezone="Europe/Amsterdam", actor=OFFICER, reason="opnieuw"
    )
    engine.catch_up()
    scheduler.sync()
    assert scheduler.jobs()[job] == newest.astimezone(UTC)
    summaries = [r["summary"] for r in timeline_rows(engine.views, str(rid))]
    assert any("moved from 2025-10-29T10:00:00+01:00 to 2025-11-05" in s for s in summaries)


def test_a_bad_reschedule_writes_nothing(engine: Engine, consulted: str) -> None:
    rid = schedule(engine, consulted)
    head = engine.app.head()
    for kw, error in [
        ({"scheduled_for": datetime(2025, 11, 5, 10, 0)}, "must carry a time zone"),
        ({"scheduled_for": CLOSES - timedelta(hours=1)}, "before the consultation closes"),
        ({"scheduled_for": LATER, "reason": ""}, "give a reason"),
        ({"scheduled_for": LATER, "actor": BOARD_MEMBER}, "only officer"),
    ]:
        args: dict[str, Any] = {
            "timezone": "Europe/Amsterdam",
            "actor": OFFICER,
            "reason": "r",
            **kw,
        }
        with pytest.raises(DomainError, match=error):
            engine.app.ratifications.reschedule_ratification(rid, **args)
    assert engine.app.head() == head


def test_an_alv_reschedule_moves_its_deadline(engine: Engine, clock: SimulatedClock) -> None:
    held_on = datetime(2025, 11, 28, 10, 0, tzinfo=AMS)
    aid = engine.app.assemblies.convene_assembly(
        title="Najaars-ALV", held_on=held_on, actor=OFFICER, reason="r"
    )
    moved = held_on + timedelta(days=14)
    engine.app.assemblies.reschedule_assembly(
        aid, held_on=moved, timezone="Europe/Amsterdam", actor=OFFICER, reason="zaal"
    )
    engine.catch_up()
    assert due(engine, "ALV meets", aid) == moved.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert engine.app.assemblies.get_assembly(aid)["held_on"] == moved.isoformat()


# Extensions past the board's date -------------------------------------------------------------


def test_an_extension_past_the_ratification_needs_a_confirmation_recorded_in_its_commit(
    engine: Engine, consulted: str
) -> None:
    rid = schedule(engine, consulted)
    head = engine.app.head()
    with pytest.raises(DateConflictError, match="reschedule the ratification first"):
        engine.app.consultations.extend_consultation(
            UUID(consulted), closes_at=BOARD, actor=OFFICER, reason="storing"
        )
    assert engine.app.head() == head
    # short of the board's date: no question asked
    engine.app.consultations.extend_consultation(
        UUID(consulted), closes_at=BOARD - timedelta(hours=1), actor=OFFICER, reason="storing"
    )
    assert engine.app.head() == head + 1
    engine.app.consultations.extend_consultation(
        UUID(consulted),
        closes_at=BOARD + timedelta(days=1),
        actor=OFFICER,
        reason="storing bij de kiezers",
        confirm_conflict=True,
    )
    engine.catch_up()
    last_two = list(engine.app.notifications(start=head + 2))
    assert [n.topic.rsplit(":", 1)[-1] for n in last_two][:2] == [
        "Consultation.Extended",
        "BoardRatification.ConsultationOverrunConfirmed",
    ]
    confirmed = engine.app.mapper.to_domain_event(last_two[1])
    assert confirmed.reason == "storing bij de kiezers" and confirmed.scheduled_for == BOARD
    # and scheduling a ratification before the (new) close needs the same confirmation
    with pytest.raises(DateConflictError):
        engine.app.ratifications.reschedule_ratification(
            rid,
            scheduled_for=BOARD + timedelta(hours=2),
            timezone="Europe/Amsterdam",
            actor=OFFICER,
            reason="r",
        )


def test_scheduling_before_the_close_needs_a_confirmation(engine: Engine, consulted: str) -> None:
    head = engine.app.head()
    with pytest.raises(DateConflictError, match="confirm it with a reason"):
        schedule(engine, consulted, CLOSES - timedelta(days=1))
    assert engine.app.head() == head
    rid = schedule(engine, consulted, CLOSES - timedelta(days=1), confirm_conflict=True)
    [summary] = [r["summary"] for r in timeline_rows(engine.views, str(rid))]
    assert "before the consultation closes, confirmed" in summary


# Late decisions --------------------------------------------------------------------------------


@pytest.mark.parametrize(("decided", "late"), [(BOARD + timedelta(hours=4), False), (LATER, True)])
def test_a_decision_after_its_day_is_recorded_and_shown_as_late(
    engine: Engine, consulted: str, clock: SimulatedClock, decided: datetime, late: bool
) -> None:
    rid = schedule(engine, consulted)
    clock.set(CLOSES)
    engine.app.deadlines.fire_deadline("consultation closes", UUID(consulted))
    engine.catch_up()  # the workflow hands the advice to the ratification
    clock.set(decided)
    assert (
        engine.app.ratifications.decide_ratification(
            rid,
            decision=Decision.RATIFY,
            rationale="nobody voted; the board ratifies on the negotiations",
            actor=BOARD_MEMBER,
            reason="vergadering",
        )
        is late
    )
    engine.catch_up()
    shown = engine.app.ratifications.get_ratification(rid)
    assert shown["late"] is late and shown["decided_at"] == decided.isoformat()
    summaries = [r["summary"] for r in timeline_rows(engine.views, str(rid))]
    assert any(("LATE" in s) is late and "decides to ratify" in s for s in summaries)
