"""The day a change in the register takes effect, as people type it: a date (the start of that
day in the zone) or a date and time."""

from __future__ import annotations

from datetime import date, datetime

from adapters.inputs.timeparse import DEFAULT_TZ, MAX_YEAR, MIN_YEAR, TimeInputError, parse_moment


def parse_effective(text: str, tz_name: str = DEFAULT_TZ, *, what: str = "--effective") -> datetime:
    cleaned = text.strip()
    if "T" in cleaned or " " in cleaned:
        return parse_moment(cleaned, tz_name, what=what)
    try:
        day = date.fromisoformat(cleaned)
    except ValueError:
        raise TimeInputError(
            f"{what} {text[:40]!r} is not a date like 2023-01-01 (or a date-time)"
        ) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise TimeInputError(f"{what} {text!r} lies outside the years {MIN_YEAR}..{MAX_YEAR}")
    # The start of the day; in a zone that skips midnight parse_moment says so.
    return parse_moment(f"{day.isoformat()}T00:00", tz_name, what=what)
