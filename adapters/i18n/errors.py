"""A refusal as the person reads it: the rule's English template through the catalogue, its
params written the reader's way (moments in the consultation's zone, to the minute).

The domain raises `Text` messages (domain/messages.py) that keep their template and params; an
error raised with a plain string is looked up as it stands and shown in English if the
catalogue does not know it. Machines (the JSON API, logs) keep the English `str(error)`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from babel import dates

from adapters.i18n import formats
from adapters.i18n.catalogues import current, speaking, translations
from domain.messages import ZONE, Text, zone_of

DEFAULT_ZONE = "Europe/Amsterdam"
_REPR = re.compile(r"%\((\w+)\)r")


def explain(error: BaseException, lang: str | None = None) -> str:
    """The one-line message of `error` in `lang` (or the current language)."""
    message = error.args[0] if len(error.args) == 1 else str(error)
    if lang is None:
        return say(message)
    with speaking(lang):
        return say(message)


def say(message: object) -> str:
    """A `Text` (or a plain string) in the current language."""
    if isinstance(message, Text):
        return _render(message.template, message.params)
    text = str(message)
    return translations(current()).gettext(text) if text else text


def _render(template: str, params: Mapping[str, object]) -> str:
    translated = translations(current()).gettext(template)
    if not params:
        return translated
    zone = zone_of(params)
    tz = zone.key if zone is not None else DEFAULT_ZONE
    verbatim = set(_REPR.findall(template))
    shown = {
        key: value if key in verbatim else _param(value, tz)
        for key, value in params.items()
        if key != ZONE
    }
    try:
        return translated % shown
    except (KeyError, TypeError, ValueError):
        # A translation that names a param the template lacks: the English is still right.
        return template % shown


def _param(value: object, tz: str) -> object:
    if isinstance(value, Text):
        return say(value)
    if isinstance(value, datetime):
        return formats.moment(value, tz)
    if isinstance(value, date):
        return dates.format_date(value, "d MMMM y", locale=_babel_locale())
    if isinstance(value, Decimal):
        return formats.number(value)
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str) and value:
        # Labels ("closed", "positive") and the fragments the rules pass in English ("open a
        # consultation", "the title") are catalogue entries; names, codes and ids are not,
        # and come back as they are.
        return translations(current()).gettext(value)
    return value


def _babel_locale() -> str:
    return "nl_NL" if current() == "nl" else "en_GB"
