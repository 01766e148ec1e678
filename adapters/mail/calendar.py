"""The invitation's calendar entry (.ics): a consultation's deadline, with a reminder a day before.

The entry is the same for every member and every retry (UID from the consultation, stamp from
the invitation's event), so a calendar that receives it twice keeps one entry. It carries no
personal link: calendars are shared and synced, the link stays in the mail.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from adapters.i18n import formats
from adapters.i18n.catalogues import gettext as _

CONTENT_TYPE = "text/calendar; method=PUBLISH; charset=UTF-8"
FILENAME = "ledenraadpleging.ics"
PRODID = "-//akkoord//ledenraadpleging//NL"

_BREAKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(text: str) -> str:
    """Line breaks and other control characters as one space: a title is one line of text."""
    return " ".join(_BREAKS.sub(" ", text).split())


def deadline_uid(consultation_id: str) -> str:
    return f"{consultation_id}.deadline@akkoord"


def deadline_entry(
    *, consultation_id: str, title: str, closes_at: datetime, zone: str, stamp: datetime
) -> bytes:
    tz = ZoneInfo(zone)
    title = one_line(title)
    moment = formats.moment(closes_at, tz)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", deadline_uid(consultation_id))
    event.add("dtstamp", stamp.astimezone(ZoneInfo("UTC")))
    # A deadline is an instant: no end, so the entry lasts no time (RFC 5545, 3.6.1).
    event.add("dtstart", closes_at.astimezone(tz))
    event.add("summary", _("Voting closes: %(title)s", title=title))
    event.add(
        "description",
        _(
            "The consultation %(title)s closes at %(moment)s. Vote through the personal link "
            "in your invitation.",
            title=title,
            moment=moment,
        ),
    )
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-1))
    alarm.add("description", _("Tomorrow the consultation closes: %(title)s", title=title))
    event.add_component(alarm)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
