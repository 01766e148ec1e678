"""A timeline step as its reader reads it: "ledenraadpleging geopend: … (sluit 22 oktober 2025,
16:00)" in Dutch, the same sentence with English moments in English.

The timeline read model keeps each step twice: the English `summary` (ISO moments, for the API,
`--json` and comparisons) and the `sentence`, the translatable message it was made from
(projections/timeline.py). The sentence is said the way a refusal is (adapters/i18n/errors.py
`say`): its template through the catalogue, its moments in the process's zone, its label words
translated. A row without one (or with one this version cannot read) shows its summary.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.i18n.errors import say
from domain.messages import Text


def sentence(row: Mapping[str, object]) -> str:
    """The step of a timeline row in the current language."""
    summary = str(row.get("summary") or "")
    kept = row.get("sentence")
    if not isinstance(kept, str) or not kept:
        return summary
    try:
        message = Text.from_json(kept)
    except (ValueError, KeyError, TypeError):
        return summary
    # An empty template would be looked up as the catalogue's header.
    return say(message) if message.template else summary
