"""The CLI's tables as people read them: column names and values in the run's language.

`--json` keeps the English keys and values (scripts compare them); a table for people shows
each column name through the catalogue (`cli.po`) and each value through `label()`, so that
`definitive` reads "definitief" under a Dutch locale. A column without a translation keeps
its English name.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from adapters.i18n.catalogues import ENGLISH, N_, current, gettext
from adapters.i18n.labels import label

# The columns of the tables every role reads (status, timeline, deadlines, actions, show).
COLUMNS = (
    N_("agreement"),
    N_("party"),
    N_("since"),
    N_("because"),
    N_("when"),
    N_("process"),
    N_("what"),
    N_("who"),
    N_("kind"),
    N_("title"),
    N_("due at"),
    N_("state"),
    N_("settled at"),
    N_("subject id"),
    N_("role"),
    N_("action"),
    N_("subject"),
    N_("phase"),
    N_("closes at"),
    N_("opens at"),
    N_("question"),
    N_("decision"),
    N_("advice"),
    N_("outcome"),
    N_("scheduled for"),
)


# Keys whose name is also one of the domain's values ("due" is a deadline's state too).
_NAMED = {"due": N_("due on")}


def heading(key: str) -> str:
    """`due_at` as a column name: "due at", or "vervalt op" in Dutch."""
    words = key.replace("_", " ")
    return words if current() == ENGLISH else gettext(_NAMED.get(key, words))


def value(text: Any) -> str:
    """A cell: one of the domain's values in the run's language, anything else as it is."""
    if isinstance(text, str) and current() != ENGLISH:
        from adapters.entrypoints.cli.column_names import VALUES

        return _when(text) or (gettext(text) if text in VALUES else label(text))
    return label(text) if isinstance(text, str) else ("" if text is None else str(text))


# --- the commands' own tables (cli_commands.po): a cell of any shape, for a Dutch reader ---
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?")


def _when(text: str) -> str:
    """An ISO date or moment as `show()` writes dates for a Dutch reader ("29 oktober 2025,
    10:00", in the zone the dates of the store are shown in); "" for anything else."""
    if not _ISO.fullmatch(text):
        return ""
    from adapters.i18n.formats import day, moment
    from adapters.inputs.timeparse import DEFAULT_TZ

    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return ""
    if len(text) == len("2025-10-29"):
        return day(when.replace(tzinfo=UTC), "UTC")
    return moment(when, DEFAULT_TZ)


def spoken(item: Any) -> str:
    """A cell for a Dutch reader: nested keys as column names, yes/no for True/False, a decimal
    comma, dates and the domain's values in Dutch (English keeps `common._cell`'s text)."""
    if isinstance(item, dict):
        return ", ".join(f"{heading(str(k))}: {spoken(v)}" for k, v in item.items())
    if isinstance(item, list):
        return "; ".join(spoken(v) for v in item)
    if isinstance(item, bool):
        return gettext("yes") if item else gettext("no")
    if isinstance(item, float):
        from adapters.i18n.formats import number

        return number(item)
    return value(item)


def text(item: Any) -> str:
    """A cell the English table printed as `str(item)`: so it still does; Dutch as `spoken`."""
    return str(item) if current() == ENGLISH else spoken(item)


def figure(amount: float, digits: int = 2) -> str:
    """A percentage or weight to `digits` decimals: "75.62" in English, "75,62" in Dutch."""
    if current() == ENGLISH:
        return f"{amount:.{digits}f}"
    from adapters.i18n.formats import decimal

    return decimal(amount, digits=digits)
