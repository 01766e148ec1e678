"""Dates that move, consistently: rescheduling a ratification or an ALV, the date rules between a
ratification and its consultation, and decisions marked late — on the aggregates alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.board_ratification import (
    BoardRatification,
    Decision,
    RatificationStateError,
    ratification_id,
)
from domain.deadlines import DateConflictError, DeadlineKind, decided_late
from domain.errors import InvalidDeadlineError, MissingReasonError
from domain.general_assembly import AssemblyStateError, GeneralAssembly, ItemKind
from domain.rules import WeightedResult
from projections.deadlines import DeadlinesProjection
from projections.rows import Row, time_key
from projections.timeline import sentence

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2025, 9, 10, 9, 0, tzinfo=AMS)
CLOSES = datetime(2025, 10, 22, 16, 0, tzinfo=AMS)
BOARD = datetime(2025, 10, 29, 10, 0, tzinfo=AMS)
ALV_DAY = datetime(2025, 11, 28, 10, 0, tzinfo=AMS)
OFFICER = "officer:x"


def scheduled(**overrides: Any) -> BoardRatification:
    args: dict[str, Any] = {
        "title": "Bekrachtiging AZWA",
        "scheduled_for": BOARD,
        "timezone": "Europe/Amsterdam",
        "consultation_id": "c-1",
        "party": "VNG",
        "agreements": ["AZWA"],
        "signing_ids": [],
        "actor": OFFICER,
        "reason": "na de ledenraadpleging",
        "at": NOW,
        "consultation_closes_at": CLOSES,
    }
    args.update(overrides)
    return BoardRatification.schedule(**args)


def move(r: BoardRatification, to: datetime, **kw: Any) -> None:
    kw.setdefault("timezone", "Europe/Amsterdam")
    kw.setdefault("actor", OFFICER)
    kw.setdefault("reason", "bestuursvergadering verplaatst")
    kw.setdefault("at", NOW)
    kw.setdefault("consultation_closes_at", CLOSES)
    r.reschedule(scheduled_for=to, **kw)


def advised(r: BoardRatification) -> BoardRatification:
    r.receive_advice(
        WeightedResult.from_weights(80, 12), cause="c", actor="system:workflow", at=CLOSES
    )
    return r


# One ratification per consultation -----------------------------------------------------------


def test_a_ratification_id_is_derived_from_its_consultation() -> None:
    assert scheduled().id == ratification_id("c-1") == scheduled(title="Another").id
    assert scheduled(consultation_id="c-2").id != ratification_id("c-1")


# Rescheduling a ratification -----------------------------------------------------------------


def test_rescheduling_moves_the_date_and_records_who_why_old_and_new() -> None:
    r = scheduled()
    later = BOARD + timedelta(days=7)
    move(r, later, timezone="Europe/Amsterdam")
    events = r.collect_events()
    moved = events[-1]
    assert isinstance(moved, BoardRatification.Rescheduled)
    assert (moved.previous_scheduled_for, moved.scheduled_for) == (BOARD, later)
    assert (moved.actor, moved.reason, moved.at) == (OFFICER, "bestuursvergadering verplaatst", NOW)
    assert moved.conflict_confirmed is False
    assert r.scheduled_for == later
    copy: BoardRatification | None = None
    for e in events:
        copy = e.mutate(copy)
    assert copy is not None and copy.scheduled_for == later


@pytest.mark.parametrize(
    ("to", "kw", "error", "text"),
    [
        (datetime(2025, 11, 5, 10, 0), {}, InvalidDeadlineError, "must carry a time zone"),
        (BOARD, {}, InvalidDeadlineError, "already"),
        (NOW - timedelta(days=1), {}, InvalidDeadlineError, "has already passed"),
        (BOARD + timedelta(days=1), {"reason": "  "}, MissingReasonError, "give a reason"),
        (CLOSES - timedelta(days=1), {}, DateConflictError, "before the consultation closes"),
        (CLOSES, {}, DateConflictError, "confirm it with a reason"),
    ],
)
def test_a_bad_reschedule_is_refused_in_one_line_and_changes_nothing(
    to: datetime, kw: dict[str, Any], error: type[Exception], text: str
) -> None:
    r = scheduled()
    r.collect_events()
    with pytest.raises(error, match=text) as refused:
        move(r, to, **kw)
    assert "\n" not in str(refused.value)
    assert r.collect_events() == [] and r.scheduled_for == BOARD


def test_a_reschedule_before_the_close_passes_when_confirmed_and_says_so() -> None:
    r = scheduled()
    move(r, CLOSES - timedelta(hours=2), confirm_conflict=True, reason="spoedvergadering")
    moved = r.collect_events()[-1]
    assert isinstance(moved, BoardRatification.Rescheduled) and moved.conflict_confirmed
    assert "confirmed" in sentence(moved)


def test_once_the_consultation_closed_any_future_date_will_do() -> None:
    r = scheduled()
    move(r, NOW + timedelta(days=1), consultation_closes_at=None)
    assert r.scheduled_for == NOW + timedelta(days=1)


def test_a_decided_ratification_keeps_its_date() -> None:
    r = advised(scheduled())
    r.decide(Decision.RATIFY, rationale="", actor="board:b", reason="vergadering", at=BOARD)
    with pytest.raises(RatificationStateError, match="decided already"):
        move(r, BOARD + timedelta(days=3), at=BOARD)


def test_scheduling_before_the_close_is_refused_unless_confirmed() -> None:
    with pytest.raises(DateConflictError, match="before the consultation closes"):
        scheduled(scheduled_for=CLOSES - timedelta(days=1))
    r = scheduled(scheduled_for=CLOSES - timedelta(days=1), confirm_conflict=True)
    [created] = r.collect_events()
    assert isinstance(created, BoardRatification.Scheduled) and created.conflict_confirmed
    # after the close it is no conflict, and nothing to confirm is recorded
    [plain] = scheduled(confirm_conflict=True).collect_events()
    assert isinstance(plain, BoardRatification.Scheduled) and not plain.conflict_confirmed


def test_an_extension_past_the_date_is_refused_unless_confirmed_and_then_recorded() -> None:
    r = scheduled()
    r.collect_events()
    assert not r.overrun_by(BOARD - timedelta(seconds=1))
    assert r.overrun_by(BOARD) and r.overrun_by(BOARD + timedelta(days=1))
    with pytest.raises(DateConflictError, match="reschedule the ratification first"):
        r.confirm_overrun(
            consultation_closes_at=BOARD, confirmed=False, actor=OFFICER, reason="r", at=NOW
        )
    assert r.collect_events() == []
    r.confirm_overrun(
        consultation_closes_at=BOARD, confirmed=True, actor=OFFICER, reason="storing", at=NOW
    )
    [confirmed] = r.collect_events()
    assert isinstance(confirmed, BoardRatification.ConsultationOverrunConfirmed)
    assert (confirmed.consultation_closes_at, confirmed.scheduled_for) == (BOARD, BOARD)
    assert confirmed.reason == "storing"


# The reminder follows the date ----------------------------------------------------------------


def test_the_due_reminder_fires_at_the_new_date_not_the_old_and_again_after_a_move() -> None:
    r = scheduled()
    later = BOARD + timedelta(days=7)
    move(r, later)
    assert not r.notify_due(actor="system:scheduler", at=BOARD)  # the old date: nothing
    assert r.notify_due(actor="system:scheduler", at=later)
    assert not r.notify_due(actor="system:scheduler", at=later)  # once per date
    even_later = later + timedelta(days=7)
    move(r, even_later, at=later + timedelta(hours=1))
    assert r.notify_due(actor="system:scheduler", at=even_later)


# Late decisions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "late"),
    [
        (BOARD, False),
        (BOARD.replace(hour=23, minute=59), False),  # the same day in Amsterdam
        (BOARD - timedelta(days=1), False),
        (BOARD.replace(hour=0) + timedelta(days=1), True),
        (BOARD + timedelta(days=7), True),
    ],
)
def test_a_decision_after_the_day_it_was_due_is_marked_late(decided: datetime, late: bool) -> None:
    r = advised(scheduled())
    r.decide(Decision.RATIFY, rationale="", actor="board:b", reason="vergadering", at=decided)
    event = r.collect_events()[-1]
    assert isinstance(event, BoardRatification.Decided)
    assert event.late is late and r.late is late and r.summary()["late"] is late
    assert ("LATE" in sentence(event)) is late


def test_late_is_judged_in_the_process_zone_not_in_utc() -> None:
    due = datetime(2025, 10, 29, 0, 30, tzinfo=AMS)  # still 28 October in UTC
    assert not decided_late(due, "Europe/Amsterdam", datetime(2025, 10, 29, 10, 0, tzinfo=AMS))
    assert decided_late(due, "Europe/Amsterdam", datetime(2025, 10, 30, 0, 0, tzinfo=AMS))
    assert not decided_late(due, "Not/AZone", due + timedelta(minutes=10))


def _without(event: Any, *fields: str) -> Any:
    """The event as an older akkoord stored it: without the fields added later."""
    state = {k: v for k, v in event.__dict__.items() if k not in fields}
    return type(event)(**state)


def test_events_recorded_before_the_new_fields_still_replay_and_late_is_derived() -> None:
    r = advised(scheduled())
    r.decide(
        Decision.RATIFY,
        rationale="",
        actor="board:b",
        reason="vergadering",
        at=BOARD + timedelta(days=7),
    )
    old = [_without(e, "conflict_confirmed", "late") for e in r.collect_events()]
    copy: BoardRatification | None = None
    for e in old:
        copy = e.mutate(copy)
    assert copy is not None
    assert copy.outcome == "ratified" and copy.late  # derived from the recorded dates
    assert copy.summary()["late"] is True


# The ALV --------------------------------------------------------------------------------------


def convened() -> GeneralAssembly:
    return GeneralAssembly.convene(
        title="Najaars-ALV", held_on=ALV_DAY, actor=OFFICER, reason="jaarlijks", at=NOW
    )


def test_an_alv_moves_with_who_why_old_and_new() -> None:
    a = convened()
    later = ALV_DAY + timedelta(days=14)
    a.reschedule(held_on=later, timezone="Europe/Amsterdam", actor=OFFICER, reason="zaal", at=NOW)
    moved = a.collect_events()[-1]
    assert isinstance(moved, GeneralAssembly.Rescheduled)
    assert (moved.previous_held_on, moved.held_on, moved.actor, moved.reason) == (
        ALV_DAY,
        later,
        OFFICER,
        "zaal",
    )
    assert a.held_on == later and "moved from 2025-11-28 to 2025-12-12" in sentence(moved)


def test_an_alv_that_voted_or_met_keeps_its_date() -> None:
    a = convened()
    a.add_item(kind=ItemKind.OTHER, title="t", subject_id="", actor=OFFICER, reason="r", at=NOW)
    a.decide_item(1, WeightedResult.published("60"), actor=OFFICER, reason="r", at=ALV_DAY)
    with pytest.raises(AssemblyStateError, match="voted already"):
        a.reschedule(
            held_on=ALV_DAY + timedelta(days=30),
            timezone="Europe/Amsterdam",
            actor=OFFICER,
            reason="r",
            at=ALV_DAY,
        )
    b = convened()
    b.hold(actor=OFFICER, reason="gehouden", at=ALV_DAY)
    with pytest.raises(AssemblyStateError, match="held already"):
        b.reschedule(
            held_on=ALV_DAY + timedelta(days=30),
            timezone="Europe/Amsterdam",
            actor=OFFICER,
            reason="r",
            at=ALV_DAY,
        )


@pytest.mark.parametrize(
    ("to", "reason", "error"),
    [
        (datetime(2025, 12, 1, 10, 0), "r", InvalidDeadlineError),
        (ALV_DAY, "r", InvalidDeadlineError),
        (NOW - timedelta(hours=1), "r", InvalidDeadlineError),
        (ALV_DAY + timedelta(days=1), " ", MissingReasonError),
    ],
)
def test_a_bad_alv_reschedule_is_refused(to: datetime, reason: str, error: type[Exception]) -> None:
    a = convened()
    a.collect_events()
    with pytest.raises(error):
        a.reschedule(held_on=to, timezone="Europe/Amsterdam", actor=OFFICER, reason=reason, at=NOW)
    assert a.collect_events() == [] and a.held_on == ALV_DAY


# The deadline rule, as a property ---------------------------------------------------------------


class MemoryRows:
    """The `Rows` port over dicts, enough for the deadlines projection."""

    def __init__(self) -> None:
        self.tables: dict[str, list[Row]] = {}

    def insert(self, table: str, row: Row) -> None:
        self.tables.setdefault(table, []).append(dict(row))

    def update(self, table: str, where: Row, values: Row) -> None:
        for row in self.tables.get(table, []):
            if all(row.get(k) == v for k, v in where.items()):
                row.update(values)

    def delete(self, table: str, where: Row) -> None:
        self.tables[table] = [
            r for r in self.tables.get(table, []) if any(r.get(k) != v for k, v in where.items())
        ]

    def deadline(self, kind: DeadlineKind) -> Row:
        [row] = [r for r in self.tables["deadlines"] if r["kind"] == kind.value]
        return row


def project(events: list[Any]) -> MemoryRows:
    rows, projection = MemoryRows(), DeadlinesProjection()
    for position, e in enumerate(events, start=1):
        projection.process(e, rows, position)
    return rows


moves = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=60 * 24 * 90),  # minutes after the close
        st.booleans(),  # whether the scheduler's reminder fires before the next move
    ),
    min_size=0,
    max_size=8,
)


@given(moves)
def test_after_any_sequence_of_reschedules_the_deadline_is_due_at_the_latest_date(
    sequence: list[tuple[int, bool]],
) -> None:
    r = scheduled()
    now = NOW
    events: list[Any] = r.collect_events()
    latest = BOARD
    for minutes, fire in sequence:
        if fire and r.notify_due(actor="system:scheduler", at=max(now, r.scheduled_for)):
            now = max(now, r.scheduled_for)
        target = CLOSES + timedelta(minutes=minutes)
        if target == r.scheduled_for or target <= now:
            continue
        move(r, target, at=now)
        latest = target
        events += r.collect_events()
    events += r.collect_events()
    row = project(events).deadline(DeadlineKind.RATIFICATION_DUE)
    assert row["due_at"] == time_key(latest) == time_key(r.scheduled_for)
    # pending unless the reminder for the latest date went out already
    assert row["state"] == ("fired" if r.due_notified else "pending")


@given(st.lists(st.integers(min_value=1, max_value=60 * 24 * 365), max_size=8))
def test_after_any_sequence_of_alv_moves_its_deadline_is_the_latest_date(
    minutes: list[int],
) -> None:
    a = convened()
    latest = ALV_DAY
    for m in minutes:
        target = NOW + timedelta(minutes=m)
        if target == a.held_on:
            continue
        a.reschedule(held_on=target, timezone="Europe/Amsterdam", actor=OFFICER, reason="r", at=NOW)
        latest = target
    row = project(a.collect_events()).deadline(DeadlineKind.ASSEMBLY_MEETS)
    assert row["due_at"] == time_key(latest) and row["state"] == "pending"
