"""Invitations and reminders on the consultation alone: who, when, by whom, why; never an
address. And the schedule of reminders before the deadline, which an extension moves."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.consultation import Consultation
from domain.deadlines import DeadlineKind
from domain.errors import (
    ConsultationClosedError,
    InvalidInputError,
    MissingReasonError,
    NotInElectorateError,
)
from domain.reminders import NobodyToRemindError, before_deadline, parse_offsets
from tests.conftest import CLOSES, OPENS
from tests.unit.test_consultation import cast, opened
from tests.unit.test_rescheduling import project

SCHEDULER = "system:scheduler"
WEEK, DAY = timedelta(days=7), timedelta(days=1)


def test_an_invitation_records_codes_actor_reason_and_time_only() -> None:
    c = opened()
    c.collect_events()
    assert c.invite(members=["gm0090", "GM0363"], actor="officer:x", reason="r", at=OPENS) == [
        "GM0090",
        "GM0363",
    ]
    [e] = c.collect_events()
    assert isinstance(e, Consultation.SecretariesInvited)
    assert (e.members, e.actor, e.reason, e.at) == (["GM0090", "GM0363"], "officer:x", "r", OPENS)


@pytest.mark.parametrize(
    ("members", "reason", "error"),
    [
        (["GM9999"], "r", NotInElectorateError),
        ([], "r", InvalidInputError),
        (["GM0090"], " ", MissingReasonError),
    ],
)
def test_a_bad_invitation_is_refused_and_records_nothing(
    members: list[str], reason: str, error: type[Exception]
) -> None:
    c = opened()
    c.collect_events()
    with pytest.raises(error):
        c.invite(members=members, actor="officer:x", reason=reason, at=OPENS)
    assert c.collect_events() == []


def test_a_closed_or_cancelled_consultation_invites_nobody() -> None:
    closed, cancelled = opened(), opened()
    closed.close(actor="officer:x", reason="klaar", at=OPENS + DAY)
    cancelled.cancel(actor="officer:x", reason="weg", at=OPENS + DAY)
    for c in (closed, cancelled):
        c.collect_events()
        with pytest.raises(ConsultationClosedError, match="invitations go out only"):
            c.invite(members=["GM0090"], actor="officer:x", reason="r", at=OPENS + DAY)
        assert c.collect_events() == []


def test_a_reminder_goes_to_the_non_voters_and_refuses_when_nobody_is_left() -> None:
    c = opened()
    cast(c, "GM0090")
    c.collect_events()
    at = OPENS + 2 * DAY
    assert c.remind(actor="officer:x", reason="r", at=at) == ["GM0088", "GM0363"]
    [e] = c.collect_events()
    assert isinstance(e, Consultation.NonVotersReminded)
    assert (e.members, e.occasion, e.due_at) == (["GM0088", "GM0363"], "by hand", None)
    cast(c, "GM0088")
    cast(c, "GM0363")
    c.collect_events()
    with pytest.raises(NobodyToRemindError, match="nobody to remind"):
        c.remind(actor="officer:x", reason="r", at=at)
    assert c.collect_events() == []


def test_offsets_parse_longest_first_and_none_means_none() -> None:
    assert parse_offsets("1d,7d") == (WEEK, DAY)
    assert parse_offsets("none") == ()
    assert before_deadline(7 * 86400) == "7 days before"
    assert before_deadline(3600) == "1 hour before"
    for bad in ("7", "0d", "1w", "-1d"):
        with pytest.raises(InvalidInputError):
            parse_offsets(bad)


def test_the_schedule_fires_each_reminder_once_and_collapses_missed_ones() -> None:
    c = opened(reminders=(WEEK, DAY))
    opening: list[Any] = c.collect_events()
    assert c.remind_as_scheduled(actor=SCHEDULER, at=CLOSES - WEEK - timedelta(minutes=1)) is False
    assert c.remind_as_scheduled(actor=SCHEDULER, at=CLOSES - WEEK) is True
    assert c.remind_as_scheduled(actor=SCHEDULER, at=CLOSES - WEEK) is False  # idempotent
    [week] = c.collect_events()
    assert (week.occasion, week.due_at, week.next_due_at) == (
        "7 days before",
        CLOSES - WEEK,
        CLOSES - DAY,
    )
    assert week.members == ["GM0088", "GM0090", "GM0363"]

    late = opened(reminders=(WEEK, DAY))
    late.collect_events()
    assert late.remind_as_scheduled(actor=SCHEDULER, at=CLOSES - timedelta(hours=1)) is True
    [one] = late.collect_events()  # the scheduler was down: one mail, not two
    assert (one.occasion, one.next_due_at) == ("1 day before", None)
    assert late.remind_as_scheduled(actor=SCHEDULER, at=CLOSES - timedelta(hours=1)) is False

    rows = project([*opening, week])
    row = rows.deadline(DeadlineKind.NON_VOTERS_REMINDER)
    assert (row["state"], row["due_at"]) == ("pending", _key(CLOSES - DAY))


def test_no_reminder_falls_before_the_opening() -> None:
    short = opened(closes_at=OPENS + timedelta(days=3), reminders=(WEEK, DAY))
    events = short.collect_events()
    row = project(events).deadline(DeadlineKind.NON_VOTERS_REMINDER)
    assert (row["state"], row["due_at"]) == ("pending", _key(OPENS + 2 * DAY))
    assert short.remind_as_scheduled(actor=SCHEDULER, at=OPENS + DAY) is False


def test_an_extension_moves_the_reminders_still_to_come() -> None:
    c = opened(reminders=(WEEK, DAY))
    events: list[Any] = c.collect_events()
    c.remind_as_scheduled(actor=SCHEDULER, at=CLOSES - WEEK)
    c.extend(closes_at=CLOSES + 2 * WEEK, actor="officer:x", reason="later", at=CLOSES - WEEK + DAY)
    events += c.collect_events()
    row = project(events).deadline(DeadlineKind.NON_VOTERS_REMINDER)
    # the week before the new deadline deserves its own reminder
    assert (row["state"], row["due_at"]) == ("pending", _key(CLOSES + WEEK))
    assert c.remind_as_scheduled(actor=SCHEDULER, at=CLOSES - DAY) is False  # the old date
    c.close(actor="officer:x", reason="vroeg klaar", at=CLOSES)
    events += c.collect_events()
    assert project(events).deadline(DeadlineKind.NON_VOTERS_REMINDER)["state"] == "cancelled"


def test_events_from_before_reminders_still_replay() -> None:
    c = opened()
    [created] = c.collect_events()
    assert created.reminders is None  # an opening without reminders stores what it always did
    assert project([created]).tables["deadlines"][-1]["kind"] != "non-voters reminder"


def _key(moment: Any) -> str:
    from projections.rows import time_key

    return time_key(moment)
