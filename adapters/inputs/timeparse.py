"""Turning what people type into timezone-aware moments, refusing times a zone does not have."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import InvalidInputError

DEFAULT_TZ = "Europe/Amsterdam"
# Far enough for any governance record; keeps zone arithmetic away from datetime's edges.
MIN_YEAR, MAX_YEAR = 1900, 2999


class TimeInputError(InvalidInputError):
    code = "invalid_time"


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TimeInputError(f"unknown time zone {name[:80]!r} (e.g. Europe/Amsterdam)") from None


def parse_moment(text: str, tz_name: str = DEFAULT_TZ, *, what: str = "time") -> datetime:
    """ISO 8601 date-time; without an offset it is read as wall time in `tz_name`.

    A wall time that does not exist (the hour skipped in spring) or exists twice (the hour
    repeated in autumn) is refused: a deadline must name exactly one moment.
    """
    tz = zone(tz_name)
    cleaned = text.strip()
    if "T" not in cleaned and " " not in cleaned:
        raise TimeInputError(f"{what} {text!r} needs a date and a time, e.g. 2025-10-22T16:00")
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        raise TimeInputError(
            f"{what} {text!r} is not an ISO date-time like 2025-10-22T16:00"
        ) from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise TimeInputError(f"{what} {text!r} lies outside the years {MIN_YEAR}..{MAX_YEAR}")
    if parsed.tzinfo is not None:
        return parsed.astimezone(tz)
    early, late = parsed.replace(tzinfo=tz, fold=0), parsed.replace(tzinfo=tz, fold=1)
    if early.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != parsed:
        raise TimeInputError(f"{what} {text!r} does not exist in {tz_name} (clocks go forward)")
    if early.utcoffset() != late.utcoffset():
        raise TimeInputError(
            f"{what} {text!r} occurs twice in {tz_name} (clocks go back); add an offset, "
            f"e.g. {early.isoformat()} or {late.isoformat()}"
        )
    return early


def parse_as_of(text: str, tz_name: str = DEFAULT_TZ, *, what: str = "as-of") -> datetime:
    """Like parse_moment, but a bare date means the end of that day."""
    cleaned = text.strip()
    if len(cleaned) == 10:
        return parse_moment(f"{cleaned}T23:59:59.999999", tz_name, what=what)
    return parse_moment(cleaned, tz_name, what=what)


def parse_duration(text: str) -> timedelta:
    """'90d', '13w', '12h', '30s' -> a duration."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
    number, unit = text.strip()[:-1], text.strip()[-1:].lower()
    if unit not in units or not number.isdigit() or int(number) == 0:
        raise TimeInputError(f"a cadence like 90d, 13w, 12h or 30s, not {text!r}")
    return timedelta(seconds=int(number) * units[unit])
