"""Messages for people, kept translatable: the rules speak English, the secretary may read Dutch.

`N_("closed at %(closes_at)s", closes_at=moment)` is a `Text`: a `str` whose value is the English
sentence (so logs, the JSON API and every comparison see what they always saw), which also keeps
its `template` and `params` so an adapter can say the same in another language, with the
moments written the way that reader writes them. `N_` is also the name `pybabel extract` looks
for, so the catalogue test finds every template.

Moments stay moments in `params`; the English writes them one way everywhere: to the minute
(seconds only when there are any), with the offset of the zone named by the `tz` param, or else
of the first moment in the message, so one sentence never mixes two offsets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZONE = "tz"
"""The param naming the IANA zone the message's moments are written in (never shown itself)."""


class Text(str):
    """An English message that remembers how it was made."""

    template: str
    params: Mapping[str, object]

    def __new__(cls, template: str, params: Mapping[str, object] | None = None) -> Text:
        kept = dict(params or {})
        value = template % english_params(kept) if kept else template
        self = super().__new__(cls, value)
        self.template = template
        self.params = MappingProxyType(kept)
        return self

    def __reduce__(self) -> tuple[type[Text], tuple[str, dict[str, object]]]:
        return (Text, (self.template, dict(self.params)))

    def to_json(self) -> str:
        return json.dumps({"template": self.template, "params": _tagged(dict(self.params))})

    @classmethod
    def from_json(cls, data: str) -> Text:
        loaded = json.loads(data)
        return cls(loaded["template"], _untagged(loaded["params"]))


def N_(template: str, /, **params: object) -> Text:  # noqa: N802 - the name `pybabel extract` knows
    return Text(template, params)


def zone_of(params: Mapping[str, object]) -> ZoneInfo | None:
    name = params.get(ZONE)
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return None
    for value in params.values():
        if isinstance(value, datetime) and isinstance(value.tzinfo, ZoneInfo):
            return value.tzinfo
    return None


def english_params(params: Mapping[str, object]) -> dict[str, object]:
    zone: Any = zone_of(params)
    if zone is None:
        first = next((v for v in params.values() if isinstance(v, datetime)), None)
        zone = first.tzinfo if first is not None else None
    return {key: english(value, zone) for key, value in params.items()}


def english(value: object, zone: Any = None) -> object:
    """One param as the English message writes it."""
    if isinstance(value, datetime):
        return clean_moment(value, zone)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def clean_moment(value: datetime, zone: Any = None) -> str:
    if zone is not None and value.tzinfo is not None:
        value = value.astimezone(zone)
    spec = "seconds" if value.second or value.microsecond else "minutes"
    return value.isoformat(timespec=spec)


def _tagged(params: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in params.items():
        if isinstance(value, Text):
            out[key] = {"$text": json.loads(value.to_json())}
        elif isinstance(value, datetime):
            out[key] = {"$datetime": value.isoformat()}
        elif isinstance(value, date):
            out[key] = {"$date": value.isoformat()}
        elif isinstance(value, Enum):
            out[key] = value.value
        elif isinstance(value, Decimal):
            out[key] = {"$decimal": str(value)}
        elif value is None or isinstance(value, (str, int, float, bool)):
            out[key] = value
        else:
            out[key] = str(value)
    return out


def _untagged(params: dict[str, Any]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in params.items():
        if isinstance(value, dict) and "$text" in value:
            out[key] = Text(value["$text"]["template"], _untagged(value["$text"]["params"]))
        elif isinstance(value, dict) and "$datetime" in value:
            out[key] = datetime.fromisoformat(value["$datetime"])
        elif isinstance(value, dict) and "$date" in value:
            out[key] = date.fromisoformat(value["$date"])
        elif isinstance(value, dict) and "$decimal" in value:
            out[key] = Decimal(value["$decimal"])
        else:
            out[key] = value
    return out
