"""Dates, numbers and money as the reader's language writes them: "22 oktober 2025, 16:00",
"243.768", "€ 1.125.000,00" in Dutch. Times are shown in the process's own zone, to the minute."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import dates, numbers

from adapters.i18n.catalogues import current

_LOCALE = {"nl": "nl_NL", "en": "en_GB"}
_MOMENT = {"nl": "d MMMM y, HH:mm", "en": "d MMMM y, HH:mm"}
_DAY = {"nl": "d MMMM y", "en": "d MMMM y"}


def _locale(lang: str | None) -> str:
    return _LOCALE.get(lang or current(), "nl_NL")


def moment(value: datetime, zone: str | ZoneInfo, lang: str | None = None) -> str:
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    code = lang or current()
    return dates.format_datetime(
        value, _MOMENT.get(code, _MOMENT["nl"]), tzinfo=tz, locale=_locale(code)
    )


def day(value: datetime, zone: str | ZoneInfo, lang: str | None = None) -> str:
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    code = lang or current()
    return dates.format_date(value.astimezone(tz), _DAY.get(code, _DAY["nl"]), locale=_locale(code))


def number(value: int | float | Decimal, lang: str | None = None) -> str:
    return numbers.format_decimal(value, locale=_locale(lang))


def decimal(value: float | Decimal, lang: str | None = None, digits: int = 2) -> str:
    """A figure to a fixed number of decimals: 45.6 → "45,60" in Dutch (a table's % column)."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return numbers.format_decimal(value, format=pattern, locale=_locale(lang))


def percent(value: float | Decimal, lang: str | None = None, digits: int = 1) -> str:
    """`value` in percent points (52.3 → "52,3%")."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return numbers.format_decimal(value, format=pattern, locale=_locale(lang)) + "%"


def money(value: int | float | Decimal, lang: str | None = None) -> str:
    return numbers.format_currency(value, "EUR", locale=_locale(lang))


def duration(value: timedelta, lang: str | None = None) -> str:
    """Time left, to two units at most ("2 dagen en 3 uur" reads as "2 dagen")."""
    return dates.format_timedelta(value, threshold=1.5, locale=_locale(lang))
