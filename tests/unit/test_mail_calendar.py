"""The invitation's calendar entry: it parses back, at the deadline's instant, in its own zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from adapters.mail.calendar import CONTENT_TYPE, deadline_entry

AMS = ZoneInfo("Europe/Amsterdam")
CLOSES = datetime(2025, 10, 22, 16, 0, tzinfo=AMS)
STAMP = datetime(2025, 9, 10, 9, 0, tzinfo=AMS)
CID = "0b8f3c1e-0000-4000-8000-000000000001"


def parsed(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def test_the_entry_is_the_deadline_in_its_zone_with_an_alarm_the_day_before() -> None:
    data = deadline_entry(
        consultation_id=CID,
        title="AZWA/HLO",
        closes_at=CLOSES.astimezone(UTC),  # stored as any aware time; shown in its own zone
        zone="Europe/Amsterdam",
        stamp=STAMP,
    )
    calendar = parsed(data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start == CLOSES
    assert start.utcoffset() == timedelta(hours=2)  # still summer time on 22 Oct 2025
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    assert str(event["UID"]) == f"{CID}.deadline@akkoord"
    assert "AZWA/HLO" in str(event["SUMMARY"])
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-1)
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert CONTENT_TYPE.startswith("text/calendar") and "method=PUBLISH" in CONTENT_TYPE


def test_the_same_consultation_gives_the_same_entry() -> None:
    """Stable UID and stamp: a mail made twice (a retry) carries the very same entry."""
    made = [
        deadline_entry(
            consultation_id=CID, title="T", closes_at=CLOSES, zone="Europe/Amsterdam", stamp=STAMP
        )
        for _ in range(2)
    ]
    assert made[0] == made[1]


def test_a_hostile_title_stays_one_line_of_text() -> None:
    data = deadline_entry(
        consultation_id=CID,
        title="<script>x</script>\r\nBEGIN:VALARM\r\nBcc: evil@example.org",
        closes_at=CLOSES,
        zone="Europe/Amsterdam",
        stamp=STAMP,
    )
    (event,) = parsed(data).walk("VEVENT")
    assert len(event.walk("VALARM")) == 1
    summary = str(event["SUMMARY"])
    assert "\n" not in summary and "\r" not in summary
    assert "BEGIN:VALARM Bcc: evil@example.org" in summary
