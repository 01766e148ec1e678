"""Deadlines name exactly one moment, in the zone they were given in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.inputs.timeparse import TimeInputError, parse_as_of, parse_moment


def test_amsterdam_summer_and_winter_time() -> None:
    assert parse_moment("2025-10-22T16:00").astimezone(UTC) == datetime(
        2025, 10, 22, 14, 0, tzinfo=UTC
    )
    # after the clock change on 26 Oct, Amsterdam is UTC+1
    assert parse_moment("2025-10-29T10:00").astimezone(UTC) == datetime(
        2025, 10, 29, 9, 0, tzinfo=UTC
    )


def test_an_explicit_offset_wins_over_the_zone() -> None:
    moment = parse_moment("2025-10-22T14:00:00+00:00")
    assert moment.astimezone(UTC).hour == 14
    assert str(moment.tzinfo) == "Europe/Amsterdam"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-03-30T02:30", "does not exist"),
        ("2025-10-26T02:30", "occurs twice"),
        ("22-10-2025 16:00", "not an ISO date-time"),
        ("2025-10-22", "needs a date and a time"),
        ("2025-02-30T10:00", "not an ISO date-time"),
    ],
)
def test_times_that_are_not_one_moment_are_refused(text: str, message: str) -> None:
    with pytest.raises(TimeInputError, match=message):
        parse_moment(text)


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(TimeInputError, match="unknown time zone"):
        parse_moment("2025-10-22T16:00", "Mars/Olympus")


def test_as_of_a_bare_date_means_the_end_of_that_day() -> None:
    assert parse_as_of("2025-10-01").isoformat().startswith("2025-10-01T23:59:59")
