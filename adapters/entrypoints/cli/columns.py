"""The CLI's tables as people read them: column names and values in the run's language.

`--json` keeps the English keys and values (scripts compare them); a table for people shows
each column name through the catalogue (`cli.po`) and each value through `label()`, so that
`definitive` reads "definitief" under a Dutch locale. A column without a translation keeps
its English name.
"""

from __future__ import annotations

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
    return label(text) if isinstance(text, str) else ("" if text is None else str(text))
